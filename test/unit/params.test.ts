/** parseArgs, validation messages, property strings, encoding and the Perl/Rust regex translation. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
process.env.PVECLI_SCHEMA_ROOT = join(__dirname, '../../schema');
import { UsageError } from '../../src/errors';
import {
  encodeParams, formatPropertyString, paramErrorLine, parseArgs, parsePropertyString, propertyFormatOf, translatePattern,
  validateParams, validateWire,
} from '../../src/params';
import { formatFromTypetext } from '../../src/params/property-string';
import { loadSchema } from '../../src/schema/load';
import type { Operation } from '../../src/schema/types';
import { usageError } from '../helpers/errors';

const schema = loadSchema('pve-9.2');
const qemuCreate = schema.operation('/nodes/{node}/qemu', 'POST')!;
const qemuConfig = schema.operation('/nodes/{node}/qemu/{vmid}/config', 'PUT')!;
const lxcCreate = schema.operation('/nodes/{node}/lxc', 'POST')!;
const agentExec = schema.operation('/nodes/{node}/qemu/{vmid}/agent/exec', 'POST')!;

/** Errors of parse + validate as the CLI prints them. */
function lines(op: Operation, argv: string[], path: Record<string, string> = { node: 'pve' }): string[] {
  try {
    return validateParams(schema, op, { ...path, ...parseArgs(op, argv) }).map(paramErrorLine);
  } catch (err) {
    if (err instanceof UsageError) return [err.message];
    throw err;
  }
}

describe('parseArgs', () => {
  it('reads --name value and --name=value, typed', () => {
    expect(parseArgs(qemuCreate, ['--vmid', '100', '--cores=4', '--name', 'web1'])).toEqual({ vmid: 100, cores: 4, name: 'web1' });
  });

  it('reads booleans: bare, with a word, --no-', () => {
    expect(parseArgs(qemuCreate, ['--onboot'])).toEqual({ onboot: true });
    expect(parseArgs(qemuCreate, ['--onboot', '0'])).toEqual({ onboot: false });
    expect(parseArgs(qemuCreate, ['--onboot', 'yes', '--acpi=false'])).toEqual({ onboot: true, acpi: false });
    expect(parseArgs(qemuCreate, ['--no-onboot'])).toEqual({ onboot: false });
    expect(parseArgs(qemuCreate, ['--onboot', '--vmid', '100'])).toEqual({ onboot: true, vmid: 100 });
    expect(usageError(() => parseArgs(qemuCreate, ['--onboot', 'maybe'])).message).toMatch(/^--onboot: value 'maybe'/);
    expect(usageError(() => parseArgs(qemuCreate, ['--onboot=maybe'])).message).toBe(
      "--onboot: value 'maybe' is not a boolean (1|0|true|false|yes|no)",
    );
  });

  it('reads numbered families within their range', () => {
    expect(parseArgs(qemuCreate, ['--net0', 'virtio,bridge=vmbr0', '--net31', 'e1000'])).toEqual({
      net0: 'virtio,bridge=vmbr0',
      net31: 'e1000',
    });
    expect(usageError(() => parseArgs(qemuCreate, ['--net32', 'virtio'])).message).toBe('--net32: net32 is out of range (net0 to net31)');
  });

  it('joins repeated -list flags, collects arrays', () => {
    expect(parseArgs(qemuConfig, ['--delete', 'net1', '--delete', 'scsi2'])).toEqual({ delete: 'net1,scsi2' });
    expect(parseArgs(agentExec, ['--command', 'ls', '--command', '-la,x'])).toEqual({ command: ['ls', '-la,x'] });
    const bulk = schema.operation('/cluster/bulk-action/guest/start', 'POST')!;
    expect(parseArgs(bulk, ['--vms', '100,101', '--vms', '102'])).toEqual({ vms: [100, 101, 102] });
    expect(usageError(() => parseArgs(qemuCreate, ['--memory', '1', '--memory', '2'])).message).toBe('--memory: given more than once');
  });

  it('names up to three nearest flags for an unknown one', () => {
    const err = usageError(() => parseArgs(qemuCreate, ['--memmory', '2048']));
    expect(err.message).toBe("unknown parameter '--memmory'");
    expect(err.hint).toMatch(/^did you mean --memory/);
    expect(usageError(() => parseArgs(qemuCreate, ['--nett0', 'x'])).hint).toContain('--net0');
  });

  it('refuses path parameters, positionals and missing values', () => {
    expect(usageError(() => parseArgs(qemuConfig, ['--vmid', '100'])).message).toMatch(/--vmid is part of the path/);
    expect(usageError(() => parseArgs(qemuCreate, ['100'])).message).toBe("unexpected argument '100'");
    expect(usageError(() => parseArgs(qemuCreate, ['--name'])).message).toBe('--name: missing value');
    expect(usageError(() => parseArgs(qemuCreate, ['--name', '--vmid', '1'])).message).toBe('--name: missing value');
    expect(usageError(() => parseArgs(qemuCreate, ['--vmid', 'abc'])).message).toBe("--vmid: value 'abc' is not an integer");
  });

  it('takes unknown flags as strings where the operation allows additional properties', () => {
    const agent = schema.operation('/nodes/{node}/qemu/{vmid}/agent', 'POST') ?? schema.operation('/nodes/{node}/qemu/{vmid}/agent', 'GET')!;
    if (agent.parameters.additionalProperties) expect(parseArgs(agent, ['--whatever', 'x'])).toMatchObject({ whatever: 'x' });
  });

  it('merges --input objects, explicit flags winning', () => {
    const input = { vmid: 100, memory: 1024, onboot: 1, net0: { model: 'virtio', bridge: 'vmbr0' } };
    expect(parseArgs(qemuCreate, ['--memory', '4096'], { input })).toEqual({
      vmid: 100,
      memory: '4096',
      onboot: true,
      net0: 'virtio,bridge=vmbr0',
    });
    expect(usageError(() => parseArgs(qemuCreate, [], { input: { bogus: 1 } })).message).toBe("--input: unknown parameter '--bogus'");
  });
});

