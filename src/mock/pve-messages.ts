/**
 * What Proxmox VE's registered format checkers die with (pve-common PVE/JSONSchema.pm, pve-access-control
 * PVE/AccessControl.pm and PVE/Auth/Plugin.pm, pve-storage PVE/Storage.pm), by format name. The mock puts them
 * after `invalid format - `, as check_prop does. A format whose checker is not listed gets a plain line naming it.
 */
type FormatMessage = (value: string) => string;

const lookLike = (what: string): FormatMessage => () => `value does not look like a valid ${what}`;

/** pve-common parse_id: the shared wording of storage, bridge and ACME plugin IDs. */
const idMessage =
  (type: string): FormatMessage =>
  (v) =>
    v.length < 2 ? `${type} ID '${v}' cannot be shorter than 2 characters` : `${type} ID '${v}' contains illegal characters`;

/** pve-access-control Auth/Plugin.pm verify_username. */
function userMessage(v: string): string {
  if (v.length < 3) return `user name '${v}' is too short`;
  if (v.length > 64) return `user name '${v}' is too long (${v.length} > 64)`;
  return `value '${v}' does not look like a valid user name`;
}

const MESSAGES: Record<string, FormatMessage> = {
  'pve-vmid': lookLike('VM ID'),
  'pve-node': lookLike('node name'),
  'pve-configid': (v) => `invalid configuration ID '${v}'`,
  'pve-storage-id': idMessage('storage'),
  'pve-bridge-id': idMessage('bridge'),
  'acme-plugin-id': idMessage('ACME plugin'),
  'mac-addr': lookLike('unicast MAC address'),
  ipv4: lookLike('IPv4 address'),
  ipv6: lookLike('IPv6 address'),
  ip: lookLike('IP address'),
  ipv4mask: lookLike('IPv4 netmask'),
  CIDR: lookLike('CIDR network'),
  CIDRv4: lookLike('IPv4 CIDR network'),
  CIDRv6: lookLike('IPv6 CIDR network'),
  email: lookLike('email address'),
  'dns-name': lookLike('DNS name'),
  'pve-userid': userMessage,
  'pve-tokenid': (v) => `value '${v}' does not look like a valid token ID`,
  'pve-groupid': (v) => `group name '${v}' contains invalid characters`,
  'pve-roleid': (v) => `role name '${v}' contains invalid characters`,
  'pve-poolid': (v) => (v.split('/').length > 3 ? `pool name '${v}' nested too deeply (max levels = 3)` : `pool name '${v}' contains invalid characters`),
  'pve-priv': (v) => `invalid privilege '${v}'`,
  'pve-realm': lookLike('realm'),
  'pve-volume-id': (v) => `unable to parse volume ID '${v}'`,
  urlencoded: (v) => `invalid urlencoded string: ${v}`,
};

/** The die message (without its newline) of format `name`'s checker for `value`. */
export function pveFormatMessage(name: string, value: string): string {
  const message = Object.prototype.hasOwnProperty.call(MESSAGES, name) ? MESSAGES[name] : undefined;
  return message ? message(value) : `value '${value}' does not match format '${name}'`;
}
