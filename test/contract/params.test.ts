// Contract corpus: parameter parsing and its messages, as Proxmox VE's JSONSchema and API handlers answer them.
import { expect } from 'vitest';
import type { Source } from './client';
import { corpus, type Entry } from './corpus';

const js = (fn: string): Source => ({ repo: 'pve-common', file: 'src/PVE/JSONSchema.pm', fn });
const rest = (fn: string): Source => ({ repo: 'pve-common', file: 'src/PVE/RESTHandler.pm', fn });
const http = (fn: string): Source => ({ repo: 'pve-http-server', file: 'src/PVE/APIServer/AnyEvent.pm', fn });
const qemuUpdate: Source = { repo: 'qemu-server', file: 'src/PVE/API2/Qemu.pm', fn: 'update_vm_api' };
const lxcUpdate: Source = { repo: 'pve-container', file: 'src/PVE/API2/LXC/Config.pm', fn: 'update_vm' };

const NOT_DEFINED = 'property is not defined in schema and the schema does not allow additional properties';
const MISSING = 'property is missing and it is not optional';
const VM = '/nodes/pve/qemu/100/config';
const CT = '/nodes/pve/lxc/110/config';
const NET = 'virtio,bridge=vmbr0';

/** A config update of VM 100 that PVE refuses with one parameter's message. */
const vmConfig = (behaviour: string, params: Entry['params'], errors: Entry['errors'], fn = 'check_prop'): Entry => ({
  behaviour,
  source: js(fn),
  method: 'PUT',
  path: VM,
  params,
  status: 400,
  errors,
});
/** A config update of VM 100 that PVE accepts. */
const vmAccepts = (behaviour: string, params: Entry['params'], fn = 'check_type'): Entry => ({ behaviour, source: js(fn), method: 'PUT', path: VM, params, status: 200 });

const booleanRefused = (word: string): Entry =>
  vmConfig(`a boolean parameter refuses '${word}' (only 1 and 0)`, { onboot: word }, { onboot: `type check ('boolean') failed - got '${word}'` }, 'check_type');