describe('validation messages', () => {
  it('says what is allowed, one line each', () => {
    expect(lines(qemuCreate, ['--vmid', '99'])).toEqual(['--vmid: 99 is below the minimum 100']);
    expect(lines(qemuCreate, ['--vmid', '100', '--memory', 'abc'])).toEqual(["--memory: value 'abc' is not an integer"]);
    expect(lines(qemuCreate, ['--vmid', '100', '--ostype', 'foo'])[0]).toMatch(/^--ostype: 'foo' is not one of other, wxp, .*l26/);
    expect(lines(qemuCreate, [])).toEqual(['missing required parameter --vmid']);
    expect(lines(qemuCreate, ['--vmid', '100', '--cores', '0'])).toEqual(['--cores: 0 is below the minimum 1']);
    expect(lines(qemuCreate, ['--vmid', '100', '--name', 'bad_name'])).toEqual(["--name: 'bad_name' is not a valid dns-name"]);
    expect(lines(qemuCreate, ['--vmid', '100', '--bootdisk', 'floppy0'])).toEqual([
      "--bootdisk: 'floppy0' does not match the pattern (ide|sata|scsi|virtio)\\d+",
    ]);
  });

  it('shows the original Perl pattern', () => {
    const op: Operation = { method: 'POST', path: '/x', parameters: { properties: { id: { type: 'string', pattern: '(?^i:[a-z][a-z0-9]*)' } } } };
    expect(validateParams(undefined as never, op, { id: 'Abc9' })).toEqual([]);
    expect(validateParams(undefined as never, op, { id: '9abc' })).toEqual([
      { param: 'id', message: "'9abc' does not match the pattern (?^i:[a-z][a-z0-9]*)" },
    ]);
  });

  it('checks property strings key by key', () => {
    expect(lines(qemuCreate, ['--vmid', '100', '--net0', 'virtio,bridg=vmbr0'])).toEqual([
      "--net0: unknown key 'bridg' (did you mean 'bridge'?)",
    ]);
    expect(lines(qemuCreate, ['--vmid', '100', '--net0', 'virtio,bridge=vmbr0,tag=5000'])).toEqual([
      "--net0: key 'tag': 5000 is above the maximum 4094",
    ]);
    expect(lines(qemuCreate, ['--vmid', '100', '--net0', 'bridge=vmbr0'])).toEqual(["--net0: missing required key 'model'"]);
    expect(lines(qemuCreate, ['--vmid', '100', '--scsi0', 'local-lvm:32,cache=bogus'])[0]).toMatch(
      /^--scsi0: key 'cache': 'bogus' is not one of none, writethrough/,
    );
    expect(lines(qemuCreate, ['--vmid', '100', '--net0', 'virtio,virtio,bridge=vmbr0'])).toEqual(["--net0: duplicate key 'model'"]);
    expect(lines(lxcCreate, ['--vmid', '100', '--ostemplate', 'local:vztmpl/debian.tar.zst', '--rootfs', 'local-lvm:8,quota=2'])).toEqual([
      "--rootfs: key 'quota': value '2' is not a boolean (1|0|true|false|yes|no)",
    ]);
  });

  it('checks named property-string formats with the overlays', () => {
    expect(lines(qemuCreate, ['--vmid', '100', '--boot', 'order=scsi0;ide2;net0', '--ipconfig0', 'ip=dhcp,gw6=2001:db8::1'])).toEqual([]);
    expect(lines(qemuCreate, ['--vmid', '100', '--boot', 'ordr=scsi0'])).toEqual(["--boot: unknown key 'ordr' (did you mean 'order'?)"]);
    expect(lines(qemuCreate, ['--vmid', '100', '--ipconfig0', 'ip=10.0.0.5/24,gw=10.0.0'])).toEqual([
      "--ipconfig0: key 'gw': '10.0.0' is not a valid ipv4; expected <GatewayIPv4>",
    ]);
    expect(lines(qemuCreate, ['--vmid', '100', '--cpu', 'host,flags=+aes;-pcid', '--startup', 'order=2,up=30'])).toEqual([]);
    expect(lines(qemuCreate, ['--vmid', '100', '--watchdog', 'model=i6300esb,action=explode'])[0]).toMatch(
      /^--watchdog: key 'action': 'explode' is not one of reset/,
    );
  });

  it('validates path parameters given as strings', () => {
    expect(validateParams(schema, qemuConfig, { node: 'pve', vmid: '100', memory: '2048' })).toEqual([]);
    expect(validateParams(schema, qemuConfig, { node: 'pve', vmid: '42' })).toEqual([{ param: 'vmid', message: '42 is below the minimum 100' }]);
    expect(validateParams(schema, qemuConfig, { node: 'bad node', vmid: '100' })[0].param).toBe('node');
  });

  it('validateWire answers like Proxmox: {param: message}', () => {
    expect(validateWire(schema, qemuConfig, { node: 'pve', vmid: '100', onboot: '1', net0: 'virtio,bridge=vmbr0' })).toEqual({});
    expect(validateWire(schema, qemuConfig, { node: 'pve', vmid: '100', onboot: 'maybe', cores: '0', foo: 'x' })).toEqual({
      onboot: "value 'maybe' is not a boolean (1|0|true|false|yes|no)",
      cores: '0 is below the minimum 1',
      foo: 'unknown parameter',
    });
    // A JSON body carries typed values.
    expect(validateWire(schema, qemuConfig, { node: 'pve', vmid: 100, onboot: true, cores: 2 })).toEqual({});
  });
});

