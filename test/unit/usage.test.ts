import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadSchema } from '../../src/schema/load';
import { usageJson, usageLine, usageVerbose, returnsText, flagParams } from '../../src/output/usage';
import { verbOf } from '../../src/schema/verbs';
import { isOptional, type Operation } from '../../src/schema/types';
import { normaliseProp } from '../../src/schema/compile';
import { ROOT } from '../helpers/cli';

process.env.PVECLI_SCHEMA_ROOT = join(ROOT, 'schema');
const schema = loadSchema('pve-9.2');

describe('usage', () => {
  it('renders verbose usage, returns and JSON for every PVE 9.2 operation', () => {
    let count = 0;
    for (const [template, methods] of schema.index.entries) {
      for (const m of methods ? methods.split(',') : []) {
        const op = schema.operation(template, m as 'GET')!;
        const verb = verbOf(op.method);
        const text = usageVerbose(verb, op);
        expect(text.startsWith(`USAGE: pvecli ${verb} ${template}`)).toBe(true);
        for (const [name, p] of flagParams(op)) {
          expect(text).toContain(p['x-family'] ? `--${p['x-family'].prefix}[0..` : `--${name} `);
        }
        expect(returnsText(op)).toMatch(/^RETURNS: /);
        expect(JSON.parse(JSON.stringify(usageJson(verb, op))).path).toBe(template);
        count++;
      }
    }
    expect(count).toBe(675);
  });

  it('shows required flags in the short usage line', () => {
    const op = schema.operation('/nodes/{node}/qemu', 'POST')!;
    expect(usageLine('create', op)).toBe('pvecli create /nodes/{node}/qemu --vmid <integer> (100 - 999999999) [OPTIONS]');
    const get = schema.operation('/version', 'GET')!;
    expect(usageLine('get', get)).toBe('pvecli get /version');
  });

  it('lists property-string keys under their parameter', () => {
    const op = schema.operation('/nodes/{node}/qemu', 'POST')!;
    const text = usageVerbose('create', op);
    const net = text.slice(text.indexOf('--net[0..31]'));
    expect(net).toMatch(/bridge=<bridge>/);
    expect(net).toMatch(/model=<e1000 \| .* \| virtio \| vmxnet3>\s+\(default key\)/);
    expect(net).toMatch(/virtio=<macaddr>\s+\(alias of model=virtio with macaddr\)/);
  });

  it('treats optional 1, "1" and true alike (realm sync writes "1")', () => {
    const sync = schema.operation('/access/domains/{realm}/sync', 'POST')!;
    expect(usageLine('create', sync)).toBe('pvecli create /access/domains/{realm}/sync [OPTIONS]');
    expect(usageVerbose('create', sync)).toMatch(/--scope <users \| groups \| both>\s+\(optional\)/);
    const op: Operation = {
      method: 'POST',
      path: '/x',
      parameters: {
        properties: {
          a: { type: 'string', optional: '1' },
          b: { type: 'string', optional: true },
          c: { type: 'string', optional: 1 },
          d: { type: 'string', optional: 0 },
          e: { type: 'string', optional: '0' },
        },
      },
    };
    expect(usageLine('create', op)).toBe('pvecli create /x --d <string> --e <string> [OPTIONS]');
    const required = (usageJson('create', op).parameters as Array<{ name: string; required: boolean }>).filter((p) => p.required);
    expect(required.map((p) => p.name)).toEqual(['d', 'e']);
    expect([1, '1', true, 0, '0', false, undefined].map((optional) => isOptional({ optional }))).toEqual([true, true, true, false, false, false, false]);
    expect(normaliseProp({ optional: '1' }).optional).toBe(1);
    expect(normaliseProp({ optional: '0' }).optional).toBe(0);
  });
});