const entries: Entry[] = [
  // Integers and numbers (is_integer, is_number).
  vmConfig('an integer parameter refuses a word', { cores: 'abc' }, { cores: "type check ('integer') failed - got 'abc'" }, 'check_type'),
  vmConfig('an integer parameter refuses a decimal', { cores: '2.5' }, { cores: "type check ('integer') failed - got '2.5'" }, 'check_type'),
  vmConfig('an integer parameter refuses surrounding blanks', { cores: ' 2' }, { cores: "type check ('integer') failed - got ' 2'" }, 'is_integer'),
  vmAccepts('an integer parameter takes a leading plus sign', { cores: '+2' }, 'is_integer'),
  vmConfig('a number parameter refuses a word', { cpulimit: 'fast' }, { cpulimit: "type check ('number') failed - got 'fast'" }, 'check_type'),
  vmAccepts("a number parameter takes '.5'", { cpulimit: '.5' }, 'is_number'),
  vmAccepts('a number parameter takes an exponent', { cpulimit: '1e1' }, 'is_number'),
  vmConfig('an empty integer is a type error, not a missing value', { cores: '' }, { cores: "type check ('integer') failed - got ''" }, 'check_type'),
  // Booleans: check_type takes exactly '1' or '0'.
  vmAccepts("a boolean parameter takes '1'", { onboot: '1' }),
  vmAccepts("a boolean parameter takes '0'", { onboot: '0' }),
  booleanRefused('true'),
  booleanRefused('True'),
  booleanRefused('yes'),
  booleanRefused('on'),
  booleanRefused('false'),
  booleanRefused('2'),
  booleanRefused(''),
  vmAccepts("a boolean key inside a property string takes 'yes' (parse_boolean)", { net0: `${NET},firewall=yes` }, 'parse_property_string'),
  // Ranges, lengths, patterns, enumerations: check_prop's order and wording.
  vmConfig('a value below the minimum', { cores: '0' }, { cores: 'value must have a minimum value of 1' }),
  vmConfig('a value above the maximum', { cpulimit: '129' }, { cpulimit: 'value must have a maximum value of 128' }),
  vmAccepts('the maximum itself is allowed', { cpulimit: '128' }, 'check_prop'),
  vmConfig('a value longer than maxLength', { description: 'x'.repeat(8193) }, { description: 'value may only be 8192 characters long' }),
  vmConfig('a value that does not match the pattern', { startdate: 'tomorrow' }, { startdate: 'value does not match the regex pattern' }),
  vmAccepts('a value that matches the pattern', { startdate: '2026-01-02' }, 'check_prop'),
  {
    behaviour: 'a value outside the enumeration names the allowed values',
    source: js('check_prop'),
    method: 'GET',
    path: '/cluster/resources',
    params: { type: 'nonsense' },
    status: 400,
    errors: { type: "value 'nonsense' does not have a value in the enumeration 'vm, storage, node, sdn'" },
  },
  {
    behaviour: 'a value shorter than minLength',
    source: js('check_prop'),
    method: 'PUT',
    path: '/access/password',
    params: { userid: 'alice@pve', password: 'short' },
    status: 400,
    errors: { password: 'value must be at least 8 characters long' },
  },
  // Formats: check_format's `invalid format - ` and the format's own message.
  {
    behaviour: 'a VM ID is checked by its format before its minimum',
    source: js('pve_verify_vmid'),
    method: 'POST',
    path: '/nodes/pve/qemu',
    params: { vmid: '99' },
    status: 400,
    errors: { vmid: 'invalid format - value does not look like a valid VM ID\n' },
  },
  {
    behaviour: 'an email address in the wrong form',
    source: js('pve_verify_email'),
    method: 'PUT',
    path: '/access/users/alice@pve',
    params: { email: 'not-an-address' },
    status: 400,
    errors: { email: 'invalid format - value does not look like a valid email address\n' },
  },
  {
    behaviour: 'a user id without a realm',
    source: { repo: 'pve-access-control', file: 'src/PVE/Auth/Plugin.pm', fn: 'verify_username' },
    method: 'POST',
    path: '/access/users',
    params: { userid: 'carol' },
    status: 400,
    errors: { userid: "invalid format - value 'carol' does not look like a valid user name\n" },
  },
  {
    behaviour: 'a pool id with a forbidden character',
    source: { repo: 'pve-access-control', file: 'src/PVE/AccessControl.pm', fn: 'verify_poolname' },
    method: 'POST',
    path: '/pools',
    params: { poolid: 'a b' },
    status: 400,
    errors: { poolid: "invalid format - pool name 'a b' contains invalid characters\n" },
  },
  // Lists: `-list` formats, repeated keys, array parameters (normalize_legacy_param_formats).
  {
    behaviour: 'a -list format checks every item',
    source: js('check_format'),
    method: 'POST',
    path: '/nodes/pve/startall',
    params: { vms: '100,abc' },
    status: 400,
    errors: { vms: 'invalid format - value does not look like a valid VM ID\n' },
  },
  {
    behaviour: 'a -list format takes items separated by semicolons and blanks',
    source: { repo: 'pve-common', file: 'src/PVE/Tools.pm', fn: 'split_list' },
    method: 'POST',
    path: '/nodes/pve/startall',
    params: { vms: '100; 101 102' },
    status: 200,
  },
  {
    behaviour: 'a repeated key of a -list parameter joins with commas',
    source: rest('normalize_legacy_param_formats'),
    method: 'POST',
    path: '/nodes/pve/startall',
    params: { vms: ['100', '101'] },
    status: 200,
  },
  {
    behaviour: 'one value of an array parameter becomes a one-element array',
    source: rest('normalize_legacy_param_formats'),
    method: 'POST',
    path: '/cluster/bulk-action/guest/start',
    params: { vms: '100' },
    status: 200,
  },
  {
    behaviour: 'an array parameter takes repeated keys',
    source: http('decode_urlencoded'),
    method: 'POST',
    path: '/cluster/bulk-action/guest/start',
    params: { vms: ['100', '101'] },
    status: 200,
  },
  {
    behaviour: 'each item of an array parameter is checked at its index',
    source: js('check_prop'),
    method: 'POST',
    path: '/cluster/bulk-action/guest/start',
    params: { vms: ['100', 'abc'] },
    status: 400,
    errors: { 'vms[1]': "type check ('integer') failed - got 'abc'" },
  },
  {
    behaviour: 'a repeated key of a plain string parameter is an ARRAY type error',
    source: http('decode_urlencoded'),
    method: 'POST',
    path: '/pools',
    params: { poolid: ['a', 'b'] },
    status: 400,
    errors: { poolid: "type check ('string') failed - got ARRAY" },
  },
  vmConfig('a repeated key of an integer parameter is an ARRAY type error', { cores: ['1', '2'] }, { cores: "type check ('integer') failed - got ARRAY" }, 'check_type'),
  // Unknown and missing parameters (check_object).
  {
    behaviour: 'an unknown parameter is not defined in the schema',
    source: js('check_object'),
    method: 'POST',
    path: '/pools',
    params: { poolid: 'p1', bogus: '1' },
    status: 400,
    errors: { bogus: NOT_DEFINED },
  },
  ...['__proto__', 'constructor', 'toString', 'hasOwnProperty'].map(
    (name): Entry => ({
      behaviour: `'${name}' is an unknown parameter like any other`,
      source: js('check_object'),
      method: 'GET',
      path: '/version',
      params: { [name]: '1' },
      status: 400,
      errors: { [name]: NOT_DEFINED },
    }),
  ),
  {
    behaviour: 'a missing required parameter',
    source: js('check_prop'),
    method: 'POST',
    path: '/pools',
    status: 400,
    errors: { poolid: MISSING },
  },
  {
    behaviour: 'missing and unknown parameters are reported together',
    source: js('check_object'),
    method: 'POST',
    path: '/pools',
    params: { bogus: '1' },
    status: 400,
    errors: { poolid: MISSING, bogus: NOT_DEFINED },
  },
  vmConfig('a numbered option beyond its family is not defined', { net99: NET }, { net99: NOT_DEFINED }, 'check_object'),
  {
    behaviour: 'a path parameter is checked like the others',
    source: js('check_type'),
    method: 'GET',
    path: '/nodes/pve/qemu/abc/status/current',
    status: 400,
    errors: { vmid: "type check ('integer') failed - got 'abc'" },
  },
  {
    behaviour: 'a parameter repeating a path parameter with another value',
    source: { repo: 'pve-manager', file: 'PVE/HTTPServer.pm', fn: 'rest_handler' },
    method: 'PUT',
    path: VM,
    params: { vmid: '101', cores: '2' },
    status: 400,
    errors: { vmid: 'duplicate parameter (already defined in URI) with conflicting values!' },
  },
  vmAccepts('a parameter repeating a path parameter with the same value', { vmid: '100', cores: '2' }, 'check_object'),
  // Property strings (parse_property_string).
  vmConfig('a property string with an unknown key', { net0: `${NET},bogus=1` }, { net0: 'invalid format - invalid key in comma-separated list property: bogus\n' }, 'parse_property_string'),
  vmConfig('a property string with a key given twice', { net0: `${NET},bridge=vmbr1` }, { net0: 'invalid format - duplicate key in comma-separated list property: bridge\n' }, 'parse_property_string'),
  vmConfig('a property string key of the wrong type', { net0: `${NET},tag=abc` }, { net0: "invalid format - format error\nnet0.tag: type check ('integer') failed - got 'abc'\n" }, 'parse_property_string'),
  vmConfig('a property string key out of range', { net0: `${NET},tag=5000` }, { net0: 'invalid format - format error\nnet0.tag: value must have a maximum value of 4094\n' }, 'parse_property_string'),
  vmConfig('a property string part with a key but no value', { net0: `${NET},tag=` }, { net0: 'invalid format - missing key in comma-separated list property\n' }, 'parse_property_string'),
  // The `delete` and `revert` lists of a config update.
  vmConfig("deleting an option the VM config does not have", { delete: 'bogus' }, { delete: "unknown option 'bogus'" }, 'update_vm_api'),
  vmConfig('deleting and setting one option at once', { delete: 'cores', cores: '2' }, { delete: "you can't use '-cores' and -delete cores' at the same time" }, 'update_vm_api'),
  vmConfig('reverting an unknown option', { revert: 'bogus' }, { revert: "unknown option 'bogus'" }, 'update_vm_api'),
  vmConfig('deleting and reverting one option at once', { delete: 'cores', revert: 'cores' }, { revert: "you can't use '-delete cores' and -revert cores' at the same time" }, 'update_vm_api'),
  { ...vmAccepts('deleting options listed with commas and semicolons', { delete: 'description;tags,onboot' }), source: qemuUpdate },
  {
    behaviour: "deleting 'cdrom' deletes ide2",
    source: qemuUpdate,
    method: 'PUT',
    path: VM,
    params: { delete: 'cdrom' },
    status: 200,
  },
  {
    behaviour: "a container's delete list names only its options",
    source: lxcUpdate,
    method: 'PUT',
    path: CT,
    params: { delete: 'bogus' },
    status: 400,
    errors: { delete: "unknown option 'bogus'" },
  },
  {
    behaviour: "a container's option deleted and set at once",
    source: lxcUpdate,
    method: 'PUT',
    path: CT,
    params: { delete: 'cores', cores: '2' },
    status: 400,
    errors: { delete: "you can't use '-cores' and -delete cores' at the same time" },
  },
  {
    behaviour: 'a 400 carries the reason phrase, the message and the per-parameter errors',
    source: { repo: 'pve-http-server', file: 'src/PVE/APIServer/Formatter/Standard.pm', fn: 'prepare_response_data' },
    method: 'POST',
    path: '/pools',
    status: 400,
    errors: { poolid: MISSING },
    check: (reply) => expect(Object.keys(reply.body ?? {}).sort()).toEqual(['data', 'errors', 'message']),
  },
];

corpus('contract: parameters as PVE parses them', entries);