describe('property strings', () => {
  const net = propertyFormatOf(qemuCreate.parameters.properties['net[n]'])!;

  it('parses default key, aliases and key aliases', () => {
    expect(parsePropertyString(net, 'virtio,bridge=vmbr0,firewall=1,tag=10')).toEqual({
      model: 'virtio',
      bridge: 'vmbr0',
      firewall: true,
      tag: 10,
    });
    expect(parsePropertyString(net, 'virtio=BC:24:11:00:00:01,bridge=vmbr0')).toEqual({
      model: 'virtio',
      macaddr: 'BC:24:11:00:00:01',
      bridge: 'vmbr0',
    });
    expect(() => parsePropertyString(net, 'virtio,bridg=vmbr0', 'net0')).toThrow("--net0: unknown key 'bridg' (did you mean 'bridge'?)");
  });

  it('serialises back, key alias the Proxmox way', () => {
    expect(formatPropertyString(net, { model: 'virtio', macaddr: 'BC:24:11:00:00:01', bridge: 'vmbr0', firewall: true })).toBe(
      'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1',
    );
    expect(formatPropertyString(net, { bridge: 'vmbr0', model: 'e1000' })).toBe('e1000,bridge=vmbr0');
    const text = 'virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=5';
    expect(formatPropertyString(net, parsePropertyString(net, text))).toBe(text);
  });

  it('derives a format from a typetext when there is no overlay', () => {
    expect(formatFromTypetext('[[legacy=]<[acdn]{1,4}>] [,order=<device[;device...]>]')).toEqual({
      legacy: { type: 'string', default_key: 1, optional: 1 },
      order: { type: 'string', optional: 1 },
    });
    expect(formatFromTypetext('[type=]<sev-type> [,allow-smt=<1|0>]')).toEqual({
      type: { type: 'string', default_key: 1 },
      'allow-smt': { type: 'boolean', optional: 1 },
    });
    expect(formatFromTypetext('apitoken=<X> ,host=<ADDRESS> [,port=<integer>] [,scope=<users|groups>]')).toEqual({
      apitoken: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'integer', optional: 1 },
      scope: { type: 'string', optional: 1, enum: ['users', 'groups'] },
    });
  });
});

