import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { render } from '../../src/output/render';
import { YAML_OPTIONS } from '../../src/output/yaml';
import { yamlEmitter } from '../../src/output/yaml-emit';

// The direct writer must write what the yaml package writes, byte for byte, or leave the value to it.

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tricky = [
  '', ' ', 'no', 'No', 'NO', 'nO', 'yes', 'y', 'Y', 'n', 'on', 'OFF', 'true', 'False', 'null', 'NULL', 'Null', 'nULL', '~',
  '=', '==', '<<', '-', '?', ':', '- a', '? a', 'a: b', 'a:b', 'a #b', 'a#b', '#a', 'a ', ' a', 'a:', '%a', '---', '--- a',
  '...', '@a', '`a', '!a', '&a', '*a', '|', '>', "'a", '"a', 'a"b', "it's", 'a\\b', '[a]', '{a}', 'a,b', ',a',
  '1', '-1', '+1', '1.5', '.5', '5.', '1e3', '1E3', '0x1F', '0o17', '017', '08', '0b101', '1_000', '1:20', '190:20:30.15',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '.inf', '-.Inf', '.NaN', 'nan', 'inf', 'Infinity', 'NaN', '0', '00',
  'UPID:pve:000A1B2C:0001E240:6751A3F0:qmstart:100:root@pam:', 'local-lvm:vm-100-disk-0', 'virtio=BC:24:11:AA:BB:CC',
  'TASK OK', 'TASK ERROR: VM 100 already running', 'starting qmcreate 900', 'übergröße', 'a\tb', 'a\u0085b', 'a\u2028b',
  'tab\t', 'x'.repeat(60), 'word '.repeat(20), 'y'.repeat(200), 'line1\nline2', 'line\n',
];
const alphabet = ['a', 'Z', '0', '9', ' ', ':', '-', '#', '.', ',', "'", '"', '\\', '=', '[', '_', '/', '@', 'é', '\t', 'e', '+', '~', '%'];

function randomString(next: () => number): string {
  const length = Math.floor(next() * 12);
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 0 && r < 0.15) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth - 1));
  if (depth > 0 && r < 0.3) {
    const entries = Array.from({ length: Math.floor(next() * 4) }, () => [next() < 0.5 ? randomString(next) : tricky[Math.floor(next() * tricky.length)], randomValue(next, depth - 1)]);
    return Object.fromEntries(entries);
  }
  if (r < 0.4) return [0, 1, -5, 1.5, 0.027, 4294967296, 1e21, 1e-7, -0, 5e-324][Math.floor(next() * 10)];
  if (r < 0.45) return next() < 0.5;
  if (r < 0.5) return null;
  if (r < 0.7) return tricky[Math.floor(next() * tricky.length)];
  return randomString(next);
}

const emitter = yamlEmitter(() => {
  const { schema } = new YAML.Document(null, YAML_OPTIONS);
  const compat = (schema as unknown as { compat?: Array<{ default?: boolean; tag: string; test?: RegExp }> }).compat ?? [];
  const tags = [...(schema.tags as Array<{ default?: boolean; tag: string; test?: RegExp }>), ...compat];
  return (text) => tags.some((tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test?.test(text));
});

describe('the direct YAML writer', () => {
  it('writes each item as the package does, or leaves it to the package', () => {
    const next = random(18);
    let direct = 0;
    for (let i = 0; i < 5000; i++) {
      const value = randomValue(next, 3);
      const mine = emitter.item(value);
      if (mine === undefined) continue;
      direct++;
      expect(mine, JSON.stringify(value)).toBe(YAML.stringify([value], YAML_OPTIONS));
    }
    // Most of these values are for the direct writer: it is not only ever deferring.
    expect(direct).toBeGreaterThan(2000);
  });

  it('every tricky string, as a value, an item and a key, at several depths', () => {
    for (const s of tricky) {
      for (const value of [s, { [s]: s }, { k: { [s]: [s] } }, [[s]], [{ a: [{ b: s }] }], { ['k'.repeat(70)]: s }]) {
        const mine = emitter.item(value);
        if (mine !== undefined) expect(mine, JSON.stringify(value)).toBe(YAML.stringify([value], YAML_OPTIONS));
      }
    }
  });

  it('the rows the API returns most are written directly, not by the package', () => {
    const rows: unknown[] = [
      { n: 1, t: 'starting qmcreate 900' },
      { n: 2, t: 'TASK OK' },
      { n: 3, t: 'TASK ERROR: VM 100 already running' },
      { id: 'qemu/100', type: 'qemu', vmid: 100, node: 'pve', name: 'web01', status: 'running', cpu: 0.027, maxmem: 2147483648, tags: 'a;b' },
      { upid: 'UPID:pve:000A1B2C:0001E240:6751A3F0:qmstart:100:root@pam:', node: 'pve', status: 'OK', id: '100', starttime: 1733400000 },
      { digest: '8f9e2c1a4b7d6e30', scsi0: 'local-lvm:vm-100-disk-0,discard=on,size=32G', net0: 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0', onboot: 1 },
    ];
    for (const row of rows) {
      const mine = emitter.item(row);
      expect(mine, JSON.stringify(row)).toBe(YAML.stringify([row], YAML_OPTIONS));
    }
  });
});

const python = '/usr/bin/python3';
const hasPyYaml = existsSync(python) && spawnSync(python, ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0;

describe('-o yaml of a long list reads back as the data', () => {
  const next = random(7);
  // NEL, LS and PS stay raw in the package's quoted scalars, and PyYAML reads them as line breaks: not in this corpus.
  const readable = tricky.filter((s) => !/[\u0085\u2028\u2029]/.test(s));
  const log = Array.from({ length: 2000 }, (_, i) => ({ n: i + 1, t: i % 7 === 0 ? readable[i % readable.length] : `line ${i}: ${randomString(next)}` }));
  const mixed = Array.from({ length: 500 }, () => randomValue(next, 3)).filter((v) => !/[\u0085\u2028\u2029]/.test(JSON.stringify(v)));
  // As a reply's data is: parsed JSON (no -0).
  const data = JSON.parse(JSON.stringify([...log, ...mixed])) as unknown[];
  const out = render(data, { format: 'yaml' });

  it('the same text as one stringify of the list', () => {
    expect(out).toBe(YAML.stringify(data, YAML_OPTIONS));
  });
  it('YAML 1.2 and 1.1 loaders read it back', () => {
    expect(YAML.parse(out)).toEqual(data);
    expect(YAML.parse(out, { version: '1.1' })).toEqual(data);
  });
  it.skipIf(!hasPyYaml)('PyYAML reads it back', () => {
    const script = 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin), default=repr))';
    const loaded = spawnSync(python, ['-c', script], { input: out, encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(loaded.stderr).toBe('');
    expect(JSON.parse(loaded.stdout)).toEqual(data);
  });
  it('a map document too', () => {
    const doc = { name: 'web01', memory: 2048, net0: { model: 'virtio', tag: 20 }, tags: [], opts: {}, list: ['a', 1, null] };
    expect(render(doc, { format: 'yaml' })).toBe(YAML.stringify(doc, YAML_OPTIONS));
  });
});
