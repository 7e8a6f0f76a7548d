/**
 * Existence checks every operation under an object's path gets, handled or generated: the node, the guest,
 * the storage, the pool, the user and token must exist, with Proxmox's error wording.
 */
import { fail } from './mock-error';
import { guestAt } from './handlers/guest-common';
import type { MockState } from './state';

export function checkObjectsExist(state: MockState, method: string, template: string, params: Record<string, string>): void {
  const d = state.data;
  if (params.node !== undefined && template.startsWith('/nodes/{node}') && !d.nodes.includes(params.node)) {
    throw fail(`hostname lookup '${params.node}' failed - failed to get address info for: ${params.node}: Name or service not known`);
  }
  const guest = /^\/nodes\/\{node\}\/(qemu|lxc)\/\{vmid\}/.exec(template);
  if (guest) guestAt(state, guest[1] as 'qemu' | 'lxc', params.node, params.vmid);
  if (params.storage !== undefined && /^\/(nodes\/\{node\}\/)?storage\/\{storage\}/.test(template) && !d.storages[params.storage]) {
    throw fail(`storage '${params.storage}' does not exist`);
  }
  // A pool's changes answer a missing pool themselves, inside PVE's lock (its message then starts with what failed).
  if (params.poolid !== undefined && template.startsWith('/pools/{poolid}') && method === 'GET' && !d.pools[params.poolid]) {
    throw fail(`pool '${params.poolid}' does not exist`);
  }
  if (params.userid !== undefined && template.startsWith('/access/users/{userid}') && !d.users[params.userid]) {
    throw fail(`no such user ('${params.userid}')`);
  }
  if (params.tokenid !== undefined && template.startsWith('/access/users/{userid}/token/{tokenid}') && method !== 'POST') {
    if (!d.users[params.userid]?.tokens[params.tokenid]) throw fail(`no such token '${params.tokenid}' for user '${params.userid}'`);
  }
}
