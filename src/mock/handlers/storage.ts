/** Storages: configuration under /storage, status and content per node; backups and volume removal as tasks. */
import { hasPrivs } from '../acl';
import { badParams, fail } from '../mock-error';
import { type MockState, type Storage, type Volume, volumesOf } from '../state';
import { storageStatus } from './cluster';
import { type HandlerContext, type HandlerTable, int, now, str } from './context';

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

/** A volume name with or without its storage prefix (a prefix naming another storage is refused, as Proxmox does). */
function volumeId(s: Storage, name: string): string {
  if (!name.includes(':')) return `${s.storage}:${name}`;
  const sid = name.slice(0, name.indexOf(':'));
  if (sid !== s.storage) throw badParams({ volume: `storage ID mismatch (${sid} != ${s.storage})` });
  return name;
}

/** pve-storage's alloc size: KiB, or whole `M`/`G` units. */
function allocationKiB(text: string): number {
  const m = /^(\d+)([MG]?)$/.exec(text);
  if (!m) throw badParams({ size: `unable to parse size '${text}'` });
  return Number(m[1]) * (m[2] === 'G' ? 1024 * 1024 : m[2] === 'M' ? 1024 : 1);
}

/** The format a file name's extension gives, which must agree with `format` when both are set. */
function imageFormat(filename: string, format: string | undefined): string | undefined {
  const ext = /\.(raw|qcow2|vmdk)$/.exec(filename)?.[1];
  if (ext && format && format !== ext) throw badParams({ format: `different storage formats (${format} != ${ext})` });
  return ext ?? format;
}

function findVolume(ctx: HandlerContext): Volume {
  const s = storageAt(ctx.state, ctx.params.storage);
  const list = volumesOf(s, ctx.params.node);
  const volid = volumeId(s, ctx.params.volume);
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
    const kib = allocationKiB(String(ctx.args.size));
    const format = imageFormat(filename, str(ctx.args.format));
    if (!new RegExp(`^vm-${vmid}-`).test(filename)) throw fail(`illegal name '${filename}' - should be 'vm-${vmid}-*'`);
    // File-based storages keep images in a directory per guest.
    const volid = s.path ? `${s.storage}:${vmid}/${filename}` : `${s.storage}:${filename}`;
    const list = volumesOf(s, ctx.params.node);
    if (list.some((v) => v.volid === volid)) throw fail(`disk image '${s.path ? `${s.path}/images/${vmid}/${filename}` : filename}' already exists`);
    list.push({ volid, content: 'images', format: format ?? 'raw', size: kib * 1024, vmid, ctime: now() });
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

  // The volume is looked for in the worker (vdisk_free): one that does not exist fails the task, not the call.
  'DELETE /nodes/{node}/storage/{storage}/content/{volume}': (ctx) => {
    const s = storageAt(ctx.state, ctx.params.storage);
    const volid = volumeId(s, ctx.params.volume);
    const vol = volumesOf(s, ctx.params.node).find((v) => v.volid === volid);
    const owner = vol?.vmid ?? /^(?:[^:]+:)(?:\d+\/)?(?:vm|base|subvol)-(\d+)-/.exec(volid)?.[1];
    return ctx.task({
      node: ctx.params.node,
      type: 'imgdel',
      id: owner ? `${owner}@${s.storage}` : s.storage,
      ...(vol ? { log: [`Removed volume '${volid}'`] } : { exitstatus: `volume '${volid}' does not exist` }),
      effects: vol ? { end: [{ op: 'free', node: ctx.params.node, volids: [volid] }] } : undefined,
    });
  },
};
