/**
 * Backups as pve-manager's PVE::API2::VZDump and PVE::VZDump run them: parameters checked before the fork
 * (HTTP 400), guests of other nodes skipped (the call answers 'OK' when none is left), and everything else in
 * the worker: a storage that does not exist or holds no backups fails the job, a guest that is missing, locked
 * or fails makes the job end with 'job errors' while the others are backed up. Guests hold the lock `backup`
 * while the job runs; archives appear when it ends.
 */
import type { Effect } from '../effects';
import { badParams } from '../mock-error';
import type { Guest, Volume } from '../state';
import { type HandlerContext, type HandlerTable, bool, now, str } from './context';
import { lockError, magicFailure } from './guest-common';

const split = (v: unknown) => String(v ?? '').split(/[,;\s]+/).filter(Boolean);

/** The guests a job names: all of a node's (less `exclude`), a pool's members, or a list of ids. */
function wantedIds(ctx: HandlerContext): number[] {
  const node = ctx.params.node;
  if (bool(ctx.args.all)) {
    const excluded = new Set(split(ctx.args.exclude).map(Number));
    return Object.values(ctx.state.data.guests).filter((g) => g.node === node && !excluded.has(g.vmid)).map((g) => g.vmid);
  }
  const pool = str(ctx.args.pool);
  if (pool) return (ctx.state.data.pools[pool]?.members ?? []).filter((m) => /^(qemu|lxc)\//.test(m)).map((m) => Number(m.split('/')[1]));
  return split(ctx.args.vmid).map(Number);
}

/** verify_vzdump_parameters and the API's own refusals, before anything runs. */
function checkParams(ctx: HandlerContext): void {
  const a = ctx.args;
  if (bool(a.stdout)) throw badParams({ stdout: 'option is only allowed on the command line interface.' });
  if (bool(a.all) && a.vmid !== undefined) throw badParams({ all: "option conflicts with option 'vmid'" });
  if (a.exclude !== undefined && a.vmid !== undefined) throw badParams({ exclude: "option conflicts with option 'vmid'" });
  if (a.pool !== undefined && a.vmid !== undefined) throw badParams({ pool: "option conflicts with option 'vmid'" });
  if (!bool(a.all) && a.vmid === undefined && a.pool === undefined) throw badParams({ vmid: 'property is missing' });
}

/** Why the whole job cannot write to its storage (get_storage_info), or undefined. */
function storageError(ctx: HandlerContext, id: string): string | undefined {
  const s = ctx.state.data.storages[id];
  if (!s) return `storage '${id}' does not exist`;
  return s.content.split(',').includes('backup') ? undefined : `can't use storage '${id}' for backups - wrong content type`;
}

function archiveOf(storage: string, g: Guest, stamp: string): Volume {
  const qemu = g.type === 'qemu';
  return {
    volid: `${storage}:backup/vzdump-${g.type}-${g.vmid}-${stamp}.${qemu ? 'vma' : 'tar'}.zst`,
    content: 'backup',
    format: qemu ? 'vma.zst' : 'tar.zst',
    size: 1024 ** 3,
    vmid: g.vmid,
    ctime: now(),
  };
}

/** `POST /nodes/{node}/vzdump`: a UPID, or 'OK' when every guest named runs on another node. */
function vzdump(ctx: HandlerContext): string {
  checkParams(ctx);
  const node = ctx.params.node;
  // Guests that do not exist stay in the list, to fail visibly in the job.
  const local = wantedIds(ctx).filter((id) => (ctx.state.guest(id)?.node ?? node) === node);
  if (!local.length && !bool(ctx.args.all)) return 'OK';
  const storage = str(ctx.args.storage) ?? 'local';
  const stamp = new Date().toISOString().replace(/T/, '-').replace(/:/g, '_').slice(0, 19);
  const log = [`INFO: starting new backup job: vzdump ${local.join(' ')} --storage ${storage}`];
  const fatal = storageError(ctx, storage);
  const end: Effect[] = [];
  const stop: Effect[] = [];
  let errors = 0;
  for (const vmid of fatal ? [] : local) {
    const g = ctx.state.guest(vmid);
    const failure = g ? (lockError(g) ?? magicFailure(g)) : `unable to find VM '${vmid}'`;
    if (g) log.push(`INFO: Starting Backup of VM ${vmid} (${g.type})`);
    if (failure || !g) {
      errors++;
      log.push(`ERROR: Backup of VM ${vmid} failed - ${failure}`);
      continue;
    }
    const volume = archiveOf(storage, g, stamp);
    g.config.lock = 'backup';
    const unlock: Effect = { op: 'unlock', vmid, lock: 'backup' };
    end.push({ op: 'add-volume', storage, node, volume }, unlock);
    stop.push(unlock);
    log.push(`INFO: creating vzdump archive '${volume.volid}'`, `INFO: Finished Backup of VM ${vmid}`);
  }
  if (!fatal) log.push(errors ? 'INFO: Backup job finished with errors' : 'INFO: Backup job finished successfully');
  return ctx.task({
    node,
    type: 'vzdump',
    id: local.length === 1 ? String(local[0]) : '',
    log,
    ...(fatal ? { exitstatus: fatal } : errors ? { exitstatus: 'job errors' } : {}),
    effects: { end, stop },
  });
}

export const backupHandlers: HandlerTable = {
  'POST /nodes/{node}/vzdump': vzdump,
};
