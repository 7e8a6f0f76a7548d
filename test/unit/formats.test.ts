/**
 * Table tests for the Proxmox string formats: at least three valid and three invalid values for each of the 25
 * formats used by most parameters in PVE 9.2 (counted from the data, property-string keys included), checked
 * both directly and through an ajv validator; plus the -list/-opt variants and the list of unenforced formats.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
process.env.PVECLI_SCHEMA_ROOT = join(__dirname, '../../schema');
import { validateParams } from '../../src/params';
import { baseFormats, formatCheck, splitList } from '../../src/params/formats';
import { FORMAT_SAMPLES } from '../../src/params/samples';
import type { Operation, PropSchema } from '../../src/schema/types';

const SCHEMA_ROOT = join(__dirname, '../../schema');
const IDS = ['pve-9.2', 'pve-9.1', 'pve-8.4', 'pbs-4', 'pmg-6.3', 'pdm-1.1'];

/** Every string format name used in one compiled schema, with its parameter count (nested keys included). */
function formatCounts(id: string): Map<string, number> {
  const counts = new Map<string, number>();
  const walk = (p: PropSchema | undefined) => {
    if (!p || typeof p !== 'object') return;
    if (typeof p.format === 'string') counts.set(p.format, (counts.get(p.format) ?? 0) + 1);
    else if (p.format && typeof p.format === 'object') Object.values(p.format).forEach(walk);
    walk(p.items);
    if (Array.isArray(p.oneOf)) (p.oneOf as PropSchema[]).forEach(walk);
  };
  const dir = join(SCHEMA_ROOT, id, 'p');
  for (const f of readdirSync(dir)) {
    const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { info: Record<string, Operation> };
    for (const op of Object.values(doc.info)) Object.values(op.parameters.properties ?? {}).forEach(walk);
  }
  return counts;
}

