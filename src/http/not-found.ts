/**
 * Proxmox answers "that object does not exist" with HTTP 500 and a message, not 404 (its handlers `die`). These
 * are the messages that mean it, read from Proxmox's sources (pve-common, pve-cluster, qemu-server, pve-container,
 * pve-storage, pve-access-control, pve-manager, pve-ha-manager), in one place: the CLI maps them to exit 6
 * (DESIGN.md §4). Messages about something else missing while acting on an existing object (a directory when a
 * storage is activated, an option name, a Perl method) are not among them.
 */
const NOT_FOUND_PATTERNS: readonly RegExp[] = [
  // pve-cluster / AbstractConfig: "Configuration file 'nodes/pve/qemu-server/999.conf' does not exist"
  /^configuration file '[^']*' does not exist/i,
  // QemuConfig / LXC::Config: "unable to find configuration file for VM 999 on node 'pve'"
  /^unable to find configuration file for /i,
  // "<kind> '<name>' does not exist": pool, storage, role, group, user, snapshot, auth domain, bridge, disk,
  // "volume 'local:iso/x.iso' does not exist", "resource 'vm:100' does not exist in cluster" (HA)
  /^(?!unable to )[a-z][\w -]{0,40} '[^']*' does not exist( in cluster)?\.?$/i,
  // qemu-server: "volume local:100/vm-100-disk-0.raw does not exist"
  /^volume \S+ does not exist$/i,
  // pve-access-control: "no such user ('x@pve')", "no such token 'n' for user 'u'"; pve-cluster: "no such VM ('999')";
  // pve-manager and others: "no such task", "no such replication job '100-0'", "no such resource 'vm:1'" …
  /^no such (vm|ct|user|token|group|role|pool|storage|volume( group)?|task|node|resource|replication job|vzdump job|realm-sync job|job|mapping|datacenter|template|service|server|snapshot|realm|domain|backup job)\b/i,
  // pve-manager: "mapping 'x' not found", pve-access-control: "user 'x' not found"
  /^(mapping|user) '[^']*' not found$/i,
];

/**
 * Handlers that lock a config file wrap what failed inside: "update auth server failed: domain 'x' does not
 * exist", "delete user failed: no such user ('x@pve')". Updating or deleting something that is not there is
 * "not found"; creating something whose referent is missing ("create user failed: auth domain …") is not.
 */
const WRAPPER = /^(update|delete|remove|modify|change)\b[^:]{0,60} failed: /i;

/** True when a Proxmox error message (its first line) says the object asked about does not exist. */
export function saysNotFound(message: string): boolean {
  const line = message.split('\n')[0].trim().replace(WRAPPER, '');
  return NOT_FOUND_PATTERNS.some((p) => p.test(line));
}
