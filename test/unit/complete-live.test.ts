import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listingFor, listingForParam, pickValues } from '../../src/cli/complete-live';
import { loadSchema } from '../../src/schema/load';
import { ROOT } from '../helpers/cli';

process.env.PVECLI_SCHEMA_ROOT = join(ROOT, 'schema');

describe('where the values of a {param} segment come from', () => {
  const pve = loadSchema('pve-9.2');
  it('lists guests from the node and type in the path, not from the whole cluster', () => {
    expect(listingFor(pve, '/nodes/{node}/qemu', '/nodes/pve2/qemu', 'vmid')).toEqual({ path: '/nodes/pve2/qemu', field: 'vmid', param: 'vmid' });
    expect(listingFor(pve, '/nodes/{node}/lxc', '/nodes/pve/lxc', 'vmid')).toEqual({ path: '/nodes/pve/lxc', field: 'vmid', param: 'vmid' });
  });
  it('picks the field the listing links its children by, which may differ from the parameter name', () => {
    expect(listingFor(pve, '/nodes/{node}/qemu/{vmid}/snapshot', '/nodes/pve/qemu/100/snapshot', 'snapname')?.field).toBe('name');
    expect(listingFor(pve, '/nodes/{node}/storage/{storage}/content', '/nodes/pve/storage/local/content', 'volume')?.field).toBe('volid');
    expect(listingFor(pve, '/nodes/{node}/network', '/nodes/pve/network', 'iface')?.field).toBe('iface');
    expect(listingFor(pve, '/pools', '/pools', 'poolid')?.field).toBe('poolid');
  });
  it('asks nothing where the parent reply is declared and is not a list of children', () => {
    expect(listingFor(pve, '/nodes/{node}/ceph/osd', '/nodes/pve/ceph/osd', 'osdid')).toBeUndefined();
  });
  it('still asks where a schema leaves the reply undeclared (PBS nodes)', () => {
    expect(listingFor(loadSchema('pbs-4'), '/nodes', '/nodes', 'node')?.field).toBe('node');
  });
});

describe('picking the values from a listing', () => {
  it('takes the field, numbers as text, sorted numerically and without duplicates', () => {
    const rows = [{ vmid: 1000 }, { vmid: 101 }, { vmid: 101 }, { vmid: 99 }, { other: 1 }, null];
    expect(pickValues(rows, { field: 'vmid', param: 'vmid' })).toEqual(['99', '101', '1000']);
  });
  it('leaves out the pseudo-snapshot "current", which is no child of snapshot/', () => {
    const rows = [{ name: 'before-upgrade' }, { name: 'current', description: 'You are here!' }];
    expect(pickValues(rows, { field: 'name', param: 'snapname' })).toEqual(['before-upgrade']);
    expect(pickValues([{ name: 'current' }], { field: 'name', param: 'name' })).toEqual(['current']);
  });
  it('gives nothing for a reply that is not a list', () => {
    expect(pickValues({ data: 1 }, { field: 'x', param: 'x' })).toEqual([]);
  });
});

describe('flag values linked to listings by the schema', () => {
  const schema2 = loadSchema('pve-9.2');
  const param = (path: string, method: 'POST' | 'GET', name: string) => schema2.operation(path, method)!.parameters.properties![name];
  it('by format: nodes, guests, storages of the node (else of the cluster), pools, bridges of the node, content types', () => {
    expect(listingForParam('target', param('/nodes/{node}/qemu/{vmid}/migrate', 'POST', 'target'), {})).toMatchObject({ path: '/nodes', field: 'node' });
    expect(listingForParam('vmid', param('/nodes/{node}/vzdump', 'POST', 'vmid'), {})).toMatchObject({ path: '/cluster/resources', field: 'vmid', params: { type: 'vm' } });
    expect(listingForParam('vmid', param('/nodes/{node}/qemu', 'POST', 'vmid'), { creates: true })).toMatchObject({ path: '/cluster/nextid', single: true });
    expect(listingForParam('storage', param('/nodes/{node}/qemu', 'POST', 'storage'), { node: 'pve2' })).toMatchObject({ path: '/nodes/pve2/storage', field: 'storage' });
    expect(listingForParam('storage', param('/nodes/{node}/qemu', 'POST', 'storage'), {})).toMatchObject({ path: '/storage' });
    expect(listingForParam('pool', param('/nodes/{node}/qemu', 'POST', 'pool'), {})).toMatchObject({ path: '/pools', field: 'poolid' });
    expect(listingForParam('bridge', undefined, { node: 'pve' })).toMatchObject({ path: '/nodes/pve/network', field: 'iface', types: ['bridge', 'OVSBridge'] });
    expect(listingForParam('bridge', undefined, {})).toBeUndefined();
    expect(listingForParam('content', param('/nodes/{node}/storage/{storage}/content', 'GET', 'content'), { node: 'pve', storage: 'local' })).toMatchObject({
      path: '/nodes/pve/storage',
      split: true,
      params: { storage: 'local' },
    });
    expect(listingForParam('name', param('/nodes/{node}/qemu', 'POST', 'name'), { node: 'pve' })).toBeUndefined();
  });
  it('keeps only bridges, splits comma lists, takes a single value', () => {
    const rows = [{ iface: 'eth0', type: 'eth' }, { iface: 'vmbr0', type: 'bridge' }, { iface: 'vmbr1', type: 'OVSBridge' }, { iface: 'bond0', type: 'bond' }];
    expect(pickValues(rows, { field: 'iface', param: 'bridge', types: ['bridge', 'OVSBridge'] })).toEqual(['vmbr0', 'vmbr1']);
    expect(pickValues([{ content: 'iso,backup' }, { content: 'images,iso' }], { field: 'content', param: 'content', split: true })).toEqual(['backup', 'images', 'iso']);
    expect(pickValues('103', { field: '', param: 'vmid', single: true })).toEqual(['103']);
  });
});
