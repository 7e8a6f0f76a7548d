/**
 * Valid sample values from a parameter schema, as the strings a user would type: for the schema-wide tests, the
 * fuzzer, and the mock server's made-up objects. Undefined when no sample is known (the caller skips the parameter).
 */
import { isOptional, type PropSchema } from '../schema/types';
import { formatCheck } from './formats';
import { patternRegExp } from './perl-regex';
import { defaultKeyOf, propertyFormatOf, formatPropertyString } from './property-string';
import { itemsOf, typeOf } from './coerce';
import { impliedSample } from './implied-formats';

/** One valid value per base format. */
export const FORMAT_SAMPLES: Record<string, string> = {
  string: 'text',
  'pve-node': 'pve',
  'pve-vmid': '100',
  'pve-configid': 'net0',
  'pve-storage-id': 'local-lvm',
  'pve-poolid': 'pool1',
  'pve-userid': 'root@pam',
  'pmg-userid': 'admin@pmg',
  'pve-tokenid': 'root@pam!ci',
  'pve-realm': 'pve',
  'pve-groupid': 'admins',
  'pve-roleid': 'PVEAdmin',
  'pve-priv': 'VM.Audit',
  'pve-iface': 'eth0',
  'pve-bridge-id': 'vmbr0',
  'pve-replication-job-id': '100-0',
  'pve-tag': 'prod',
  'pve-ha-resource-id': 'vm:100',
  'pve-ha-resource-or-vm-id': 'vm:100',
  'pve-ha-node': 'pve:1',
  'pve-ha-group-node': 'pve:1',
  'pve-sdn-zone-id': 'zone1',
  'pve-sdn-vnet-id': 'vnet1',
  'pve-sdn-controller-id': 'ctrl1',
  'pve-sdn-ipam-id': 'pve',
  'pve-sdn-dns-id': 'dns1',
  'pve-sdn-fabric-id': 'fab1',
  'pve-sdn-route-map-id': 'map1',
  'pve-sdn-prefix-list-id': 'list1',
  'pve-sdn-subnet-id': '10.0.0.0/24',
  'pve-sdn-bgp-rt': '65000:100',
  'pve-sdn-isis-net': '49.0001.1921.6800.1002.00',
  'mac-addr': 'BC:24:11:00:00:01',
  'mac-prefix': 'BC:24:11',
  ipv4: '192.0.2.10',
  ipv6: '2001:db8::10',
  ip: '192.0.2.10',
  ipv4mask: '255.255.255.0',
  CIDRv4: '192.0.2.0/24',
  CIDRv6: '2001:db8::/64',
  CIDR: '192.0.2.0/24',
  FullRangeCIDR: '0.0.0.0/0',
  IPorCIDR: '192.0.2.10',
  IPorCIDRorAlias: '192.0.2.0/24',
  'lxc-ip-with-ll-iface': '192.0.2.53',
  'pve-ipv4-config': '192.0.2.10/24',
  'pve-ipv6-config': 'auto',
  'dns-name': 'host.example.com',
  address: 'host.example.com',
  'pve-storage-server': '192.0.2.20',
  'pve-storage-portal-dns': '192.0.2.20:3260',
  'pve-vlan-id-or-range': '2-4094',
  'bridge-pair': 'vmbr0:vmbr1',
  'pve-acme-domain': 'example.com',
  'pve-acme-alias': 'alias.example.com',
  'transport-domain': 'example.com',
  'transport-domain-or-email': 'example.com',
  'transport-address': 'mail.example.com:25',
  'transport-domain-or-nexthop': 'example.com',
  'tls-policy-strict': 'encrypt',
  'dnsbl-entry': 'zen.spamhaus.org',
  'pve-fw-addr-spec': '192.0.2.0/24',
  'pve-fw-dport-spec': '22',
  'pve-fw-sport-spec': '1024:65535',
  'pve-fw-protocol-spec': 'tcp',
  'pve-fw-icmp-type-spec': 'echo-request',
  'pve-fw-conntrack-helper': 'ftp',
  'pve-volume-id': 'local:iso/debian.iso',
  'pve-volume-id-or-qm-path': 'local-lvm:32',
  'pve-volume-id-or-absolute-path': 'local-lvm:vm-100-disk-0',
  'pve-lxc-mp-string': 'local-lvm:8',
  'pve-qm-ide': 'local:iso/debian.iso',
  'pve-lxc-dev-string': '/dev/ttyUSB0',
  'pve-storage-path': '/mnt/data',
  'pve-storage-path-in-property-string': '/mnt/data',
  'pve-storage-vgname': 'pve',
  'pve-storage-content': 'images',
  'pve-storage-options': 'vers=4.2',
  'pve-storage-zfs-blocksize': '16k',
  'pve-dir-override': 'iso=/isos',
  'storage-pair': 'local-lvm:local',
  'disk-size': '32G',
  'pve-qm-bootdisk': 'scsi0',
  'pve-cpuset': '0-3,8',
  'pve-hotplug-features': 'network,disk,usb',
  'pve-phys-bits': 'host',
  'pve-ct-timezone': 'Europe/Vienna',
  email: 'admin@example.com',
  'email-or-username': 'admin@example.com',
  'ldap-simple-attr': 'uid',
  'pve-calendar-event': 'mon..fri 02:30',
  'pve-day-of-week': 'mon',
  'pve-task-status-type': 'ok',
  'graphite-path': 'proxmox',
  urlencoded: 'ssh-ed25519%20AAAA',
  'pem-string': '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----',
  'pem-certificate-chain': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
  'pve-command-batch': '[{"path":"/version","method":"GET"}]',
};

