import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { render } from '../../src/output/render';

// Strings that a YAML 1.1 loader (PyYAML, Ansible) or a 1.2 loader would read as something else when written plain.
const lookalikes = [
  'no', 'No', 'NO', 'yes', 'Yes', 'y', 'Y', 'n', 'N', 'on', 'On', 'ON', 'off', 'Off', 'true', 'True', 'FALSE',
  'null', 'Null', '~', '', '=', '<<', '1:20', '-1:20', '190:20:30.15', '017', '08', '0o17', '0x1F', '0b101', '1_000',
  '12', '-5', '+1', '1.5', '.5', '5.', '1e3', '1.0e+3', '.inf', '-.Inf', '.nan', '2001-12-14', '2001-12-14 21:59:43.10 -5',
];
// And some that stay plain.
const plain = ['ok', 'yes please', 'nO', 'local-lvm:vm-100-disk-0', 'virtio=BC:24:11:AA:BB:CC', '0xGG', '3:60'];

const data = {
  comment: 'no',
  // What --expand makes of `scsi0: local-lvm:vm-100-disk-0,discard=on,ssd=1`.
  scsi0: { file: 'local-lvm:vm-100-disk-0', discard: 'on', ssd: 1 },
  values: [...lookalikes, ...plain],
  keys: Object.fromEntries([...lookalikes, ...plain].map((s, i) => [s, i])),
  numbers: [0, 1, -5, 1.5, 0.027, 4294967296, 1e21, 1e-7, -2.5e-7, 5e-324],
  booleans: [true, false],
  nothing: null,
  description: 'line1\nline2\n',
};

const out = render(data, { format: 'yaml' });
const python = '/usr/bin/python3';
const hasPyYaml = existsSync(python) && spawnSync(python, ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0;

describe('yaml output', () => {
  it('reads back the same with a YAML 1.2 loader', () => {
    expect(YAML.parse(out)).toEqual(data);
  });
  it('reads back the same with a YAML 1.1 loader', () => {
    expect(YAML.parse(out, { version: '1.1' })).toEqual(data);
  });
  it.skipIf(!hasPyYaml)('reads back the same with PyYAML, as Ansible loads it', () => {
    // A value PyYAML makes into a date or anything else JSON lacks turns into its repr and fails the comparison.
    const script = 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin), default=repr))';
    const loaded = spawnSync(python, ['-c', script], { input: out, encoding: 'utf8' });
    expect(loaded.stderr).toBe('');
    expect(JSON.parse(loaded.stdout)).toEqual(data);
  });
  it('quotes lookalike strings only; numbers, booleans and null stay plain', () => {
    const lines = out.split('\n');
    expect(lines).toContain('comment: "no"');
    expect(lines).toContain('  discard: "on"');
    expect(lines).toContain('  ssd: 1');
    expect(lines).toContain('  - ok');
    expect(lines).toContain('  - local-lvm:vm-100-disk-0');
    expect(lines).toContain('  - 0.027');
    expect(lines).toContain('  - 4294967296');
    expect(lines).toContain('  - 1.0e+21');
    expect(lines).toContain('  - -2.5e-7');
    expect(lines).toContain('  - true');
    expect(lines).toContain('nothing: null');
  });
});
