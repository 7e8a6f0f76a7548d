/** Storages: configuration under /storage, status and content per node; backups and volume removal as tasks. */
import { hasPrivs } from '../acl';
import { badParams, fail } from '../mock-error';
import type { Effect } from '../effects';
import { type MockState, type Storage, type Volume, volumesOf } from '../state';
import { storageStatus } from './cluster';
import { type HandlerContext, type HandlerTable, bool, int, now, str } from './context';
import { magicFailure } from './guest-common';

export function storageAt(state: MockState, id: string): Storage {
  const s = state.data.storages[id];
  if (!s) throw fail(`storage '${id}' does not exist`);
  return s;
}

function storageConfig(s: Storage): Record<string, unknown> {
  return { storage: s.storage, type: s.type, content: s.content, shared: s.shared, ...(s.path ? { path: s.path } : {}), digest: '0'.repeat(40) };
}

/** Storages with Datastore.Audit or Datastore.AllocateSpace on /storage/{storage}: what storage lists show. */
function visibleStorages(ctx: HandlerContext): Storage[] {
  return Object.values(ctx.state.data.storages).filter((s) => hasPrivs(ctx.state, ctx.id, `/storage/${s.storage}`, ['Datastore.Audit', 'Datastore.AllocateSpace']));
}

function findVolume(ctx: HandlerContext): Volume {
  const s = storageAt(ctx.state, ctx.params.storage);
  const list = volumesOf(s, ctx.params.node);
  const name = ctx.params.volume;
  const volid = name.includes(':') ? name : `${s.storage}:${name}`;
  const vol = list.find((v) => v.volid === volid);
  if (!vol) throw fail(`volume '${volid}' does not exist`);
  return vol;
}

