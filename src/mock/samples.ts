/**
 * Example values for the Proxmox string formats and regex patterns met in the PVE schema: the generator uses them
 * so that schema-driven replies (and the acceptance test's parameters) pass the same format checks as the CLI.
 */

const DEMO_PEM =
  '-----BEGIN CERTIFICATE-----\n' +
  'MIIBijCCATCgAwIBAgIQLFXpoBSxz6EKBHliBT02RjAKBggqhkjOPQQDAjAnMQ8w\n' +
  'DQYDVQQKDAZwdmVjbGkxFDASBgNVBAMMC3B2ZWNsaSBtb2NrMB4XDTI2MTEyNDIy\n' +
  'MDU1N1oXDTM2MTEyMjIyMDU1N1owJzEPMA0GA1UECgwGcHZlY2xpMRQwEgYDVQQD\n' +
  'DAtwdmVjbGkgbW9jazBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABECH3wbikMVT\n' +
  '/6f+QBRBnVBFKgK2HylBqJL+8TFTPvJ5DRfHyi122tMrKNkC/rdxUDUTbXX+ARZm\n' +
  'DDtQ6yKbnpCjPjA8MAwGA1UdEwEB/wQCMAAwLAYDVR0RBCUwI4IJbG9jYWxob3N0\n' +
  'hwR/AAABhxAAAAAAAAAAAAAAAAAAAAABMAoGCCqGSM49BAMCA0gAMEUCIDLMgXPu\n' +
  'yAhZlEeCr8g0+vkyrq8O+kj73X0GIeOlrPF3AiEAmxSGO/ZhColhQ6IcutCCLKib\n' +
  'f2qQuTRzs3CD5BTJYXk=\n' +
  '-----END CERTIFICATE-----\n';