/** Strings tried against patterns with no better sample. */
const PATTERN_CANDIDATES = [
  'abc', 'test1', 'a', 'ab', 'abc-def', '100', '1', '0', 'pve', 'vmbr0', 'scsi0', 'q35', 'pc', 'now', 'none',
  '0x1234567890abcdef', '1234:5678', '0000:01:00', '0000:01:00.0', '1-1.2', '2048', '1G', '32', '0755', '12:30',
  'acl', 'host', 'http://example.com', 'https://example.com', '/dev/parport0', '/dev/sda', 'net0=1', '100-0',
  'u:0:100000:65536', 'passthrough', 'discard', 'key=value', '10/minute', 'abc:def', 'nodev', '+aes', 'pve4c-0123456789',
  '49.0001.1921.6800.1002.00', 'ceph', 'mon.a', '1;2', '/var/tmp/pveupload-0a1b', 'docker.io/library/debian:12',
  'docker.io/library/debian', 'pmg-backup_1.tgz', 'C1R1T1', '1_2', 'all', 'secret', 'A'.repeat(200),
  'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99',
  'ab:ab', 'abcdef:123456', 'UPID:pve:00000001:00000001:00000001:00000001:task:id:root@pam:',
  'store1:vm/100/2024-01-01T00:00:00Z', 'a'.repeat(64).replace(/a/g, 'f'), 'sda', 'vm-100-disk-0',
  'x@pam', 'root@pam!t', 'PVEAPIToken=root@pam!t=secret', '2024-01-01 12:00', 'pmgc-0123456789', '192.0.2.0/24', 'BC:24:11:00:00:01', '/', '$1$abc$def', 'de', 'pveb-0123456789', 'ab12', '12345678-1234-1234-1234-123456789012',
];

/** A valid value for a parameter as typed on the command line, or undefined; `name` for forms only a name implies ({upid}). */
export function sampleArg(prop: PropSchema, name?: string): string | string[] | undefined {
  const implied = impliedSample(name, prop);
  if (implied) return implied;
  const type = typeOf(prop);
  const choices = Array.isArray(prop.enum) ? prop.enum.filter((v) => v !== null && v !== undefined) : [];
  if (choices.length) return String(choices[0]);
  switch (type) {
    case 'boolean':
      return '1';
    case 'integer':
    case 'number': {
      const min = typeof prop.minimum === 'number' ? prop.minimum : undefined;
      const max = typeof prop.maximum === 'number' ? prop.maximum : undefined;
      let n = min ?? (max !== undefined ? Math.min(max, 1) : 1);
      if (typeof prop.default === 'number' && (min === undefined || prop.default >= min) && (max === undefined || prop.default <= max)) {
        n = prop.default;
      }
      return String(type === 'integer' ? Math.ceil(n) : n);
    }
    case 'array': {
      const item = sampleArg(itemsOf(prop) ?? {});
      return item === undefined ? undefined : Array.isArray(item) ? item : [item];
    }
    case 'object':
      return sampleObject(prop);
    case 'null':
      return undefined;
    default:
      return sampleString(prop);
  }
}

/** A JSON object with the required keys, as typed on the command line. */
function sampleObject(prop: PropSchema): string | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(prop.properties ?? {})) {
    if (isOptional(sub)) continue;
    const v = sampleArg(sub);
    if (v === undefined) return undefined;
    const t = typeOf(Array.isArray(v) ? itemsOf(sub) ?? {} : sub);
    const typedOne = (x: string): unknown =>
      t === 'integer' || t === 'number' ? Number(x) : t === 'boolean' ? x === '1' : t === 'object' ? JSON.parse(x) : x;
    out[key] = Array.isArray(v) ? v.map(typedOne) : typedOne(v);
  }
  return JSON.stringify(out);
}

function sampleString(prop: PropSchema): string | undefined {
  const format = propertyFormatOf(prop);
  if (format) return samplePropertyString(format);
  const fits = (v: string) =>
    (prop.minLength === undefined || v.length >= prop.minLength) &&
    (prop.maxLength === undefined || v.length <= prop.maxLength) &&
    (typeof prop.pattern !== 'string' || prop.pattern === '' || !!patternRegExp(prop.pattern)?.test(v)) &&
    (typeof prop.format !== 'string' || !formatCheck(prop.format) || formatCheck(prop.format)!(v));
  const candidates: string[] = [];
  if (typeof prop.format === 'string') {
    const base = prop.format.replace(/-(list|opt)$/, '');
    if (FORMAT_SAMPLES[base]) candidates.push(FORMAT_SAMPLES[base]);
  }
  if (typeof prop.default === 'string') candidates.push(prop.default);
  candidates.push(...PATTERN_CANDIDATES);
  if (prop.minLength) candidates.push('a'.repeat(prop.minLength));
  return candidates.find(fits);
}

/** A property string with the required keys (the default key written bare). */
export function samplePropertyString(format: Record<string, PropSchema>): string | undefined {
  const value: Record<string, unknown> = {};
  const defaultKey = defaultKeyOf(format);
  for (const [key, sub] of Object.entries(format)) {
    if (sub.alias || (isOptional(sub) && key !== defaultKey)) continue;
    const v = sampleArg(sub);
    if (v === undefined) {
      if (isOptional(sub)) continue;
      return undefined;
    }
    value[key] = Array.isArray(v) ? v[0] : v;
  }
  return formatPropertyString(format, value);
}
