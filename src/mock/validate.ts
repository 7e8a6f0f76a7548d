/**
 * Request validation with the CLI's own validator (`validateWire` from src/params), so that the mock and the CLI
 * agree on what a valid request is. A minimal built-in check stands in only if src/params cannot be loaded.
 */
import type { Operation, PropSchema } from '../schema/types';
import type { Schema } from '../schema/load';
import { isSecretParam } from '../util/secret-param';

type ValidateWire = (schema: Schema, op: Operation, wire: Record<string, unknown>) => Record<string, string>;

let resolved: ValidateWire | undefined;

function validator(): ValidateWire {
  if (resolved) return resolved;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const params = require('../params') as { validateWire?: ValidateWire };
    if (typeof params.validateWire === 'function') return (resolved = params.validateWire);
  } catch {
    // src/params not built: fall through to the minimal check
  }
  return (resolved = minimalValidate);
}

/** Per-parameter errors ({} when valid), in Proxmox's wording. */
export function validateRequest(schema: Schema, op: Operation, wire: Record<string, unknown>): Record<string, string> {
  try {
    return validator()(schema, op, wire);
  } catch (err) {
    // A broken or stale validator build must not take the mock down: check this request the simple way.
    if (process.env.PVECLI_DEBUG) process.stderr.write(`pvecli mock: validator failed (${String(err)}); using the minimal check\n`);
    return minimalValidate(schema, op, wire);
  }
}

/** Which validator is in use (for tests and `mock serve` diagnostics). */
export function validatorName(): string {
  return validator() === minimalValidate ? 'minimal' : 'src/params';
}

/** The stand-in check, exported for its tests. */
export function minimalValidate(_schema: Schema, op: Operation, wire: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  const props = op.parameters.properties;
  const family = (name: string): PropSchema | undefined => {
    const m = /^([a-z_-]+?)(\d+)$/i.exec(name);
    return m ? props[`${m[1]}[n]`] : undefined;
  };
  for (const [name, value] of Object.entries(wire)) {
    const prop = props[name] ?? family(name);
    if (!prop) {
      if (op.parameters.additionalProperties === 0 || op.parameters.additionalProperties === false)
        errors[name] = 'property is not defined in schema and the schema does not allow additional properties';
      continue;
    }
    const text = String(value);
    // A reply never repeats a credential's value.
    const secret = isSecretParam(name, op.path);
    const got = secret ? '' : ` - got '${text}'`;
    if (prop.type === 'integer' && !/^-?\d+$/.test(text)) errors[name] = `type check ('integer') failed${got}`;
    else if (prop.type === 'number' && Number.isNaN(Number(text))) errors[name] = `type check ('number') failed${got}`;
    else if (prop.type === 'boolean' && !/^(0|1|true|false|yes|no|on|off)$/i.test(text))
      errors[name] = `type check ('boolean') failed${got}`;
    else if (Array.isArray(prop.enum) && !prop.enum.map(String).includes(text))
      errors[name] = `value${secret ? '' : ` '${text}'`} does not have a value in the enumeration '${prop.enum.join(', ')}'`;
    else if (prop.type === 'integer' || prop.type === 'number') {
      const n = Number(text);
      if (prop.minimum !== undefined && n < prop.minimum) errors[name] = `value must have a minimum value of ${prop.minimum}`;
      if (prop.maximum !== undefined && n > prop.maximum) errors[name] = `value must have a maximum value of ${prop.maximum}`;
    }
  }
  for (const [name, prop] of Object.entries(props)) {
    if (!prop.optional && !name.endsWith('[n]') && wire[name] === undefined) errors[name] = 'property is missing and it is not optional';
  }
  return errors;
}