const TABLE: Record<string, [valid: string[], invalid: string[]]> = {
  'pve-node': [['pve', 'node-1', 'PVE2'], ['-pve', 'pve_1', 'node.example.com', '']],
  'pve-vmid': [['100', '4242', '999999999'], ['99', '1000000000', 'abc', '0100']],
  'pve-configid': [['net0', 'my_id', 'a-b'], ['0net', 'a', 'x y', 'a.b']],
  'pve-storage-id': [['local', 'local-lvm', 'ceph.pool1'], ['1local', 'local-', 'lo cal', 'a']],
  'pve-configid-list': [['net0', 'net0,scsi1', 'a1;b2 c3'], ['net0,0bad', 'x', 'a,b']],
  'pve-fw-addr-spec': [['192.0.2.1', '10.0.0.0/8,192.0.2.5', '+dc/myset', '192.0.2.1-192.0.2.9', 'myalias', 'dc/alias1'], ['300.1.1.1', '+', '10.0.0.0/33', '1.2.3.4-::1']],
  'pve-iface': [['eth0', 'vmbr0', 'bond0.100'], ['0eth', 'e', 'eth 0', 'x'.repeat(30)]],
  'disk-size': [['32', '32G', '1.5T'], ['32GB', '-1', 'G', '1,5G']],
  'pve-userid': [['root@pam', 'alice@pve', 'bob.smith@ldap-corp'], ['root', 'root@', '@pam', 'a b@pam', `${'x'.repeat(61)}@pam`]],
  'pve-volume-id-or-qm-path': [['local-lvm:32', 'local:iso/debian.iso', 'none', 'cdrom', '/dev/sdb'], ['local', 'iso/x.iso', '1local:5', '']],
  'pve-volume-id-or-absolute-path': [['local-lvm:vm-100-disk-0', '/mnt/image.raw', 'ceph:base-1-disk-0'], ['vm-100-disk-0', 'relative/path', '', ':x']],
  urlencoded: [['ssh-rsa%20AAAA', 'abc', "a-b_c.d!e~f*g'(h)"], ['a b', 'a/b', 'a,b', 'ä']],
  'pve-sdn-fabric-id': [['fab1', 'ab', 'a-b-c'], ['a', 'toolongname', '-ab', 'ab-']],
  'pve-fw-dport-spec': [['22', '80,443', '1024:2048', 'ssh'], ['70000', '22:21', '22,', '-1']],
  'pve-fw-sport-spec': [['22', '1024:65535', 'http,https'], ['65536', '5:', 'a b', '']],
  'pve-fw-icmp-type-spec': [['echo-request', '8', '3/4'], ['echo request', '-1', '1234', '']],
  'pve-fw-protocol-spec': [['tcp', 'udp', '6'], ['t cp', '1234', '', '-tcp']],
  IPorCIDRorAlias: [['192.0.2.1', '2001:db8::/64', 'myalias'], ['192.0.2.0/4', '1.2.3', 'my alias', '+set']],
  address: [['192.0.2.1', '2001:db8::1', 'host.example.com'], ['host_name', '-host', '1.2.3.4/24', '']],
  'pve-vmid-list': [['100', '100,101', '100 200;300'], ['99', '100,abc', 'x', '100,1e3']],
  ip: [['192.0.2.1', '::1', '2001:db8::10'], ['192.0.2.256', 'fe80::1%eth0', '1.2.3', 'localhost']],
  'dns-name': [['example.com', 'a', 'my-host.example.org'], ['-a.com', 'a..b', 'a_b.com', 'a.com.']],
  'mac-addr': [['BC:24:11:00:00:01', 'aa:bb:cc:dd:ee:fe', '02:00:00:00:00:00'], ['01:00:5e:00:00:01', 'BC:24:11:00:00', 'BC-24-11-00-00-01', 'ZZ:24:11:00:00:01']],
  'pve-sdn-route-map-id': [['map1', 'route_map-2', 'a'], ['-map', 'map 1', '', 'a/b']],
  'pve-volume-id': [['local:iso/debian.iso', 'local-lvm:vm-100-disk-0', 'nfs:backup/vzdump.vma.zst'], ['local', '/dev/sda', 'local:', ':vol']],
  'pve-poolid': [['pool1', 'dev/team', 'a_b-c'], ['pool 1', 'a/b/c/d', 'pool.1', '']],
  'pve-node-list': [['pve', 'pve,pve2', 'pve;pve2 pve3'], ['pve,-x', 'pve_1', 'pve,,node.x']],
  'pve-iface-list': [['eth0', 'eth0,eth1', 'vmbr0;bond0'], ['0eth', 'eth0,e', 'eth0 1x']],
  CIDR: [['192.0.2.0/24', '2001:db8::/32', '10.0.0.0/8'], ['192.0.2.0', '10.0.0.0/7', '192.0.2.0/33', '::/129']],
  'pve-sdn-prefix-list-id': [['list1', 'a', 'my_list-2'], ['-x', 'x y', '', '/x']],
  ipv4: [['192.0.2.1', '0.0.0.0', '255.255.255.255'], ['256.0.0.1', '1.2.3', '::1', '01.2.3.4']],
  ipv6: [['::1', '2001:db8::1', 'fe80::1'], ['192.0.2.1', 'fe80::1%eth0', '2001:db8:::1', 'g::1']],
  'pve-replication-job-id': [['100-0', '999999999-12', '101-3'], ['99-0', '100', '100-a', '100-0-1']],
  'pve-storage-path': [['/mnt/data', '/', '/srv/nfs/share'], ['mnt/data', '/a;b', '/a(b)', '']],
  'pve-realm': [['pam', 'pve', 'my-ldap.corp'], ['1pam', 'p', 'p am', '']],
  'pve-calendar-event': [['daily', 'mon..fri 02:30', '*/15', 'sat *-1..7 15:00'], ['', '   ', 'mon;fri', 'x'.repeat(129)]],
  email: [['admin@example.com', 'a.b+c@mail.example.org', 'x~y@host'], ['admin', 'a@', '@b.c', 'a b@c.d']],
  'email-opt': [['', 'admin@example.com', 'root@localhost'], ['admin', 'a@', ' ']],
  'pve-cpuset': [['0', '0-3', '0-3,8,10-11'], ['a', '0-', ',1', '1;2']],
  'pve-storage-zfs-blocksize': [['8k', '16K', '128k', '1M'], ['3k', '0', 'k', '12kb']],
  'pve-tag-list': [['prod', 'prod;web', 'a,b c'], ['-x;+', 'a;b!', 'a;b/c']],
};

