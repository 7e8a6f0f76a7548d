/**
 * Proxmox parameter schemas → clean JSON schemas for ajv, over *typed* values (booleans as booleans, integers as
 * numbers). Only keywords ajv should enforce are copied; Perl/Rust patterns are translated; string formats map to
 * the named checks in formats.ts; property-string parameters become strings here and get a sub-schema of their own.
 */
import { isOptional, type Operation, type PropSchema } from '../schema/types';
import { formatCheck } from './formats';
import { translatePattern } from './perl-regex';
import { propertyFormatOf, type PropertyFormat } from './property-string';

export type JsonSchema = Record<string, unknown>;

/** Names the conversion met but could not enforce (reported by the build and listed by a test). */
export const unenforced = { formats: new Set<string>(), patterns: new Set<string>() };

const JSON_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'array', 'object', 'null']);

/** The JSON schemas of one operation: each parameter's value (by schema name, `net[n]` for families) and each key
 * of each property-string parameter. Required and unknown parameters and keys are checked in validate.ts. */
export interface OperationSchemas {
  params: Record<string, JsonSchema>;
  propertyStrings: Record<string, Record<string, JsonSchema>>;
}

export function operationSchemas(op: Operation): OperationSchemas {
  const params: Record<string, JsonSchema> = {};
  const propertyStrings: Record<string, Record<string, JsonSchema>> = {};
  for (const [name, prop] of Object.entries(op.parameters.properties ?? {})) {
    params[name] = propToJson(prop);
    const format = propertyFormatOf(prop) ?? (prop.items ? propertyFormatOf(prop.items) : undefined);
    if (format) propertyStrings[name] = keySchemas(format);
  }
  return { params, propertyStrings };
}

/** A property-string format → one schema per real key (aliases are resolved while parsing). */
export function keySchemas(format: PropertyFormat): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [key, sub] of Object.entries(format)) {
    if (sub && typeof sub === 'object' && !sub.alias) out[key] = propToJson(sub);
  }
  return out;
}

export function propToJson(prop: PropSchema): JsonSchema {
  const out: JsonSchema = {};
  if (Array.isArray(prop.oneOf)) {
    out.anyOf = (prop.oneOf as PropSchema[]).map((alt) => propToJson(alt));
    return out;
  }
  const type = typeof prop.type === 'string' && JSON_TYPES.has(prop.type) ? prop.type : undefined;
  if (type) out.type = type;
  const numeric = type === 'integer' || type === 'number';
  // The data has `enum: [null]` where the list is filled at run time: no constraint then.
  const enumValues = Array.isArray(prop.enum) ? prop.enum.filter((v) => v !== null && v !== undefined) : [];
  if (enumValues.length) {
    out.enum = enumValues.map((v) =>
      numeric && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))
        ? Number(v)
        : type === 'string' && typeof v === 'number'
          ? String(v)
          : v,
    );
  }
  if (numeric) {
    if (typeof prop.minimum === 'number') out.minimum = prop.minimum;
    if (typeof prop.maximum === 'number') out.maximum = prop.maximum;
  }
  if (type === 'string' || type === undefined) {
    if (typeof prop.minLength === 'number') out.minLength = prop.minLength;
    if (typeof prop.maxLength === 'number') out.maxLength = prop.maxLength;
    // An empty pattern is what the PMG data has where Perl's qr// object was lost: no constraint.
    if (typeof prop.pattern === 'string' && prop.pattern !== '') {
      try {
        const source = translatePattern(prop.pattern);
        new RegExp(source);
        out.pattern = source;
      } catch {
        unenforced.patterns.add(prop.pattern);
      }
    }
    if (typeof prop.format === 'string' && !propertyFormatOf(prop)) {
      if (formatCheck(prop.format)) out.format = prop.format;
      else unenforced.formats.add(prop.format);
    }
  }
  if (type === 'array' && prop.items && typeof prop.items === 'object') out.items = propToJson(prop.items);
  if (type === 'object' && prop.properties && typeof prop.properties === 'object') {
    // Nested objects (PBS/PDM JSON parameters): their keys, required ones, and no others only when the data says so.
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [key, sub] of Object.entries(prop.properties)) {
      if (!sub || typeof sub !== 'object') continue;
      properties[key] = propToJson(sub);
      if (!isOptional(sub)) required.push(key);
    }
    out.properties = properties;
    if (required.length) out.required = required;
    if (prop.additionalProperties === false || prop.additionalProperties === 0) out.additionalProperties = false;
  }
  return out;
}

/**
 * An operation's `returns` as the JSON schema of a reply's `data`, in the shape replies really have: booleans as
 * true/false or as 0/1 (Perl's JSON writer sends numbers), keys beyond the listed ones allowed unless the data
 * forbids them. Undefined when the operation declares nothing to check.
 */
export function returnsSchema(op: Operation): JsonSchema | undefined {
  if (!op.returns) return undefined;
  // What the reply's conversion cannot enforce does not belong in the parameters' list of unenforced names.
  const saved = { formats: new Set(unenforced.formats), patterns: new Set(unenforced.patterns) };
  const schema = replyShape(propToJson(op.returns));
  unenforced.formats = saved.formats;
  unenforced.patterns = saved.patterns;
  if (!Object.keys(schema).length) return undefined;
  // An optional return that the handler leaves undefined goes out as `"data": null` (pve-http-server).
  return op.returns.optional ? { anyOf: [schema, { type: 'null' }] } : schema;
}

const REPLY_BOOLEAN: JsonSchema = { anyOf: [{ type: 'boolean' }, { enum: [0, 1] }] };

function replyShape(node: JsonSchema): JsonSchema {
  if (node.type === 'boolean') {
    const { type: _type, ...rest } = node;
    return { ...rest, ...REPLY_BOOLEAN };
  }
  const out: JsonSchema = { ...node };
  if (out.items) out.items = replyShape(out.items as JsonSchema);
  if (Array.isArray(out.anyOf)) out.anyOf = (out.anyOf as JsonSchema[]).map(replyShape);
  if (out.properties) {
    out.properties = Object.fromEntries(Object.entries(out.properties as Record<string, JsonSchema>).map(([k, v]) => [k, replyShape(v)]));
  }
  return out;
}
