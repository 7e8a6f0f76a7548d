import { describe, expect, it } from 'vitest';
import { diffSchemas, diffSummary, propertyChange } from '../../src/schema/diff';
import { loadSchema } from '../../src/schema/load';

describe('propertyChange', () => {
  it('says what changed for a caller, or nothing', () => {
    expect(propertyChange({ type: 'string' }, { type: 'string', description: 'reworded' })).toBeUndefined();
    expect(propertyChange({ type: 'string', optional: 1 }, { type: 'string' })).toBe('now required');
    expect(propertyChange({ type: 'integer', maximum: 8 }, { type: 'integer', maximum: 16, optional: 0 })).toBe('maximum 8 → 16');
    expect(propertyChange({ type: 'string', enum: ['a', 'b'] }, { type: 'string', enum: ['a', 'b', 'c'] })).toBe('enum a|b → a|b|c');
    expect(propertyChange({ type: 'string', format: 'pve-node' }, { type: 'string', pattern: '[a-z]+' })).toBe('format pve-node → (none); pattern (none) → [a-z]+');
  });
  it("names a property string's keys added, removed and changed", () => {
    const before = { type: 'string', format: { ha: { type: 'string' }, old: { type: 'string' }, n: { type: 'integer', maximum: 1 } } };
    const after = { type: 'string', format: { ha: { type: 'string' }, fresh: { type: 'string' }, n: { type: 'integer', maximum: 2 } } };
    expect(propertyChange(before, after)).toBe('keys -old +fresh ~n');
  });
});

describe('diffSchemas', () => {
  it('a schema against itself: no changes', () => {
    expect(diffSchemas(loadSchema('pve-9.2'), loadSchema('pve-9.2'))).toEqual([]);
  });
  it('operations added one way are removed the other, and the summary counts them', () => {
    const forward = diffSchemas(loadSchema('pve-8.4'), loadSchema('pve-9.2'), '/cluster');
    const backward = diffSchemas(loadSchema('pve-9.2'), loadSchema('pve-8.4'), '/cluster');
    const ops = (changes: typeof forward, kind: string) => changes.filter((c) => c.change === kind && !c.parameter).map((c) => c.operation).sort();
    expect(ops(forward, 'added')).toEqual(ops(backward, 'removed'));
    expect(ops(forward, 'added').length).toBeGreaterThan(0);
    expect(diffSummary(forward).operations_added).toBe(ops(forward, 'added').length);
    for (const c of forward) expect(c.operation).toMatch(/^[A-Z]+ \/cluster(\/|$)/);
  });
});