/** One valid value per named format (a one-element list for the `-list` formats). */
export const FORMAT_SAMPLES: Record<string, string | number> = {
  'pve-groupid': 'admins',
  'pve-groupid-list': 'admins',
  'pve-roleid': 'PVEAuditor',
  'pve-roleid-list': 'PVEAuditor',
  'pve-userid': 'root@pam',
  'pve-userid-list': 'root@pam',
  'pve-tokenid-list': 'root@pam!automation',
  'pve-realm': 'pve',
  'pve-priv-list': 'VM.Audit',
  'pve-tfa-config': 'type=oath',
  'realm-sync-options': 'scope=users',
  'ldap-simple-attr': 'mail',
  'ldap-simple-attr-list': 'mail',
  'email-opt': 'admin@example.com',
  'email-list': 'admin@example.com',
  'email-or-username': 'root@pam',
  'email-or-username-list': 'root@pam',
  'pve-configid': 'memory',
  'pve-configid-list': 'memory',
  'pve-node': 'pve',
  'pve-node-list': 'pve',
  'pve-ha-node-list': 'pve',
  'pve-vmid': 100,
  'pve-vmid-list': '100',
  'pve-storage-id': 'local',
  'pve-storage-id-list': 'local',
  'storage-pair-list': 'local',
  'pve-poolid': 'demo',
  'pve-calendar-event': 'daily',
  'pve-day-of-week-list': 'mon',
  'backup-fleecing': 'enabled=0',
  'backup-performance': 'max-workers=16',
  'prune-backups': 'keep-last=3',
  ip: '192.0.2.10',
  'ip-list': '192.0.2.10',
  address: '192.0.2.10',
  'address-list': '192.0.2.10',
  ipv4: '192.0.2.10',
  ipv6: '2001:db8::10',
  ipv4mask: '255.255.255.0',
  CIDR: '192.0.2.0/24',
  CIDRv4: '192.0.2.0/24',
  CIDRv6: '2001:db8::/64',
  FullRangeCIDR: '10.0.0.0/8',
  IPorCIDR: '192.0.2.0/24',
  IPorCIDRorAlias: '192.0.2.0/24',
  'lxc-ip-with-ll-iface-list': '192.0.2.53',
  'pve-ipv4-config': 'dhcp',
  'pve-ipv6-config': 'dhcp',
  'pve-fw-addr-spec': '192.0.2.10',
  'pve-fw-dport-spec': '22',
  'pve-fw-sport-spec': '1024',
  'pve-fw-icmp-type-spec': 'echo-request',
  'pve-fw-protocol-spec': 'tcp',
  'pve-fw-conntrack-helper': 'ftp',
  'pve-iface': 'eth0',
  'pve-iface-list': 'eth0',
  'pve-bridge-id': 'vmbr0',
  'pve-bridge-id-list': 'vmbr0',
  'bridge-pair-list': 'vmbr0',
  'mac-addr': 'BC:24:11:00:00:01',
  'mac-prefix': 'BC:24:11',
  'dns-name': 'pve.example.com',
  'dns-name-list': 'example.com',
  'pve-ha-resource-or-vm-id': 'vm:100',
  'pve-ha-resource-id-list': 'vm:100',
  'pve-replication-job-id': '100-0',
  'pve-storage-content': 'images',
  'pve-storage-content-list': 'images,rootdir',
  'pve-storage-path': '/mnt/data',
  'pve-storage-path-in-property-string': '/mnt/data',
  'pve-storage-server': '192.0.2.30',
  'pve-storage-portal-dns': '192.0.2.30',
  'pve-storage-portal-dns-list': '192.0.2.30',
  'pve-storage-options': 'vers=4.2',
  'pve-storage-vgname': 'pve',
  'pve-storage-zfs-blocksize': '8k',
  'pve-dir-override-list': 'iso:/isos',
  'graphite-path': 'proxmox',
  'pve-phys-bits': 'host',
  'pve-sdn-isis-net': '49.0001.1921.6800.1001.00',
  'pve-sdn-fabric-id': 'fabric1',
  'pve-sdn-route-map-id': 'map1',
  'pve-sdn-prefix-list-id': 'list1',
  'pve-sdn-dhcp-range': 'start-address=10.0.0.100,end-address=10.0.0.200',
  'pve-sdn-subnet-id': 'zone1-10.0.0.0-24',
  'pve-sdn-bgp-rt-list': '65000:100',
  'pve-vlan-id-or-range-list': '100',
  'pem-certificate': DEMO_PEM,
  'pem-certificate-chain': DEMO_PEM,
  'pem-string': DEMO_PEM,
  'pve-acme-domain': 'pve.example.com',
  'pve-acme-domain-list': 'pve.example.com',
  'pve-acme-alias': '_acme-challenge.example.com',
  'string-list': 'demo',
  'pve-command-batch': '[{"path":"/version","method":"GET","args":{}}]',
  'pve-lxc-dev-string': '/dev/null',
  'pve-lxc-mp-string': '/mnt/data',
  'pve-volume-id': 'local-lvm:vm-100-disk-0',
  'pve-volume-id-or-qm-path': 'local-lvm:vm-100-disk-0',
  'pve-volume-id-or-absolute-path': 'local-lvm:vm-100-disk-0',
  'disk-size': '8G',
  'pve-startup-order': 'order=1',
  'pve-tag-list': 'demo',
  'pve-ct-timezone': 'UTC',
  'pve-cpuset': '0-1',
  'pve-qemu-sev-fmt': 'type=std',
  'pve-qemu-tdx-fmt': 'type=tdx,attestation=0',
  'pve-qm-boot': 'order=scsi0',
  'pve-qm-bootdisk': 'scsi0',
  'pve-qm-ide': 'local:iso/debian-13.iso,media=cdrom',
  'pve-qm-cicustom': 'user=local:snippets/user.yaml',
  'pve-vm-cpu-conf': 'host',
  'pve-qm-hostpci': '0000:01:00.0',
  'pve-hotplug-features': 'network,disk,usb',
  urlencoded: 'demo',
  'pve-qm-ipconfig': 'ip=dhcp',
  'pve-qm-rng': 'source=/dev/urandom',
  'pve-qm-smbios1': 'serial=demo',
  'pve-qm-watchdog': 'model=i6300esb',
  'pve-task-status-type-list': 'ok',
};