export const storageHandlers: HandlerTable = {
  'GET /storage': (ctx) =>
    visibleStorages(ctx)
      .filter((s) => !ctx.args.type || s.type === ctx.args.type)
      .map(storageConfig),

  'POST /storage': (ctx) => {
    const id = String(ctx.args.storage);
    if (ctx.state.data.storages[id]) throw fail(`storage ID '${id}' already defined`);
    const type = String(ctx.args.type);
    const shared = ['nfs', 'cifs', 'cephfs', 'rbd', 'pbs', 'iscsi', 'glusterfs'].includes(type) ? 1 : Number(ctx.args.shared ?? 0);
    const s: Storage = {
      storage: id,
      type,
      content: str(ctx.args.content) ?? (type === 'dir' || type === 'nfs' ? 'iso,vztmpl,backup' : 'images,rootdir'),
      shared,
      path: str(ctx.args.path) ?? (shared && type !== 'rbd' && type !== 'pbs' ? `/mnt/pve/${id}` : undefined),
      total: 500 * 1024 ** 3,
      volumes: shared ? { '*': [] } : Object.fromEntries(ctx.state.data.nodes.map((n) => [n, []])),
    };
    ctx.state.data.storages[id] = s;
    ctx.changed();
    return { storage: id, type };
  },

  'GET /storage/{storage}': (ctx) => storageConfig(storageAt(ctx.state, ctx.params.storage)),

  'PUT /storage/{storage}': (ctx) => {
    const s = storageAt(ctx.state, ctx.params.storage);
    if (ctx.args.content !== undefined) s.content = String(ctx.args.content);
    if (ctx.args.shared !== undefined) s.shared = Number(ctx.args.shared);
    ctx.changed();
    return { storage: s.storage, type: s.type };
  },

  'DELETE /storage/{storage}': (ctx) => {
    storageAt(ctx.state, ctx.params.storage);
    delete ctx.state.data.storages[ctx.params.storage];
    for (const p of Object.values(ctx.state.data.pools)) p.members = p.members.filter((m) => m !== `storage/${ctx.params.storage}`);
    ctx.changed();
    return null;
  },

  'GET /nodes/{node}/storage': (ctx) => {
    if (ctx.args.storage !== undefined && !ctx.state.data.storages[String(ctx.args.storage)]) throw badParams({ storage: 'No such storage.' });
    return visibleStorages(ctx)
      .filter((s) => !ctx.args.storage || s.storage === ctx.args.storage)
      .filter((s) => !ctx.args.content || s.content.split(',').includes(String(ctx.args.content)))
      .map((s) => storageStatus(s, ctx.params.node));
  },

  'GET /nodes/{node}/storage/{storage}/status': (ctx) => storageStatus(storageAt(ctx.state, ctx.params.storage), ctx.params.node),

  'GET /nodes/{node}/storage/{storage}/content': (ctx) => {
    const s = storageAt(ctx.state, ctx.params.storage);
    return volumesOf(s, ctx.params.node)
      .filter((v) => !ctx.args.content || v.content === ctx.args.content)
      .filter((v) => ctx.args.vmid === undefined || v.vmid === Number(ctx.args.vmid))
      .map(({ checksum: _kept, ...v }) => ({ ...v, used: v.content === 'images' ? Math.floor(v.size / 4) : undefined }));
  },

  'POST /nodes/{node}/storage/{storage}/content': (ctx) => {
    const s = storageAt(ctx.state, ctx.params.storage);
    const vmid = int(ctx.args.vmid, 0);
    const filename = String(ctx.args.filename);
    const size = String(ctx.args.size);
    const m = /^(\d+(?:\.\d+)?)([KMGT])?$/.exec(size);
    if (!m) throw badParams({ size: 'unable to parse size' });
    const bytes = Number(m[1]) * 1024 ** (1 + 'KMGT'.indexOf(m[2] ?? 'K'));
    const volid = `${s.storage}:${filename}`;
    const list = volumesOf(s, ctx.params.node);
    if (list.some((v) => v.volid === volid)) throw fail(`volume '${volid}' already exists`);
    list.push({ volid, content: 'images', format: str(ctx.args.format) ?? 'raw', size: bytes, vmid, ctime: now() });
    ctx.changed();
    return volid;
  },

  'GET /nodes/{node}/storage/{storage}/content/{volume}': (ctx) => {
    const vol = findVolume(ctx);
    return { path: `/dev/mock/${vol.volid.replace(':', '/')}`, size: vol.size, used: Math.floor(vol.size / 4), format: vol.format };
  },

  'PUT /nodes/{node}/storage/{storage}/content/{volume}': (ctx) => {
    findVolume(ctx);
    return null;
  },

  'DELETE /nodes/{node}/storage/{storage}/content/{volume}': (ctx) => {
    const vol = findVolume(ctx);
    return ctx.task({ node: ctx.params.node, type: 'imgdel', id: vol.volid, effects: { end: [{ op: 'free', node: ctx.params.node, volids: [vol.volid] }] } });
  },

  'POST /nodes/{node}/vzdump': (ctx) => {
    const storageId = str(ctx.args.storage) ?? 'local';
    const s = storageAt(ctx.state, storageId);
    if (!s.content.split(',').includes('backup')) throw fail(`storage '${storageId}' does not support backups`);
    const wanted = bool(ctx.args.all)
      ? Object.values(ctx.state.data.guests).filter((g) => g.node === ctx.params.node).map((g) => g.vmid)
      : String(ctx.args.vmid ?? '').split(/[,;\s]+/).filter(Boolean).map(Number);
    const stamp = new Date().toISOString().replace(/T/, '-').replace(/:/g, '_').slice(0, 19);
    const log: string[] = [];
    // Each archive appears when the job ends; a guest whose backup fails has none, and the job ends 'job errors'.
    const archives: Effect[] = [];
    let errors = false;
    for (const vmid of wanted) {
      const g = ctx.state.guest(vmid);
      if (!g) throw fail(`guest ${vmid} does not exist`);
      log.push(`INFO: Starting Backup of VM ${vmid} (${g.type})`);
      const failure = magicFailure(g);
      if (failure) {
        errors = true;
        log.push(`ERROR: Backup of VM ${vmid} failed - ${failure}`);
        continue;
      }
      const volid = `${storageId}:backup/vzdump-${g.type}-${vmid}-${stamp}.${g.type === 'qemu' ? 'vma' : 'tar'}.zst`;
      const volume: Volume = { volid, content: 'backup', format: g.type === 'qemu' ? 'vma.zst' : 'tar.zst', size: 1024 ** 3, vmid, ctime: now() };
      archives.push({ op: 'add-volume', storage: storageId, node: ctx.params.node, volume });
      log.push(`INFO: creating vzdump archive '${volid}'`, `INFO: Finished Backup of VM ${vmid}`);
    }
    return ctx.task({
      node: ctx.params.node,
      type: 'vzdump',
      id: wanted.length === 1 ? String(wanted[0]) : '',
      log: ['INFO: starting new backup job: vzdump', ...log],
      ...(errors ? { exitstatus: 'job errors' } : {}),
      effects: { end: archives },
    });
  },
};
