import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSchema, availableSchemas, Schema } from '../../src/schema/load';
import { parseSchemaText, schemaIdFor } from '../../src/schema/source';
import { compileTree, familyRange } from '../../src/schema/compile';
import { listChildren } from '../../src/cli/ls';
import { ROOT } from '../helpers/cli';

process.env.PVECLI_SCHEMA_ROOT = join(ROOT, 'schema');

/** Counts stated by ../shared/proxmox-schema/README.md. */
const EXPECTED: Record<string, [number, number]> = {
  'pve-9.2': [675, 449],
  'pve-9.1': [649, 435],
  'pve-8.4': [605, 400],
  'pbs-4': [367, 248],
  'pmg-6.3': [338, 221],
  'pdm-1.1': [327, 260],
};

/** Fill a template with plausible concrete values, so resolution has to work from a real-looking path. */
function concreteExample(template: string): { path: string; values: Record<string, string> } {
  const values: Record<string, string> = {};
  let i = 0;
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = name === 'vmid' ? String(100 + i) : `x${name.replace(/[^a-z0-9]/gi, '')}${i}`;
    i++;
    values[name] = v;
    return v;
  });
  return { path, values };
}

describe('schema build', () => {
  it('compiles every bundled product', () => {
    expect(availableSchemas()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [id, [ops, paths]] of Object.entries(EXPECTED)) {
    it(`${id}: ${ops} operations on ${paths} paths, each resolvable from a concrete path`, () => {
      const schema = loadSchema(id);
      expect(schema.index.operations).toBe(ops);
      expect(schema.index.paths).toBe(paths);
      let operations = 0;
      for (const [template, methods] of schema.index.entries) {
        const { path, values } = concreteExample(template);
        const r = schema.tryResolve(path);
        expect(r?.template, path).toBe(template);
        expect(r?.params).toEqual(values);
        expect(schema.tryResolve(template)?.template).toBe(template);
        for (const m of methods ? methods.split(',') : []) {
          const op = schema.operation(template, m as 'GET');
          expect(op?.method).toBe(m);
          operations++;
        }
      }
      expect(operations).toBe(ops);
    });
  }
});

describe('path resolution', () => {
  const schema = loadSchema('pve-9.2');
  it('resolves concrete paths to templates and parameters', () => {
    const r = schema.resolve('/nodes/pve/qemu/100/status/current');
    expect(r.template).toBe('/nodes/{node}/qemu/{vmid}/status/current');
    expect(r.params).toEqual({ node: 'pve', vmid: '100' });
  });
  it('ignores missing and repeated slashes', () => {
    expect(schema.resolve('nodes/pve/qemu/').template).toBe('/nodes/{node}/qemu');
    expect(schema.resolve('//cluster//resources').template).toBe('/cluster/resources');
  });
  it('prefers a literal segment over a parameter', () => {
    expect(schema.resolve('/nodes/pve/qemu').template).toBe('/nodes/{node}/qemu');
    expect(schema.resolve('/cluster/firewall/groups').template).toBe('/cluster/firewall/groups');
  });
  it('fails with exit 2 and near paths for an unknown one', () => {
    try {
      schema.resolve('/nodez');
      expect.unreachable();
    } catch (err) {
      const e = err as { exitCode: number; message: string; hint: string };
      expect(e.exitCode).toBe(2);
      expect(e.message).toBe("no such API path '/nodez'");
      expect(e.hint).toContain("'/nodes'");
    }
  });
  it('suggests siblings below the deepest known prefix', () => {
    const near = schema.nearestPaths('/nodes/pve/qemu/100/stauts');
    expect(near[0]).toBe('/nodes/pve/qemu/100/status');
  });
  it('completes a suggestion with the rest of the path when it then resolves', () => {
    expect(schema.nearestPaths('/nodes/pve/qemu/100/statuz/current')[0]).toBe('/nodes/pve/qemu/100/status/current');
    expect(schema.nearestPaths('/clustr/resources')[0]).toBe('/cluster/resources');
    // '/nodes/resources' would resolve too (a node of that name), but that is no correction.
    expect(schema.nearestPaths('/nodez/resources')).toContain('/nodes');
  });
  it('takes a volume ID with its slash, typed plainly or encoded, as one segment', () => {
    for (const path of ['/nodes/pve/storage/local/content/local:iso/debian.iso', '/nodes/pve/storage/local/content/local:iso%2Fdebian.iso']) {
      const r = schema.resolve(path);
      expect(r.template).toBe('/nodes/{node}/storage/{storage}/content/{volume}');
      expect(r.params).toEqual({ node: 'pve', storage: 'local', volume: 'local:iso/debian.iso' });
      expect(r.concrete).toBe('/nodes/pve/storage/local/content/local:iso%2Fdebian.iso');
    }
    expect(schema.resolve('/nodes/pve/storage/local/content/local:backup/sub/vzdump.vma.zst').params.volume).toBe('local:backup/sub/vzdump.vma.zst');
    // Other parameters do not swallow slashes: a typo stays an unknown path.
    expect(schema.tryResolve('/nodes/pve/qemu/100/snapshot/a/b')).toBeUndefined();
  });
  it('lists children of a template', () => {
    const children = schema.children('/nodes/{node}/qemu/{vmid}');
    expect(children).toContain('/nodes/{node}/qemu/{vmid}/status');
    expect(children).toContain('/nodes/{node}/qemu/{vmid}/config');
    expect(children).toContain('/nodes/{node}/qemu/{vmid}/snapshot');
  });
});

describe('the root path', () => {
  it("lists the top-level paths, never itself: PBS and PDM data nest them under a '/' node", () => {
    const { index } = compileTree(
      [{ path: '/', text: 'Management API', info: { GET: { description: 'Directory index.' } }, children: [{ path: '/a', children: [{ path: '/a/b' }] }, { path: '/c' }] }],
      'test-1',
      {},
    );
    const schema = new Schema(index, '');
    expect(schema.children('/')).toEqual(['/a', '/c']);
    expect(schema.children('/a')).toEqual(['/a/b']);
    // '/' stays an API path with its operation: `get /` asks the server for its directory index.
    expect(schema.tryResolve('/')?.methods).toEqual(['GET']);
    expect([index.operations, index.paths]).toEqual([1, 4]);
  });

  for (const id of Object.keys(EXPECTED)) {
    it(`${id}: ls / shows only named top-level paths`, () => {
      const rows = listChildren(loadSchema(id), '/');
      expect(rows.length).toBeGreaterThan(4);
      for (const row of rows) {
        expect(row.name).toMatch(/^[a-z][\w-]*$/);
        expect(row.path).toBe(`/${row.name}`);
      }
    });
  }

  it("keeps the root's own GET in PBS and PDM", () => {
    for (const id of ['pbs-4', 'pdm-1.1']) expect(loadSchema(id).operation('/', 'GET')?.description).toBe('Directory index.');
  });
});

describe('schema sources', () => {
  it('names a schema from its file name', () => {
    expect(schemaIdFor('/x/pve-9.1.json', {})).toBe('pve-9.1');
    expect(schemaIdFor('https://h:8006/pve-docs/api-viewer/apidata.js', {})).toBe('pve-9.2');
    expect(schemaIdFor('apidata.js', { PVECLI_SCHEMA_ID: 'pbs-4' })).toBe('pbs-4');
  });
  it('cuts the JSON array out of api-viewer JavaScript', () => {
    const js = 'const apiSchema = [{"path":"/a","text":"a]","leaf":1}];\nlet x = [1,2];\nExt.onReady(function(){});';
    expect(parseSchemaText(js, 'apidata.js')).toEqual([{ path: '/a', text: 'a]', leaf: 1 }]);
  });
  it('takes numbered-family ranges from the descriptions', () => {
    expect(familyRange('scsi', { description: 'Use volume as SCSI hard disk (n is 0 to 30).' }, {})).toBe(30);
    expect(familyRange('link', { description: '(up to 8 links supported; link0..link7)' }, {})).toBe(7);
    expect(familyRange('usb', { description: 'n is 0 to 4, for machine version >= 7.1 ... n can be up to 14' }, {})).toBe(14);
    expect(familyRange('net', { description: 'Specify network devices.' }, { net: 31 })).toBe(31);
  });
  it('never tracks the AGPL schema data in git', () => {
    const tracked = readdirSync(join(ROOT, 'schema'));
    expect(tracked).toContain('overlays');
    const gitignore = readFileSync(join(ROOT, '.gitignore'), 'utf8');
    expect(gitignore).toMatch(/\/schema\/\*\//);
  });
});
