/**
 * Request parameters checked as Proxmox VE checks them (pve-common PVE/JSONSchema.pm `validate`, `check_object`,
 * `check_prop`, `check_type`, `check_format`, `parse_property_string`; pve-common PVE/RESTHandler.pm
 * `normalize_legacy_param_formats`), with its messages per parameter. The CLI's pre-send check (src/params) keeps
 * its own friendlier wording; what goes on the wire from the mock is PVE's.
 */
import { formatCheck, splitList } from '../params/formats';
import { patternRegExp } from '../params/perl-regex';
import { hidesValue } from '../params/validate';
import { propertyFormatOf, type PropertyFormat } from '../params/property-string';
import { isOptional, type Operation, type PropSchema } from '../schema/types';
import { pveFormatMessage } from './pve-messages';

export type ParamErrors = Record<string, string>;

const NOT_DEFINED = 'property is not defined in schema and the schema does not allow additional properties';
const MISSING = 'property is missing and it is not optional';
/** Stands for a credential's value in a message: PVE repeats what was sent, the mock does not repeat secrets. */
const HIDDEN = '(hidden)';

/** pve-common JSONSchema.pm is_integer / is_number. */
const isInteger = (v: string): boolean => /^[+-]?\d+$/.test(v);
const isNumber = (v: string): boolean => /^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/.test(v);

/** Errors keyed by parameter name: without a prototype, so `constructor` or `__proto__` are keys like any other. */
const noErrors = (): ParamErrors => Object.create(null) as ParamErrors;

