// The mock's PVE-worded parameter check on values a form cannot carry (JSON bodies) and schema corners.
import { describe, expect, it } from 'vitest';
import { configListErrors, pveParamErrors } from '../../src/mock/pve-params';
import type { Operation } from '../../src/schema/types';
import { loadSchema } from '../../src/schema/load';

/** An operation with these parameters; `additionalProperties` 0 unless `open` leaves it out. */
const op = (properties: Operation['parameters']['properties'], open = false): Operation => ({
  method: 'POST',
  path: '/test',
  parameters: open ? { properties } : { properties, additionalProperties: 0 },
});

describe('mock: PVE parameter check', () => {
  it('types JSON values as Perl sees them', () => {
    const o = op({ n: { type: 'integer', optional: 1 }, s: { type: 'string', optional: 1 }, b: { type: 'boolean', optional: 1 } });
    expect(pveParamErrors(o, { n: 5, s: 7, b: 1 })).toEqual({});
    expect({ ...pveParamErrors(o, { n: 5.5, s: { a: 1 }, b: 'yes' }) }).toEqual({
      n: "type check ('integer') failed - got '5.5'",
      s: "type check ('string') failed - got HASH",
      b: "type check ('boolean') failed - got 'yes'",
    });
  });

  it('allows unknown parameters only where the schema leaves additionalProperties out', () => {
    const props = { a: { type: 'string', optional: 1 } };
    expect({ ...pveParamErrors(op(props, true), { extra: 'x' }) }).toEqual({});
    expect(Object.keys(pveParamErrors(op(props), { extra: 'x' }))).toEqual(['extra']);
  });

  it("names the parameter another one requires", () => {
    const o = op({ a: { type: 'string', optional: 1, requires: 'b' }, b: { type: 'string', optional: 1 } });
    expect({ ...pveParamErrors(o, { a: 'x' }) }).toEqual({ b: "missing property required by 'a'" });
  });

  it('never repeats the value of a credential', () => {
    const o = op({ password: { type: 'string', enum: ['a'] }, userid: { type: 'string', optional: 1 } });
    const errors = pveParamErrors(o, { password: 'hunter22' });
    expect(errors.password).toBe("value (hidden) does not have a value in the enumeration 'a'");
  });

  it("checks a container's delete list against its own options", () => {
    const schema = loadSchema('pve-9.2');
    const ct = schema.operation('/nodes/{node}/lxc/{vmid}/config', 'PUT')!;
    expect(configListErrors('PUT /nodes/{node}/lxc/{vmid}/config', ct, { delete: 'mp0,description' })).toBeUndefined();
    expect(configListErrors('PUT /nodes/{node}/lxc/{vmid}/config', ct, { delete: 'digest' })).toEqual({ delete: "unknown option 'digest'" });
    expect(configListErrors('PUT /nodes/{node}/lxc/{vmid}/config', ct, { revert: 'cores', cores: 2 })).toEqual({ revert: "you can't use '-cores' and '-revert cores' at the same time" });
  });
});
