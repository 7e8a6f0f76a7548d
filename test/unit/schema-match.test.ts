import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSchemaMatch, readSchemaMatches, SCHEMA_MATCH_LIFETIME_MS, schemaMatchFile, writeSchemaMatch } from '../../src/config/schema-match';
import { parseApiViewerData } from '../../src/schema/api-data';
import { compareVersions, pickSchema, versionParts } from '../../src/schema/version';

const BUNDLED = ['pbs-4', 'pdm-1.1', 'pmg-6.3', 'pve-8.4', 'pve-9.1', 'pve-9.2'];

describe('pickSchema (DESIGN.md §2)', () => {
  const cases: Array<[string, string, string, RegExp | undefined]> = [
    ['pve', '8.4.1', 'pve-8.4', undefined],
    ['pve', '8.1.4', 'pve-8.4', /no PVE 8\.1 schema: using the nearest, pve-8\.4/],
    ['pve', '9.0.3', 'pve-9.1', /no PVE 9\.0 schema/],
    ['pve', '9.1.2', 'pve-9.1', undefined],
    ['pve', '9.2.0', 'pve-9.2', undefined],
    ['pve', '9.4.1', 'pve-9.2', /PVE 9\.4 is newer than every known schema: using pve-9\.2/],
    ['pve', '10.0.1', 'pve-9.2', /newer than every known schema/],
    ['pve', '7.4-3', 'pve-8.4', /no PVE 7\.4 schema/],
    ['pbs', '4.0', 'pbs-4', undefined],
    ['pbs', '4.1', 'pbs-4', undefined],
    ['pbs', '3.4', 'pbs-4', /no PBS 3\.4 schema/],
    ['pmg', '6.3-4', 'pmg-6.3', undefined],
    ['pmg', '8.2-1', 'pmg-6.3', /newer than every known schema/],
    ['pdm', '1.1', 'pdm-1.1', undefined],
  ];
  for (const [product, version, id, note] of cases) {
    it(`${product} ${version} → ${id}`, () => {
      const pick = pickSchema(product, version, BUNDLED)!;
      expect(pick.id).toBe(id);
      if (note) expect(pick.note).toMatch(note);
      else expect(pick.note).toBeUndefined();
    });
  }
  it('prefers the more specific id of an equal version (a synced pbs-4.0 over the bundled pbs-4)', () => {
    expect(pickSchema('pbs', '4.0.3', [...BUNDLED, 'pbs-4.0'])!.id).toBe('pbs-4.0');
    expect(pickSchema('pve', '8.3.2', [...BUNDLED, 'pve-8.3'])!.id).toBe('pve-8.3');
  });
  it('no schema of the product: none; a version it cannot read: the newest, said so', () => {
    expect(pickSchema('xyz', '1.0', BUNDLED)).toBeUndefined();
    expect(pickSchema('pve', 'unknown', BUNDLED)).toEqual({ id: 'pve-9.2', note: expect.stringMatching(/not understood/) });
  });
  it('reads versions as numbers', () => {
    expect(versionParts('9.2.0')).toEqual([9, 2, 0]);
    expect(versionParts('6.3-4')).toEqual([6, 3, 4]);
    expect(versionParts('x')).toBeUndefined();
    expect(compareVersions([9, 10], [9, 2])).toBeGreaterThan(0);
    expect(compareVersions([4], [4, 0])).toBe(0);
  });
});

describe('the match cache', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'pvecli-match-'));
  const target = { url: 'https://pve1:8006', fingerprint: 'aa:bb' };
  const match = { ...target, product: 'pve', version: '8.4.1', schema: 'pve-8.4' };

  it('is written 0600 and read back per URL and certificate fingerprint', () => {
    const d = dir();
    writeSchemaMatch(d, match, 1_000);
    expect(statSync(schemaMatchFile(d)).mode & 0o777).toBe(0o600);
    expect(readSchemaMatch(d, target, 2_000)).toMatchObject({ schema: 'pve-8.4', fingerprint: 'AA:BB', matchedAt: 1_000 });
    expect(readSchemaMatch(d, { url: 'https://pve1:8006/', fingerprint: 'AA:BB' }, 2_000)?.schema).toBe('pve-8.4');
    expect(readSchemaMatch(d, { ...target, fingerprint: 'cc:dd' }, 2_000)).toBeUndefined();
    expect(readSchemaMatch(d, { url: 'https://pve2:8006', fingerprint: 'aa:bb' }, 2_000)).toBeUndefined();
  });

  it('expires after a day, and expired entries are dropped on the next write', () => {
    const d = dir();
    writeSchemaMatch(d, match, 1_000);
    expect(readSchemaMatch(d, target, 1_000 + SCHEMA_MATCH_LIFETIME_MS - 1)).toBeDefined();
    expect(readSchemaMatch(d, target, 1_000 + SCHEMA_MATCH_LIFETIME_MS)).toBeUndefined();
    writeSchemaMatch(d, { ...match, url: 'https://pve2:8006' }, 1_000 + SCHEMA_MATCH_LIFETIME_MS);
    expect(Object.keys(JSON.parse(readFileSync(schemaMatchFile(d), 'utf8')))).toEqual(['https://pve2:8006 AA:BB']);
  });

  it('a damaged file or entry is an empty cache, not an error', () => {
    const d = dir();
    writeFileSync(schemaMatchFile(d), '{not json');
    expect(readSchemaMatches(d)).toEqual({});
    writeFileSync(schemaMatchFile(d), JSON.stringify({ k: { url: 1 } }));
    expect(readSchemaMatches(d)).toEqual({});
  });
});

describe('parseApiViewerData', () => {
  const tree = [{ path: '/version', text: 'version', info: { GET: { parameters: {} } } }];
  it('takes a JSON array and apidata.js', () => {
    expect(parseApiViewerData(JSON.stringify(tree), 'x.json')).toEqual(tree);
    expect(parseApiViewerData(`const apiSchema = ${JSON.stringify(tree)};\nlet x = 1;`, 'apidata.js')).toEqual(tree);
    expect(parseApiViewerData(`var pmgapi = ${JSON.stringify(tree)};`, 'apidata.js')).toEqual(tree);
  });
  const refused: Array<[string, RegExp]> = [
    ['', /it is empty/],
    ['<html><title>Login</title></html>', /found an HTML page \('Login'\)/],
    [JSON.stringify(tree).slice(0, 30), /ends early/],
    ['{"a": 1}', /found a JSON object \(keys: a\)/],
    ['[]', /found an empty array/],
    ['[1]', /array element of type number/],
    ['[{"path": "/x", "info": {"FETCH": {}}}]', /unknown method 'FETCH'/],
    ['[{"path": "/x", "children": {}}]', /'children' is not an array/],
    ['console.log(1)', /found no API array/],
  ];
  for (const [text, message] of refused) {
    it(`refuses ${JSON.stringify(text.slice(0, 30))}`, () => {
      expect(() => parseApiViewerData(text, 'src')).toThrow(message);
      try {
        parseApiViewerData(text, 'src');
      } catch (err) {
        expect((err as { exitCode: number }).exitCode).toBe(2);
      }
    });
  }
});