function addError(errors: ParamErrors, path: string, message: string): void {
  const at = path || '_root';
  // PVE joins with a single-quoted '\n' in Perl: a backslash and an n.
  errors[at] = errors[at] === undefined ? message : `${errors[at]}\\n${message}`;
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The schema of a top-level parameter: an exact property, or a member of a numbered family (`net0` of `net[n]`). */
export function paramSchema(op: Operation, name: string): PropSchema | undefined {
  const props = op.parameters.properties ?? {};
  if (own(props, name) && !props[name]['x-family']) return props[name];
  const m = /^(.*?)(\d+)$/.exec(name);
  const family = m ? props[`${m[1]}[n]`] : undefined;
  const range = family?.['x-family'];
  return family && range && String(Number(m![2])) === m![2] && Number(m![2]) <= range.max ? family : undefined;
}

/** What a Perl value of this JavaScript value is: '' for a plain scalar, else its ref type. */
function refType(value: unknown): '' | 'ARRAY' | 'HASH' {
  if (Array.isArray(value)) return 'ARRAY';
  return value !== null && typeof value === 'object' ? 'HASH' : '';
}

const text = (value: unknown): string => (typeof value === 'string' ? value : String(value));

/** check_type for one declared type; false (with the error added) when the value does not have it. */
function checkType(path: string, type: string | undefined, value: unknown, errors: ParamErrors, secret: boolean): boolean {
  if (!type || type === 'any') return true;
  const ref = refType(value);
  if (type === 'array' || type === 'object') {
    if (ref !== (type === 'array' ? 'ARRAY' : 'HASH')) return (addError(errors, path, `type check ('${type}') failed`), false);
    return true;
  }
  if (ref) return (addError(errors, path, `type check ('${type}') failed - got ${ref}`), false);
  const v = text(value);
  const ok = type === 'boolean' ? v === '1' || v === '0' : type === 'integer' ? isInteger(v) : type === 'number' ? isNumber(v) : true;
  if (!ok) addError(errors, path, secret ? `type check ('${type}') failed` : `type check ('${type}') failed - got '${v}'`);
  return ok;
}

/**
 * check_format: the message PVE puts after `invalid format - ` (its die message, newline included), or undefined
 * when the value has the format. A `-list` format checks each item, `-opt` allows the empty string.
 */
function formatProblem(schema: PropSchema, value: string, path: string, secret: boolean): string | undefined {
  const inline = propertyFormatOf(schema);
  if (inline) return propertyStringProblem(inline, value, path, secret);
  const name = typeof schema.format === 'string' ? schema.format : undefined;
  if (!name || name === 'regex') return undefined;
  const m = /^(.*?)(?:-(list|opt))?$/.exec(name)!;
  const base = m[1];
  const check = formatCheck(base);
  if (!check) return undefined;
  const items = m[2] === 'list' ? splitList(value) : m[2] === 'opt' && value === '' ? [] : [value];
  const bad = items.find((item) => !check(item));
  return bad === undefined ? undefined : `${pveFormatMessage(base, secret ? HIDDEN : bad)}\n`;
}

/** parse_property_string: the die message, or `format error` with the per-key errors as PVE::Exception prints them. */
function propertyStringProblem(format: PropertyFormat, data: string, path: string, secret: boolean): string | undefined {
  const res: Record<string, string> = Object.create(null) as Record<string, string>;
  let defaultKey: string | undefined;
  for (const part of data.split(',')) {
    if (/^\s*$/.test(part)) continue;
    const kv = /^([^=]+)=(.+)$/s.exec(part);
    if (kv) {
      let [, k] = kv;
      let v = kv[2];
      if (res[k] !== undefined) return `duplicate key in comma-separated list property: ${k}\n`;
      let schema: PropSchema | undefined = own(format, k) ? format[k] : undefined;
      if (schema?.alias) {
        if (schema.keyAlias) {
          if (res[schema.keyAlias] !== undefined) return `key alias '${schema.keyAlias}' is already defined\n`;
          res[schema.keyAlias] = k;
        }
        k = schema.alias;
        schema = own(format, k) ? format[k] : undefined;
        if (res[k] !== undefined) return `key '${k}' is already defined (via alias)\n`;
      }
      if (!schema) return `invalid key in comma-separated list property: ${k}\n`;
      if (schema.type === 'boolean') v = perlBoolean(v) ?? v;
      res[k] = v;
    } else if (!part.includes('=')) {
      if (defaultKey) return `duplicate key in comma-separated list property: ${defaultKey}\n`;
      defaultKey = Object.keys(format).find((key) => format[key].default_key);
      if (!defaultKey) return 'value without key, but schema does not define a default key\n';
      if (res[defaultKey]) return `duplicate key in comma-separated list property: ${defaultKey}\n`;
      res[defaultKey] = format[defaultKey].type === 'boolean' ? (perlBoolean(part) ?? part) : part;
    } else {
      return 'missing key in comma-separated list property\n';
    }
  }
  const errors: ParamErrors = noErrors();
  checkObject(path, format, res, false, errors, secret);
  const keys = Object.keys(errors);
  return keys.length ? `format error\n${keys.map((k) => `${k}: ${errors[k]}\n`).join('')}` : undefined;
}

/** pve-common parse_boolean: the words a property string's boolean key accepts, as 1 or 0. */
function perlBoolean(v: string): string | undefined {
  if (/^(1|on|yes|true)$/i.test(v)) return '1';
  if (/^(0|off|no|false)$/i.test(v)) return '0';
  return undefined;
}

/** check_prop for a value that is present. */
function checkProp(value: unknown, schema: PropSchema, path: string, errors: ParamErrors, secret: boolean): void {
  if (schema.alias) return;
  if (Array.isArray(schema.oneOf) && !schema.type) {
    const collected: ParamErrors = noErrors();
    for (const [i, alt] of (schema.oneOf as PropSchema[]).entries()) {
      const inner: ParamErrors = noErrors();
      checkProp(value, alt, `${path}.oneOf[${i}]`, inner, secret);
      if (Object.keys(inner).length === 0) return;
      for (const [k, m] of Object.entries(inner)) addError(collected, k, m);
    }
    for (const [k, m] of Object.entries(collected)) addError(errors, k, m);
    return;
  }
  if (!checkType(path, schema.type, value, errors, secret)) return;
  const ref = refType(value);
  if (ref === 'ARRAY') {
    if (schema.items) (value as unknown[]).forEach((el, i) => checkPresent(el, schema.items!, `${path}[${i}]`, errors, secret));
    return;
  }
  if (ref === 'HASH') {
    if (schema.properties || schema.additionalProperties) {
      checkObject(path, schema.properties ?? {}, value as Record<string, unknown>, schema.additionalProperties, errors, secret);
    }
    return;
  }
  checkScalar(text(value), schema, path, errors, secret);
}

/** An array element or object member: undefined is a missing value there too. */
function checkPresent(value: unknown, schema: PropSchema, path: string, errors: ParamErrors, secret: boolean): void {
  // An alias is always optional and its value was moved to its target.
  if (schema.alias) return;
  if (value === undefined || value === null) {
    if (!isOptional(schema) && schema.type !== 'null') addError(errors, path, MISSING);
    return;
  }
  checkProp(value, schema, path, errors, secret);
}

/** The scalar checks of check_prop, in its order: format, pattern, length, range (numbers only), enumeration. */
function checkScalar(v: string, schema: PropSchema, path: string, errors: ParamErrors, secret: boolean): void {
  if (schema.format) {
    const problem = formatProblem(schema, v, path, secret);
    if (problem !== undefined) return addError(errors, path, `invalid format - ${problem}`);
  }
  if (typeof schema.pattern === 'string' && patternRegExp(schema.pattern)?.test(v) === false) {
    return addError(errors, path, 'value does not match the regex pattern');
  }
  const length = [...v].length;
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) return addError(errors, path, `value may only be ${schema.maxLength} characters long`);
  if (typeof schema.minLength === 'number' && length < schema.minLength) return addError(errors, path, `value must be at least ${schema.minLength} characters long`);
  if (isNumber(v)) {
    if (typeof schema.maximum === 'number' && Number(v) > schema.maximum) return addError(errors, path, `value must have a maximum value of ${schema.maximum}`);
    if (typeof schema.minimum === 'number' && Number(v) < schema.minimum) return addError(errors, path, `value must have a minimum value of ${schema.minimum}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => String(e) === v)) {
    addError(errors, path, `value ${secret ? HIDDEN : `'${v}'`} does not have a value in the enumeration '${schema.enum.map(String).join(', ')}'`);
  }
}

/** check_object: every declared property (missing ones), then every given key (unknown ones, `requires`). */
function checkObject(
  path: string,
  props: Record<string, PropSchema>,
  value: Record<string, unknown>,
  additional: PropSchema['additionalProperties'],
  errors: ParamErrors,
  secret: boolean | ((k: string, schema: PropSchema) => boolean),
  lookup: (k: string) => PropSchema | undefined = (k) => (own(props, k) ? props[k] : undefined),
): void {
  const hides = (k: string, schema: PropSchema) => (typeof secret === 'function' ? secret(k, schema) : secret);
  const at = (k: string) => (path ? `${path}.${k}` : k);
  for (const [k, schema] of Object.entries(props)) {
    if (schema['x-family']) continue;
    checkPresent(own(value, k) ? value[k] : undefined, schema, at(k), errors, hides(k, schema));
  }
  for (const k of Object.keys(value)) {
    const schema = lookup(k);
    if (schema) {
      if (schema['x-family'] && value[k] !== undefined && value[k] !== null) checkProp(value[k], schema, at(k), errors, hides(k, schema));
      if (typeof schema.requires === 'string' && (value[schema.requires] === undefined || value[schema.requires] === null)) {
        addError(errors, at(schema.requires), `missing property required by '${at(k)}'`);
      }
      continue;
    }
    // PVE refuses unknown keys only where the schema says so (additionalProperties 0), not where it is left out.
    if (additional !== undefined && !additional) addError(errors, at(k), NOT_DEFINED);
    else if (typeof additional === 'object') checkPresent(value[k], additional, at(k), errors, hides(k, additional));
  }
}

/**
 * RESTHandler's legacy normalisation of form parameters: a repeated key of a `-list` string joins with commas, a
 * single value of an array parameter becomes a one-element array. Returns a new object (own keys only).
 */
export function normalizeParams(op: Operation, wire: Record<string, unknown>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(wire)) {
    let v = wire[k];
    const schema = paramSchema(op, k);
    if (schema && v !== undefined && v !== null && v !== '' && v !== 0) {
      if (Array.isArray(v) && schema.type === 'string' && typeof schema.format === 'string' && schema.format.endsWith('-list')) v = v.join(',');
      else if (!Array.isArray(v) && schema.type === 'array') v = [v];
    }
    out[k] = v;
  }
  return out;
}

/** The per-parameter errors PVE answers 400 "Parameter verification failed." with; {} when the request is valid. */
export function pveParamErrors(op: Operation, wire: Record<string, unknown>): ParamErrors {
  const errors: ParamErrors = noErrors();
  const params = normalizeParams(op, wire);
  const additional = op.parameters.additionalProperties as PropSchema['additionalProperties'];
  const secret = (name: string, schema: PropSchema) => hidesValue(op, name, schema);
  checkObject('', op.parameters.properties ?? {}, params, additional, errors, secret, (k) => paramSchema(op, k));
  return errors;
}

/** Parameters of a guest's config update that are not configuration options (option_exists is false for them). */
const NOT_OPTIONS = new Set(['node', 'vmid', 'delete', 'revert', 'digest', 'skiplock', 'force', 'background_delay']);

const CONFIG_UPDATES: Record<string, 'qemu' | 'lxc'> = {
  'PUT /nodes/{node}/qemu/{vmid}/config': 'qemu',
  'POST /nodes/{node}/qemu/{vmid}/config': 'qemu',
  'PUT /nodes/{node}/lxc/{vmid}/config': 'lxc',
};

/**
 * The `delete` and `revert` lists of a guest config update, checked as qemu-server PVE/API2/Qemu.pm
 * update_vm_api and pve-container PVE/API2/LXC/Config.pm update_vm do (their wording differs slightly): each name
 * must be a configuration option and may not also be set or both deleted and reverted. Undefined when fine.
 */
export function configListErrors(key: string, op: Operation, params: Record<string, unknown>): ParamErrors | undefined {
  const kind = CONFIG_UPDATES[key];
  if (!kind) return undefined;
  const exists = (opt: string) => !NOT_OPTIONS.has(opt) && paramSchema(op, opt) !== undefined;
  const given = (opt: string) => params[opt] !== undefined && params[opt] !== null;
  const listOf = (name: string) => splitList(params[name] === undefined ? '' : String(params[name]));
  const revert = listOf('revert');
  for (const opt of revert) {
    if (!exists(opt)) return { revert: `unknown option '${opt}'` };
    if (given(opt)) {
      return kind === 'qemu'
        ? { delete: `you can't use '-${opt}' and -revert ${opt}' at the same time` }
        : { revert: `you can't use '-${opt}' and '-revert ${opt}' at the same time` };
    }
  }
  for (let opt of listOf('delete')) {
    if (kind === 'qemu' && opt === 'cdrom') opt = 'ide2';
    const conflict = { delete: `you can't use '-${opt}' and -delete ${opt}' at the same time` };
    if (kind === 'qemu' && given(opt)) return conflict;
    if (kind === 'qemu' && revert.includes(opt)) return { revert: `you can't use '-delete ${opt}' and -revert ${opt}' at the same time` };
    if (!exists(opt)) return { delete: `unknown option '${opt}'` };
    if (given(opt)) return conflict;
    if (revert.includes(opt)) return { delete: `you can't use '-delete ${opt}' and '-revert ${opt}' at the same time` };
  }
  return undefined;
}