describe('encodeParams', () => {
  it('gives strings, 1/0, repeated keys for arrays, property strings for objects', () => {
    expect(
      encodeParams(qemuCreate, { vmid: 100, onboot: false, net0: { model: 'virtio', bridge: 'vmbr0' }, delete: ['a', 'b'] }),
    ).toEqual({ vmid: '100', onboot: '0', net0: 'virtio,bridge=vmbr0', delete: 'a,b' });
    expect(encodeParams(agentExec, { command: ['ls', '-la'] })).toEqual({ command: ['ls', '-la'] });
  });
});

describe('translatePattern', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['(?^i:[a-z0-9_][a-z0-9_\\-\\+\\.]*)', ['Tag1', 'a.b'], ['-x', 'a b']],
    ['[A-Za-z0-9\\-_\\s]{,16}', ['', 'abc def'], ['x'.repeat(17)]],
    ['/^[[:^cntrl:]]*$/', ['hello world'], ['a\nb', 'a\tb']],
    ['/^(?:[^\\s:/[:cntrl:]]+)@(?:[A-Za-z0-9_][A-Za-z0-9._\\-]*)$/', ['root@pam'], ['ro ot@pam', 'a:b@pam']],
    ['/^(?i:[a-z][a-z0-9_-]+)$/', ['Remote-1'], ['1remote']],
    ['/^UPID:(?P<node>[a-zA-Z0-9]+):$/', ['UPID:pve:'], ['UPID::']],
    ['(?^:^(\\d+)\\-(\\d+(\\.\\d+)*)$)', ['1-1.2'], ['1-', 'x1-1']],
    ['\\d+[MG]?', ['512M', '4'], ['4K', 'x4']],
  ];
  for (const [pattern, good, bad] of cases) {
    it(pattern, () => {
      const re = new RegExp(translatePattern(pattern));
      for (const g of good) expect(re.test(g), g).toBe(true);
      for (const b of bad) expect(re.test(b), b).toBe(false);
    });
  }
});

describe('generated validators', () => {
  it('agree with ajv compiled at run time, for every qemu/lxc create parameter', async () => {
    const { sampleArg } = await import('../../src/params/samples');
    for (const op of [qemuCreate, lxcCreate]) {
      const runtimeOp = JSON.parse(JSON.stringify(op)) as Operation;
      for (const [name, prop] of Object.entries(op.parameters.properties)) {
        const flag = prop['x-family'] ? `${prop['x-family'].prefix}1` : name;
        const sample = sampleArg(prop);
        for (const value of [sample, 'x', '-1', '999999999999', `${String(sample)},zz=1`, '']) {
          if (value === undefined) continue;
          const values = { node: 'pve', vmid: '100', [flag]: value };
          expect(validateParams(schema, op, values), `${flag}=${String(value)}`).toEqual(validateParams(undefined as never, runtimeOp, values));
        }
      }
    }
  });
});