/** Values for the regex patterns the PVE schema uses (keys are the patterns as the schema writes them). */
export const PATTERN_SAMPLES: Record<string, string> = {
  '[0-9a-fA-F]{8,64}': 'a1b2c3d4e5f60718',
  '([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}': Array.from({ length: 32 }, (_, i) => ((i * 37) & 0xff).toString(16).padStart(2, '0').toUpperCase()).join(':'),
  '[1-9][0-9]*\\/(second|minute|hour|day)': '10/second',
  '[1-9][0-9]{2,8}-\\d{1,9}': '100-0',
  'net\\d+=\\d+(,net\\d+=\\d+)*': 'net0=100',
  '\\d+(\\.\\d+)+': '9.2.0',
  '(?^u:[a-zA-Z0-9]{1,12})': 'demo',
  '[0-9a-zA-Z!=]{0,4096}': 'demo',
  '(?^u:(?^u:([+-])([a-zA-Z0-9\\-_\\.]+))(;(?^u:([+-])([a-zA-Z0-9\\-_\\.]+)))*)': '+aes',
  '(?^u:^((?>[+-]?[\\w\\-\\._=]+,?)+)$)': '+demo',
  '(?^:[^\\x00-\\x08\\x0a-\\x1F\\x7F]+)': 'demo',
  '(?^:(?:\\w+=[^\\x00-\\x08\\x0a-\\x1F\\x7F]*)(?:\\0\\w+=[^\\x00-\\x08\\x0a-\\x1F\\x7F]*)*)': 'key=value',
  '0[0-7]{3}': '0755',
  '(?^:\\d+(?:;\\d+)*)': '100',
  '(?^:\\d+(?:-\\d+)?(?:;\\d+(?:-\\d+)?)*)': '0-1',
  '(?^:^(0x)[0-9a-fA-F]{16})': '0x0000000000000001',
  '(?^:^(?:passthrough|[ug]:[0-9]+:[0-9]+:[1-9][0-9]*(?:;[ug]:[0-9]+:[0-9]+:[1-9][0-9]*)*)$)': 'passthrough',
  '(?^:(?^:(discard|lazytime|noatime|nodev|noexec|nosuid))(;(?^:(discard|lazytime|noatime|nodev|noexec|nosuid)))*)': 'noatime',
  '(?:(?:(?:acl|properties|entry);)*(?:acl|properties|entry))|none': 'none',
  '(?^:[a-zA-Z0-9_; ]+)': 'demo',
  '[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?': 'demo',
  '^(\\d+(\\.\\d+)?)([KMGT])?$': '8G',
  '\\+?\\d+(\\.\\d+)?[KMGT]?': '8G',
  '(ide|sata|scsi|virtio)\\d+': 'scsi0',
  '(pc|pc(-i440fx)?-\\d+(\\.\\d+)+(\\+pve\\d+)?(\\.pxe)?|q35|pc-q35-\\d+(\\.\\d+)+(\\+pve\\d+)?(\\.pxe)?|virt(?:-\\d+(\\.\\d+)+)?(\\+pve\\d+)?)': 'q35',
  '/dev/parport\\d+|/dev/usb/lp\\d+': '/dev/parport0',
  '(/dev/[^,]+|socket)': 'socket',
  '(now|\\d{4}-\\d{1,2}-\\d{1,2}(T\\d{1,2}:\\d{1,2}:\\d{1,2})?)': 'now',
  '(?:[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}|[01])': '1',
  '\\d{1,2}:\\d{1,2}': '02:30',
  '^\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2}(:\\d{2})?)?$': '2026-01-01',
  '/var/tmp/pveupload-[0-9a-f]+': '/var/tmp/pveupload-0a1b2c',
  '\\s*pve([1248])([cbsp])-[0-9a-f]{10}\\s*': 'pve2c-0123456789',
  '\\d+[MG]?': '512M',
  '^https?://.*': 'https://example.com/',
  'https?://.*': 'https://example.com/',
  'http://.*': 'http://example.com/',
  '^/dev/[a-zA-Z0-9\\/]+$': '/dev/sdb',
  '(ceph|mon|mds|osd|mgr)(\\.[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)?': 'mon',
  '[a-fA-F0-9\\-]+': '0a1b2c3d',
  '(?^:^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}$)': '1d6b:0002',
  '(?:[a-f0-9]{4,}:[a-f0-9]{2}:[a-f0-9]{2}(?:.[a-f0-9])?;)*[a-f0-9]{4,}:[a-f0-9]{2}:[a-f0-9]{2}(?:.[a-f0-9])?': '0000:01:00.0',
  '(?:(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-9a-fA-F])|([a-zA-Z][a-zA-Z0-9_-]+)': '0000:01:00.0',
  '(?^:^(\\d+)\\-(\\d+(\\.\\d+)*)$)': '1-1',
  '[a-fA-F0-9]{2}(\\.[a-fA-F0-9]{4}){3,9}\\.[a-fA-F0-9]{2}': '49.0001.1921.6800.1001.00',
  '\\w+=[^,]+(,\\s*\\w+=[^,]+)*': 'key=value',
  '(?:none|login|consent|select_account|\\S+)': 'login',
  '(?^:^(?^:[^\\s:/]+)\\@(?^:[A-Za-z][A-Za-z0-9\\.\\-_]+)(?:!(?^:[A-Za-z][A-Za-z0-9\\.\\-_]+))?$)': 'root@pam',
  '(?:(?^i:[a-z0-9_][a-z0-9_\\-\\+\\.]*):[0-9a-fA-F]{6}(?::[0-9a-fA-F]{6})?)(?:;(?:(?^i:[a-z0-9_][a-z0-9_\\-\\+\\.]*):[0-9a-fA-F]{6}(?::[0-9a-fA-F]{6})?))*': 'demo:00ff00',
  '(?^:^(?:(?^i:[0-9a-z\\-_\\.]+:[0-9a-zA-Z\\-_]+))(?:[;, ](?^i:[0-9a-z\\-_\\.]+:[0-9a-zA-Z\\-_]+))*$)': 'tag:demo',
  '(?^:(?:(?:(?^:(0x)?([0-9A-Fa-f]{4}):(0x)?([0-9A-Fa-f]{4})))|(?:(?^:(\\d+)\\-(\\d+(\\.\\d+)*)))|[Ss][Pp][Ii][Cc][Ee]))': '1d6b:0002',
  '^(?:(?:[a-zA-Z\\d]|[a-zA-Z\\d][a-zA-Z\\d-]*[a-zA-Z\\d])(?:\\.(?:[a-zA-Z\\d]|[a-zA-Z\\d][a-zA-Z\\d-]*[a-zA-Z\\d]))*(?::\\d+)?/)?[a-z\\d]+(?:(?:[._]|__|[-]*)[a-z\\d]+)*(?:/[a-z\\d]+(?:(?:[._]|__|[-]*)[a-z\\d]+)*)*:\\w[\\w.-]{0,127}$': 'docker.io/library/debian:latest',
};

/** Perl regex (as the schema writes it) → an anchored JS RegExp, for checking candidate values. */
export function perlToJs(pattern: string): RegExp | undefined {
  try {
    const src = pattern
      .replace(/\(\?\^[a-z]*:/g, '(?:')
      .replace(/\(\?>/g, '(?:')
      .replace(/\{,(\d+)\}/g, '{0,$1}')
      .replace(/\\0/g, '\\x00');
    return new RegExp(`^(?:${src})$`, /\(\?\^i:/.test(pattern) ? 'i' : '');
  } catch {
    return undefined;
  }
}

const GENERIC_CANDIDATES = ['demo', 'demo1', 'pve', 'a1', '100', 'local', 'eth0', 'vmbr0', 'mon'];

/** A value matching `pattern`: the table, else the first generic candidate the translated regex accepts. */
export function sampleForPattern(pattern: string): string | undefined {
  const known = PATTERN_SAMPLES[pattern];
  if (known !== undefined) return known;
  const re = perlToJs(pattern);
  if (!re) return undefined;
  return GENERIC_CANDIDATES.find((c) => re.test(c));
}
