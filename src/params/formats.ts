/**
 * The Proxmox string formats as named validators, written from their documented syntax (typetext, pvesh/qm/pct
 * manuals). Each base format also has its `-list` (items split like Proxmox's split_list) and `-opt` (may be empty)
 * variant. Build-time ajv standalone code requires this module as `pvecli-formats`, so keep it lean: no imports
 * at all (node:net alone costs milliseconds at start-up).
 */

export type FormatCheck = (value: string) => boolean;

/** A whole-string regex check, compiled on first use (start-up only pays for the formats it meets). */
const re = (source: string, flags = ''): FormatCheck => {
  let r: RegExp | undefined;
  return (v) => (r ??= new RegExp(`^(?:${source})$`, flags)).test(v);
};

// Building blocks.
const DNS_LABEL = '[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?';
const DNS_NAME = `(?:${DNS_LABEL}\\.)*${DNS_LABEL}`;
const STORAGE_ID = '[a-z][a-z0-9\\-_.]*[a-z0-9]';
const REALM = '[A-Za-z][A-Za-z0-9.\\-_]+';
const USER = '[^\\s:/\\x00-\\x1f\\x7f]+';
const TOKEN_NAME = '[A-Za-z][A-Za-z0-9.\\-_]+';
const EMAIL = "[\\w+\\-~]+(?:\\.[\\w+\\-~]+)*@[a-zA-Z0-9\\-]+(?:\\.[a-zA-Z0-9\\-]+)*";
const FW_NAME = '[A-Za-z][A-Za-z0-9\\-_]+';

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function isIPv4(v: string): boolean {
  return IPV4.test(v);
}

