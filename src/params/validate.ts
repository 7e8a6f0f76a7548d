/**
 * Validation of one operation's parameters, shared by the CLI (typed values from parseArgs plus path values) and
 * the mock server (wire strings or a JSON body): type each value, parse property strings, run the ajv validators.
 */
import type { Schema } from '../schema/load';
import type { Operation, PropSchema } from '../schema/types';
import { coerceValue, itemsOf, show } from './coerce';
import { ajvMessage } from './messages';
import {
  parsePropertyStringRaw,
  PropertyStringError,
  propertyFormatOf,
  type PropertyFormat,
} from './property-string';
import { validatorsFor, type AjvError, type ValidateFn } from './validators';

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

/** Validate and return errors ([] when valid). Values may be typed or strings; path parameters included. */
export function validateValues(schema: Schema | undefined, op: Operation, values: Record<string, unknown>): ParamError[] {
  const errors: ParamError[] = [];
  const failed = new Set<string>();
  const typed: Record<string, unknown> = {};
  const validators = validatorsFor(schema, op);
  const add = (param: string, message: string) => {
    if (failed.has(param)) return;
    failed.add(param);
    errors.push({ param, message });
  };
  for (const [name, raw] of Object.entries(values)) {
    if (raw === undefined) continue;
    const { prop, error } = lookupParam(op, name);
    if (!prop) {
      if (op.parameters.additionalProperties) typed[name] = raw;
      else add(name, error ?? 'unknown parameter');
      continue;
    }
    const c = coerceValue(prop, raw);
    if (c.error !== undefined) {
      add(name, c.error);
      continue;
    }
    typed[name] = c.value;
    const familyKey = prop['x-family'] ? `${prop['x-family'].prefix}[n]` : name;
    const psValidator = validators.propertyStrings[familyKey];
    if (psValidator) {
      const format = propertyFormatOf(prop) ?? propertyFormatOf(itemsOf(prop) ?? {});
      const list = Array.isArray(c.value) ? c.value : [c.value];
      for (const item of list) {
        if (typeof item !== 'string') continue;
        const message = checkPropertyString(format!, item, psValidator);
        if (message) {
          add(name, message);
          break;
        }
      }
    }
  }
  const validate = validators.params;
  if (!validate(typed)) {
    for (const err of validate.errors ?? []) {
      const { param, prop, value } = locate(op, err, typed);
      if (err.keyword === 'required') {
        const missing = String(err.params.missingProperty);
        if (!failed.has(missing)) add(missing, 'missing required parameter');
        continue;
      }
      if (err.keyword === 'additionalProperties') {
        add(String(err.params.additionalProperty), 'unknown parameter');
        continue;
      }
      // For anyOf, ajv reports each alternative's failure first; the anyOf summary comes last and is enough.
      if (param && !failed.has(param)) {
        if (hasLaterAnyOf(validate.errors ?? [], err)) continue;
        add(param, ajvMessage(err, prop, value));
      }
    }
  }
  return errors;
}

function hasLaterAnyOf(all: AjvError[], err: AjvError): boolean {
  return all.some((e) => e !== err && e.keyword === 'anyOf' && err.instancePath.startsWith(e.instancePath) && err.schemaPath.startsWith(e.schemaPath.replace(/\/anyOf$/, '/anyOf/')));
}

/** Which parameter (and sub-schema / value) an ajv error is about. */
function locate(op: Operation, err: AjvError, data: Record<string, unknown>): { param?: string; prop?: PropSchema; value?: unknown } {
  const segs = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (segs.length === 0) return {};
  const param = segs[0];
  let prop = lookupParam(op, param).prop;
  let value: unknown = data[param];
  for (const seg of segs.slice(1)) {
    value = (value as Record<string, unknown> | undefined)?.[seg];
    prop = prop ? itemsOf(prop) ?? prop : undefined;
  }
  return { param, prop, value };
}

/** Parse one property string, type its values, check it with its sub-validator; a message or undefined. */
export function checkPropertyString(format: PropertyFormat, text: string, validate: ValidateFn): string | undefined {
  let raw: Record<string, string>;
  try {
    raw = parsePropertyStringRaw(format, text);
  } catch (err) {
    if (err instanceof PropertyStringError) return err.message;
    throw err;
  }
  const typed: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    const sub = format[key];
    // Key aliases store the alias key's name (e.g. model=virtio), which is a plain string.
    const c = sub ? coerceValue(sub, v) : { value: v };
    if (c.error !== undefined) return keyMessage(format, text, key, c.error);
    typed[key] = c.value;
  }
  if (validate(typed)) return undefined;
  const err = validate.errors![0];
  if (err.keyword === 'required') return `missing required key '${String(err.params.missingProperty)}'`;
  if (err.keyword === 'additionalProperties') return `unknown key '${String(err.params.additionalProperty)}'`;
  const key = err.instancePath.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~');
  if (!key) return `'${show(text)}' is invalid`;
  return keyMessage(format, text, key, ajvMessage(err, format[key], typed[key]));
}

/** `key 'tag': …`, or just the message when the whole value was the default key's (`--memory abc`). */
function keyMessage(format: PropertyFormat, text: string, key: string, message: string): string {
  return format[key]?.default_key && !text.includes('=') && !text.includes(',') ? message : `key '${key}': ${message}`;
}