describe('Proxmox formats', () => {
  const pve = formatCounts('pve-9.2');
  const top25 = [...pve.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 25).map(([f]) => f);

  it('the table covers the 25 formats used most in PVE 9.2', () => {
    expect(top25.filter((f) => !TABLE[f])).toEqual([]);
  });

  for (const [name, [valid, invalid]] of Object.entries(TABLE)) {
    it(`${name}: ${valid.length} valid, ${invalid.length} invalid`, () => {
      expect(valid.length).toBeGreaterThanOrEqual(3);
      expect(invalid.length).toBeGreaterThanOrEqual(3);
      const check = formatCheck(name)!;
      expect(check).toBeTypeOf('function');
      expect(valid.filter((v) => !check(v))).toEqual([]);
      expect(invalid.filter((v) => check(v))).toEqual([]);
    });
  }

  it('rejects through ajv too, naming the parameter and the format', () => {
    const op: Operation = { method: 'POST', path: '/test', parameters: { properties: {} } };
    for (const name of Object.keys(TABLE)) op.parameters.properties[`p-${name}`] = { type: 'string', format: name, optional: 1 };
    for (const [name, [valid, invalid]] of Object.entries(TABLE)) {
      expect(validateParams(undefined as never, op, { [`p-${name}`]: valid[0] })).toEqual([]);
      const errors = validateParams(undefined as never, op, { [`p-${name}`]: invalid[0] });
      expect(errors).toHaveLength(1);
      expect(errors[0].param).toBe(`p-${name}`);
      expect(errors[0].message).toContain(name);
    }
  });

  it('every format used by the six bundled schemas is known, or listed as accepted as a plain string', () => {
    const ACCEPTED_AS_STRING = ['pve-sdn-fabric-wireguard-interface'];
    const unknown = new Set<string>();
    for (const id of IDS) for (const f of formatCounts(id).keys()) if (!formatCheck(f)) unknown.add(f);
    // Property-string formats are checked by their overlay or typetext instead.
    const { namedPropertyFormat } = require('../../src/params/property-string') as typeof import('../../src/params/property-string');
    const plain = [...unknown].filter((f) => !namedPropertyFormat(f)).sort();
    expect(plain).toEqual(ACCEPTED_AS_STRING);
    // The build agrees: what it could not enforce is exactly this list.
    const unenforced = new Set<string>();
    for (const id of IDS) {
      const u = JSON.parse(readFileSync(join(SCHEMA_ROOT, id, 'v', 'unenforced.json'), 'utf8')) as { formats: string[] };
      u.formats.forEach((f) => unenforced.add(f));
    }
    expect([...unenforced].sort()).toEqual(ACCEPTED_AS_STRING);
  });

  it('has a valid sample for every base format', () => {
    for (const name of Object.keys(baseFormats)) {
      const sample = FORMAT_SAMPLES[name];
      expect(sample, name).toBeTypeOf('string');
      expect(formatCheck(name)!(sample), `${name}: ${sample}`).toBe(true);
    }
  });

  it('-list splits like Proxmox (an empty list is valid), -opt allows empty', () => {
    expect(formatCheck('pve-vmid-list')!('')).toBe(true);
    expect(splitList('a, b;c  d')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList('a b\0c')).toEqual(['a b', 'c']);
    expect(formatCheck('pve-storage-id-list')!('local,local-lvm')).toBe(true);
    expect(formatCheck('pve-storage-id-opt')!('')).toBe(true);
    expect(formatCheck('pve-storage-id')!('')).toBe(false);
    expect(formatCheck('no-such-format')).toBeUndefined();
  });
});