/** RFC 4291 text forms: eight groups, one `::`, an IPv4 tail; no zone index. */
export function isIPv6(v: string): boolean {
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(v)) return false;
  let s = v;
  if (s.includes('.')) {
    const last = s.lastIndexOf(':');
    if (last < 0 || !isIPv4(s.slice(last + 1))) return false;
    s = `${s.slice(0, last + 1)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  if (halves.length === 2) {
    const all = [...groups(halves[0]), ...groups(halves[1])];
    return all.length <= 7 && all.every((g) => HEX_GROUP.test(g));
  }
  const all = s.split(':');
  return all.length === 8 && all.every((g) => HEX_GROUP.test(g));
}

const isIPv6Plain = isIPv6;
const isIP = (v: string) => isIPv4(v) || isIPv6Plain(v);

/** ip/len with len in [min, max]; PVE's CIDR formats refuse prefixes shorter than /8 (FullRangeCIDR allows /0). */
function cidr(v: string, family: 4 | 6 | 0, minLen: number): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(v);
  if (!m) return false;
  const len = Number(m[2]);
  if ((family === 4 || family === 0) && isIPv4(m[1])) return len >= minLen && len <= 32;
  if ((family === 6 || family === 0) && isIPv6Plain(m[1])) return len >= minLen && len <= 128;
  return false;
}

function ipv4Mask(v: string): boolean {
  if (!isIPv4(v)) return false;
  const bits = v
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits);
}

function port(v: string): boolean {
  return /^\d{1,5}$/.test(v) && Number(v) <= 65535;
}

/** host, host:port, [ipv6] or [ipv6]:port. */
function hostWithPort(v: string): boolean {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (bracket) return isIPv6Plain(bracket[1]) && (bracket[2] === undefined || port(bracket[2]));
  if (isIPv6Plain(v)) return true;
  const m = /^([^:]+)(?::(\d+))?$/.exec(v);
  return !!m && (isIPv4(m[1]) || dnsName(m[1])) && (m[2] === undefined || port(m[2]));
}

const dnsName = re(DNS_NAME);
const volumeId = re(`${STORAGE_ID}:.+`, 'i');
const absolutePath = (v: string) => /^\/[^\0]*$/.test(v);
const email = re(EMAIL);
const userid = (v: string) => v.length <= 64 && re(`${USER}@${REALM}`)(v);
const vmid = (v: string) => /^[1-9][0-9]{2,8}$/.test(v);
const pveNode = re('[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?');
const configId = re('[a-z][a-z0-9_-]+', 'i');
const storageId = re(STORAGE_ID, 'i');
const fwIpOrRange = (v: string) => {
  const range = /^([^-]+)-([^-]+)$/.exec(v);
  if (range) return (isIPv4(range[1]) && isIPv4(range[2])) || (isIPv6Plain(range[1]) && isIPv6Plain(range[2]));
  return isIP(v) || cidr(v, 0, 0);
};
const fwAlias = re(`(?:(?:dc|guest)/)?${FW_NAME}`);
const fwIpset = re(`\\+(?:(?:dc|guest|sdn)/)?${FW_NAME}`);
const portSpec = (v: string) =>
  v.split(',').every((p) => {
    const m = /^(\d+):(\d+)$/.exec(p);
    if (m) return port(m[1]) && port(m[2]) && Number(m[1]) <= Number(m[2]);
    return port(p) || /^[a-z][a-z0-9+\-_.]*$/i.test(p);
  });
const powerOfTwoSize = (v: string) => {
  const m = /^(\d+)([km]?)$/i.exec(v);
  if (!m) return false;
  const n = Number(m[1]);
  return n > 0 && (n & (n - 1)) === 0;
};
const vlanIdOrRange = (v: string) => {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (!m) return false;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  return a >= 1 && b <= 4094 && a <= b;
};
const pem = (v: string, many: boolean) => {
  const block = '-----BEGIN [A-Z0-9 ]+-----[\\s\\S]+?-----END [A-Z0-9 ]+-----';
  return new RegExp(`^\\s*${block}${many ? `(?:\\s*${block})*` : ''}\\s*$`).test(v);
};
const commandBatch = (v: string) => {
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) && parsed.every((c) => c !== null && typeof c === 'object' && typeof (c as { path?: unknown }).path === 'string');
  } catch {
    return false;
  }
};
const haResourceId = re('(?:vm|ct):[1-9][0-9]{2,8}');
const transportDomain = re(`(?:\\*\\.)?${DNS_NAME}`);

/** Base formats by name. Property-string formats (prune-backups, pve-qm-boot, ...) are checked by the property-string code. */
export const baseFormats: Record<string, FormatCheck> = {
  string: () => true,
  // identifiers
  'pve-node': pveNode,
  'pve-vmid': vmid,
  'pve-configid': configId,
  'pve-storage-id': storageId,
  'pve-poolid': re('[A-Za-z0-9_\\-]+(?:/[A-Za-z0-9_\\-]+){0,2}'),
  'pve-userid': userid,
  'pmg-userid': (v) => v.length <= 64 && re(`${USER}@(?:pmg|pam|quarantine)`)(v),
  'pve-tokenid': (v) => re(`${USER}@${REALM}!${TOKEN_NAME}`)(v),
  'pve-realm': re(REALM),
  'pve-groupid': re('[A-Za-z0-9.\\-_]+'),
  'pve-roleid': re('[A-Za-z0-9.\\-_]+'),
  'pve-priv': re('[A-Z][A-Za-z]*(?:\\.[A-Za-z]+)+'),
  'pve-iface': re('[a-z][a-z0-9_]{1,20}(?:[:.]\\d+)?', 'i'),
  'pve-bridge-id': re('[-_.\\w\\d]+'),
  'pve-replication-job-id': re('[1-9][0-9]{2,8}-\\d{1,9}'),
  'pve-tag': re('[a-z0-9_][a-z0-9_\\-+.]*', 'i'),
  'pve-ha-resource-id': haResourceId,
  'pve-ha-resource-or-vm-id': (v) => haResourceId(v) || vmid(v),
  'pve-ha-node': re('[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?(?::\\d+)?'),
  'pve-ha-group-node': re('[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?(?::\\d+)?'),
  'pve-sdn-zone-id': re('[a-z][a-z0-9]*[a-z0-9]', 'i'),
  'pve-sdn-vnet-id': re('[a-z][a-z0-9]*[a-z0-9]', 'i'),
  'pve-sdn-controller-id': re('[a-z][a-z0-9_-]*[a-z0-9]', 'i'),
  'pve-sdn-ipam-id': re('[a-z][a-z0-9_-]*[a-z0-9]', 'i'),
  'pve-sdn-dns-id': re('[a-z][a-z0-9_-]*[a-z0-9]', 'i'),
  'pve-sdn-fabric-id': re('[a-zA-Z0-9][a-zA-Z0-9-]{0,6}[a-zA-Z0-9]'),
  'pve-sdn-route-map-id': re('[a-zA-Z0-9][a-zA-Z0-9_.-]*'),
  'pve-sdn-prefix-list-id': re('[a-zA-Z0-9][a-zA-Z0-9_.-]*'),
  'pve-sdn-subnet-id': (v) => cidr(v, 0, 0) || re('[a-z][a-z0-9]*-[0-9a-fA-F.:]+-\\d{1,3}', 'i')(v),
  'pve-sdn-bgp-rt': (v) => {
    const m = /^([^:]+):(\d+)$/.exec(v);
    return !!m && (/^\d+$/.test(m[1]) || isIPv4(m[1]));
  },
  'pve-sdn-isis-net': re('[a-fA-F0-9]{2}(\\.[a-fA-F0-9]{4}){3,9}\\.[a-fA-F0-9]{2}'),
  // network
  'mac-addr': (v) => /^[a-f0-9]{2}(?::[a-f0-9]{2}){5}$/i.test(v) && (parseInt(v.slice(0, 2), 16) & 1) === 0,
  'mac-prefix': re('[a-f0-9][02468ace](?::[a-f0-9]{2}){0,2}:?', 'i'),
  ipv4: isIPv4,
  ipv6: isIPv6Plain,
  ip: isIP,
  ipv4mask: ipv4Mask,
  CIDRv4: (v) => cidr(v, 4, 8),
  CIDRv6: (v) => cidr(v, 6, 8),
  CIDR: (v) => cidr(v, 0, 8),
  FullRangeCIDR: (v) => cidr(v, 0, 0),
  IPorCIDR: (v) => isIP(v) || cidr(v, 0, 8),
  IPorCIDRorAlias: (v) => isIP(v) || cidr(v, 0, 8) || fwAlias(v),
  'lxc-ip-with-ll-iface': (v) => {
    const m = /^([^%]+)(?:%([a-z][a-z0-9_.-]*))?$/i.exec(v);
    return !!m && (m[2] === undefined ? isIP(m[1]) : isIPv6Plain(m[1]) && /^fe80:/i.test(m[1]));
  },
  'pve-ipv4-config': (v) => v === 'dhcp' || v === 'manual' || cidr(v, 4, 0),
  'pve-ipv6-config': (v) => v === 'dhcp' || v === 'auto' || v === 'manual' || cidr(v, 6, 0),
  'dns-name': dnsName,
  address: (v) => isIP(v) || dnsName(v),
  'pve-storage-server': (v) => isIP(v) || dnsName(v) || /^\[[^\]]+\]$/.test(v) && isIPv6Plain(v.slice(1, -1)),
  'pve-storage-portal-dns': hostWithPort,
  'pve-vlan-id-or-range': vlanIdOrRange,
  'bridge-pair': (v) => v === '1' || re('(?:[-_.\\w\\d]+:)?[-_.\\w\\d]+')(v),
  'pve-acme-domain': re(`(?:\\*\\.)?${DNS_NAME}`),
  'pve-acme-alias': dnsName,
  'transport-domain': transportDomain,
  'transport-domain-or-email': (v) => transportDomain(v) || email(v),
  'transport-address': (v) => hostWithPort(v),
  'transport-domain-or-nexthop': (v) => transportDomain(v) || hostWithPort(v),
  'tls-policy-strict': re('none|may|encrypt|dane|dane-only|fingerprint|verify|secure'),
  'dnsbl-entry': re(`${DNS_NAME}(?:=[0-9.]+(?:\\*\\d+)?)?(?:\\*\\d+)?`),
  // firewall
  'pve-fw-addr-spec': (v) => v.split(',').every((p) => fwIpOrRange(p) || fwIpset(p) || fwAlias(p)),
  'pve-fw-dport-spec': portSpec,
  'pve-fw-sport-spec': portSpec,
  'pve-fw-protocol-spec': re('[a-z][a-z0-9+\\-_.]*|\\d{1,3}', 'i'),
  'pve-fw-icmp-type-spec': re('[a-z][a-z0-9\\-]*|\\d{1,3}(?:/\\d{1,3})?', 'i'),
  'pve-fw-conntrack-helper': re('amanda|ftp|irc|netbios-ns|pptp|sane|sip|snmp|tftp'),
  // storage and volumes
  'pve-volume-id': volumeId,
  'pve-volume-id-or-qm-path': (v) => v === 'none' || v === 'cdrom' || volumeId(v) || absolutePath(v),
  'pve-volume-id-or-absolute-path': (v) => volumeId(v) || absolutePath(v),
  'pve-lxc-mp-string': (v) => volumeId(v) || absolutePath(v),
  'pve-qm-ide': (v) => {
    const first = v.split(',')[0].replace(/^(?:file|volume)=/, '');
    return first === 'none' || first === 'cdrom' || volumeId(first) || absolutePath(first);
  },
  'pve-lxc-dev-string': re('/dev/[^,\\s]+'),
  'pve-storage-path': re('/[^;()\\x00]*'),
  'pve-storage-path-in-property-string': re('/[^;(),=\\x00]*'),
  'pve-storage-vgname': re('[a-zA-Z0-9.+_][a-zA-Z0-9.+_\\-]+'),
  'pve-storage-content': re('[a-z]+'),
  'pve-storage-options': re('[^\\s]+'),
  'pve-storage-zfs-blocksize': powerOfTwoSize,
  'pve-dir-override': re('[a-z]+=[^,;=\\s]+'),
  'storage-pair': (v) => v === '1' || re(`(?:${STORAGE_ID}:)?${STORAGE_ID}`, 'i')(v),
  'disk-size': re('\\d+(?:\\.\\d+)?[KMGT]?'),
  // qemu / lxc
  'pve-qm-bootdisk': re('(?:ide|sata|scsi|virtio)\\d+'),
  'pve-cpuset': re('\\d+(?:-\\d+)?(?:,\\d+(?:-\\d+)?)*'),
  'pve-hotplug-features': (v) =>
    /^[01]$/.test(v) || v.split(',').every((f) => /^(?:network|disk|cpu|memory|usb|cloudinit)$/.test(f)),
  'pve-phys-bits': (v) => v === 'host' || (/^\d+$/.test(v) && Number(v) >= 8 && Number(v) <= 64),
  'pve-ct-timezone': re('host|[A-Za-z0-9_+\\-]+(?:/[A-Za-z0-9_+\\-]+)*'),
  // users, mail, misc
  email,
  'email-or-username': (v) => email(v) || re(`${USER}(?:@${REALM})?`)(v),
  'ldap-simple-attr': re('[a-zA-Z0-9][a-zA-Z0-9\\-]*'),
  'pve-calendar-event': (v) => v.length <= 128 && /^[A-Za-z0-9 ,.:*/~-]+$/.test(v) && /\S/.test(v),
  'pve-day-of-week': re('mon|tue|wed|thu|fri|sat|sun'),
  'pve-task-status-type': re('\\w+'),
  'graphite-path': re('[\\w.\\-]+'),
  urlencoded: re("[-%a-zA-Z0-9_.!~*'()]*"),
  'pem-string': (v) => pem(v, false),
  'pem-certificate-chain': (v) => pem(v, true),
  'pve-command-batch': commandBatch,
};

/** Proxmox's split_list: NUL-separated if any NUL, else split on commas, semicolons and whitespace. */
export function splitList(text: string): string[] {
  if (text.includes('\0')) return text.split('\0');
  return text
    .replace(/[,;]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter((s) => s.length > 0);
}

/** The check for a format name, resolving `-list` and `-opt` variants; undefined for unknown names. */
export function formatCheck(name: string): FormatCheck | undefined {
  const base = baseFormats[name];
  if (base) return base;
  const list = /^(.+)-list$/.exec(name);
  if (list) {
    const item = formatCheck(list[1]);
    return item && ((v) => splitList(v).every(item));
  }
  const opt = /^(.+)-opt$/.exec(name);
  if (opt) {
    const inner = formatCheck(opt[1]);
    return inner && ((v) => v === '' || inner(v));
  }
  return undefined;
}

/** The value ajv standalone code reads as `require("pvecli-formats")[name]`: every base and variant, built lazily. */
export const formats: Record<string, FormatCheck> = new Proxy({} as Record<string, FormatCheck>, {
  get(cache, name) {
    if (typeof name !== 'string') return undefined;
    return (cache[name] ??= formatCheck(name) ?? (() => true));
  },
});
