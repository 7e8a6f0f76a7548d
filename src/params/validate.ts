/**
 * Validation of one operation's parameters, shared by the CLI (typed values from parseArgs plus path values) and
 * the mock server (wire strings or a JSON body): type each value, parse property strings, run the ajv validators.
 */
import type { Schema } from '../schema/load';
import { isOptional, type Operation, type PropSchema } from '../schema/types';
import { isSecretParam } from '../util/secret-param';
import { checkable, coerceValue, itemsOf } from './coerce';
import { impliedFormatProblem } from './implied-formats';
import { claim, VALUE } from './text';
import {
  parsePropertyStringRaw,
  PropertyStringError,
  propertyFormatOf,
  type PropertyFormat,
} from './property-string';
import { validatorsFor, type AjvError, type OperationValidators, type ValidateFn } from './validators';

export interface ParamError {
  /** The parameter name as the API spells it (`net0`, `vmid`); the CLI shows it as `--net0`. */
  param: string;
  /** One line without the parameter name, e.g. `99 is below the minimum 100`. */
  message: string;
}

/** The schema of a parameter name: an exact property or a member of a numbered family (`net0` → `net[n]`). */
export function lookupParam(op: Operation, name: string): { prop?: PropSchema; error?: string } {
  const props = op.parameters.properties ?? {};
  if (Object.prototype.hasOwnProperty.call(props, name) && !props[name]['x-family']) return { prop: props[name] };
  const m = /^(.*?)(\d+)$/.exec(name);
  if (m) {
    const family = props[`${m[1]}[n]`];
    const range = family?.['x-family'];
    if (family && range) {
      const index = Number(m[2]);
      if (String(index) === m[2] && index <= range.max) return { prop: family };
      return { error: `${m[1]}${m[2]} is out of range (${range.prefix}0 to ${range.prefix}${range.max})` };
    }
  }
  return {};
}

/**
 * Whether messages about a parameter must leave its value out: a credential (isSecretParam, the rule the dry run
 * redacts by), or a property string with a credential among its keys (a TFA realm's `key`).
 */
export function hidesValue(op: Operation, name: string, prop: PropSchema): boolean {
  if (isSecretParam(name, op.path)) return true;
  const format = propertyFormatOf(prop) ?? propertyFormatOf(itemsOf(prop) ?? {});
  return !!format && Object.keys(format).some((key) => isSecretParam(key));
}

/** Validate and return errors ([] when valid). Values may be typed or strings; path parameters included. */
export function validateValues(schema: Schema | undefined, op: Operation, values: Record<string, unknown>): ParamError[] {
  const errors: ParamError[] = [];
  const validators = validatorsFor(schema, op);
  for (const [name, raw] of Object.entries(values)) {
    if (raw === undefined) continue;
    const { prop, error } = lookupParam(op, name);
    if (!prop) {
      if (!op.parameters.additionalProperties) errors.push({ param: name, message: error ?? 'unknown parameter' });
      continue;
    }
    const message = checkParam(validators, name, prop, raw, hidesValue(op, name, prop));
    if (message) errors.push({ param: name, message });
  }
  for (const [name, prop] of Object.entries(op.parameters.properties ?? {})) {
    if (!isOptional(prop) && !prop['x-family'] && values[name] === undefined) errors.push({ param: name, message: 'missing required parameter' });
  }
  return errors;
}

/** One parameter: type it, check the value, then each property string in it; a message or undefined (`secret`: without the value). */
function checkParam(validators: OperationValidators, name: string, prop: PropSchema, raw: unknown, secret: boolean): string | undefined {
  const c = coerceValue(prop, raw, secret);
  if (c.error !== undefined) return c.error;
  const schemaName = prop['x-family'] ? `${prop['x-family'].prefix}[n]` : name;
  const validate = validators.param(schemaName);
  if (validate && !validate(checkable(c.value))) return valueMessage(validate.errors ?? [], prop, c.value, secret);
  const implied = impliedFormatProblem(name, prop, c.value, secret);
  if (implied) return implied;
  const format = propertyFormatOf(prop) ?? propertyFormatOf(itemsOf(prop) ?? {});
  if (format) {
    for (const item of Array.isArray(c.value) ? c.value : [c.value]) {
      if (typeof item !== 'string') continue;
      const message = checkPropertyString(format, item, (key) => validators.propertyKey(schemaName, key), secret);
      if (message) return message;
    }
  }
  return undefined;
}

/** The message for a failed value check: the deepest error (anyOf alternatives report before their summary). */
function valueMessage(errs: AjvError[], prop: PropSchema, value: unknown, secret: boolean): string {
  const err = errs.find((e) => e.keyword === 'anyOf') ?? errs[0];
  if (!err) return claim(value, 'is invalid', secret, VALUE);
  let at: PropSchema | undefined = prop;
  let v: unknown = value;
  for (const seg of err.instancePath.split('/').slice(1)) {
    v = (v as Record<string, unknown> | undefined)?.[seg];
    at = at ? itemsOf(at) ?? at : undefined;
  }
  return messages().ajvMessage(err, at, v, secret);
}

/** Messages are only needed on the error path: load them then. */
function messages(): typeof import('./messages') {
  return require('./messages') as typeof import('./messages');
}

/** Parse one property string, check required keys, type and check each value; a message or undefined (`secret`: without values). */
export function checkPropertyString(
  format: PropertyFormat,
  text: string,
  keyValidator: (key: string) => ValidateFn | undefined,
  secret = false,
): string | undefined {
  let raw: Record<string, string>;
  try {
    raw = parsePropertyStringRaw(format, text, secret);
  } catch (err) {
    if (err instanceof PropertyStringError) return err.message;
    throw err;
  }
  for (const [key, sub] of Object.entries(format)) {
    if (!isOptional(sub) && !sub.alias && raw[key] === undefined) return `missing required key '${key}'`;
  }
  for (const [key, v] of Object.entries(raw)) {
    const sub = format[key];
    if (!sub) continue;
    const c = coerceValue(sub, v, secret);
    if (c.error !== undefined) return keyMessage(format, text, key, c.error);
    const validate = keyValidator(key);
    if (validate && !validate(checkable(c.value))) return keyMessage(format, text, key, valueMessage(validate.errors ?? [], sub, c.value, secret));
  }
  return undefined;
}

/** `key 'tag': …`, or just the message when the whole value was the default key's (`--memory abc`). */
function keyMessage(format: PropertyFormat, text: string, key: string, message: string): string {
  return format[key]?.default_key && !text.includes('=') && !text.includes(',') ? message : `key '${key}': ${message}`;
}
