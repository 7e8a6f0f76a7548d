/**
 * Property strings (`virtio,bridge=vmbr0`): the format object of a parameter, parsing into keys and values
 * (default key, aliases, key aliases) and serialising back. Parsing problems throw PropertyStringError; key
 * validation against sub-schemas happens in validate.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors';
import type { PropSchema } from '../schema/types';
import { formatCheck } from './formats';
import { show } from './text';
import { packageRoot } from '../util/package-root';

export type PropertyFormat = Record<string, PropSchema>;

/** A property string that cannot be parsed: a usage error (exit 2) when it came from the user. */
export class PropertyStringError extends UsageError {
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = 'PropertyStringError';
  }
}

let overlayCache: Record<string, PropertyFormat> | undefined;
let overlayDir: string | undefined;

/** Read overlays from this directory instead (tests, tools). */
export function setOverlayDir(dir: string): void {
  overlayDir = dir;
  overlayCache = undefined;
}

/**
 * The hand-written overlays: schema/overlays under PVECLI_SCHEMA_ROOT when it has them, else the package's own
 * schema/overlays (a scratch schema root, such as the bench's doubled schema, has none).
 */
function overlays(): Record<string, PropertyFormat> {
  if (overlayCache) return overlayCache;
  const candidates = [
    overlayDir,
    process.env.PVECLI_SCHEMA_ROOT && join(process.env.PVECLI_SCHEMA_ROOT, 'overlays'),
    join(packageRoot(), 'schema/overlays'),
  ];
  const file = candidates.map((d) => d && join(d, 'property-strings.json')).find((f) => f && existsSync(f));
  const raw = file ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  delete raw.$comment;
  return (overlayCache = raw as Record<string, PropertyFormat>);
}

/** Named formats that are property strings: those with an overlay, else those whose typetext shows `key=`. */
export function namedPropertyFormat(name: string, typetext?: string): PropertyFormat | undefined {
  // A known plain string format is never a property string: no need to read the overlays for it.
  if (formatCheck(name)) return undefined;
  const overlay = overlays()[name];
  if (overlay) return overlay;
  if (typetext && /(?:^|[\s,[])\[?[A-Za-z][\w-]*=\]?/.test(typetext)) return formatFromTypetext(typetext);
  return undefined;
}

/**
 * The format object of a parameter: an inline `format` object (PBS sometimes wraps it as an object schema),
 * or the overlay / typetext-derived format of a named property-string format. Undefined for plain strings.
 */
export function propertyFormatOf(prop: PropSchema): PropertyFormat | undefined {
  const f = prop.format;
  if (f && typeof f === 'object') {
    const props = (f as { properties?: unknown }).properties;
    if (props && typeof props === 'object' && !isSubSchema((f as Record<string, unknown>).properties)) {
      return props as PropertyFormat;
    }
    return f;
  }
  if (typeof f === 'string') return namedPropertyFormat(f, prop.typetext);
  return undefined;
}

function isSubSchema(v: unknown): boolean {
  return !!v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string';
}

/**
 * A rough format from a typetext such as `[[legacy=]<[acdn]{1,4}>] [,order=<device[;device...]>]`: key names,
 * which key is the default one, optional or not, booleans (`<1|0>`), integers (`<integer>`, `<N>`), enums.
 */
export function formatFromTypetext(typetext: string): PropertyFormat {
  const format: PropertyFormat = {};
  const part = /(\[?)\s*,?\s*(\[?)([A-Za-z][\w-]*)=(\]?)\s*(<[^>]*>|[^\s,\]]*)/g;
  for (const m of typetext.matchAll(part)) {
    const [, outer, inner, key, close, valueText] = m;
    const sub: PropSchema = { type: 'string' };
    if (close) {
      // `[[key=]<v>]`: optional default key; `[key=]<v>`: required default key.
      sub.default_key = 1;
      if (outer && inner) sub.optional = 1;
    } else if (outer || inner) sub.optional = 1;
    const text = valueText.replace(/^<|>$/g, '');
    if (text === '1|0') sub.type = 'boolean';
    else if (text === 'integer' || text === 'N' || text === '\\d+') sub.type = 'integer';
    else if (/^[\w./-]+(\|[\w./-]+)+$/.test(text) && !text.split('|').some((a) => /^\d+-\d+$/.test(a))) {
      sub.enum = text.split('|');
    }
    format[key] = sub;
  }
  return format;
}

/** The key that takes a value written without `key=`. */
export function defaultKeyOf(format: PropertyFormat): string | undefined {
  for (const [k, v] of Object.entries(format)) if (v.default_key) return k;
  return undefined;
}

/**
 * Parse a property string: `key=value` parts separated by commas, one part without a key for the default key,
 * `alias=value` keys resolved (with `keyAlias`, e.g. net's `virtio=MAC` sets model=virtio and macaddr=MAC).
 * Values stay strings; boolean/integer coercion and sub-schema checks happen in validation. `secret`: the text
 * is a credential, so messages name only the format's own keys, never a piece of the text.
 */
export function parsePropertyStringRaw(format: PropertyFormat, text: string, secret = false): Record<string, string> {
  const quoted = (piece: string): string => (secret ? '' : ` '${show(piece)}'`);
  const res: Record<string, string> = {};
  let defaultKeyUsed = false;
  for (const part of text.split(',')) {
    if (/^\s*$/.test(part)) continue;
    const eq = part.indexOf('=');
    if (eq > 0 && eq < part.length - 1) {
      let key = part.slice(0, eq);
      const value = part.slice(eq + 1);
      if (res[key] !== undefined) throw new PropertyStringError(`duplicate key '${show(key)}'`, key);
      const schema = format[key];
      if (schema?.alias) {
        if (schema.keyAlias) {
          if (res[schema.keyAlias] !== undefined) throw new PropertyStringError(`duplicate key '${schema.keyAlias}'`, schema.keyAlias);
          res[schema.keyAlias] = key;
        }
        key = schema.alias;
        if (res[key] !== undefined) throw new PropertyStringError(`duplicate key '${show(key)}'`, key);
      }
      if (!format[key]) throw new PropertyStringError(secret ? 'unknown key' : unknownKeyMessage(key, format), key);
      res[key] = value;
    } else if (eq === -1) {
      const defaultKey = defaultKeyOf(format);
      if (!defaultKey) throw new PropertyStringError(`value${quoted(part)} has no key, and this format has no default key`);
      if (defaultKeyUsed || res[defaultKey] !== undefined) throw new PropertyStringError(`duplicate key '${defaultKey}'`, defaultKey);
      defaultKeyUsed = true;
      res[defaultKey] = part;
    } else if (eq === 0) {
      throw new PropertyStringError(`missing key in${secret ? ' a part' : quoted(part)}`);
    } else {
      throw new PropertyStringError(`missing value for ${secret ? 'a key' : `key${quoted(part.slice(0, eq))}`}`, part.slice(0, eq));
    }
  }
  return res;
}

export function unknownKeyMessage(key: string, format: PropertyFormat): string {
  const { nearest } = require('../util/text') as typeof import('../util/text');
  const near = nearest(key, Object.keys(format).filter((k) => !format[k].alias || format[k].keyAlias), 1);
  return `unknown key '${show(key)}'${near.length ? ` (did you mean '${near[0]}'?)` : ''}`;
}

/** Parse and type the values (booleans 0/1, integers, numbers) for output decoding and callers wanting objects. */
export function parsePropertyString(format: PropertyFormat, text: string, paramName?: string): Record<string, unknown> {
  let raw: Record<string, string>;
  try {
    raw = parsePropertyStringRaw(format, text);
  } catch (err) {
    if (err instanceof PropertyStringError && paramName) throw new PropertyStringError(`--${paramName}: ${err.message}`, err.key);
    throw err;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = typedKeyValue(format[k], v);
  return out;
}

function typedKeyValue(schema: PropSchema | undefined, v: string): unknown {
  switch (schema?.type) {
    case 'boolean': {
      const b = parseBooleanWord(v);
      return b === undefined ? v : b;
    }
    case 'integer':
      return /^[+-]?\d+$/.test(v) ? Number(v) : v;
    case 'number':
      return v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
    default:
      return v;
  }
}

/** Proxmox's boolean words. */
export function parseBooleanWord(v: string): boolean | undefined {
  if (/^(?:1|true|yes|on)$/i.test(v)) return true;
  if (/^(?:0|false|no|off)$/i.test(v)) return false;
  return undefined;
}

/**
 * Serialise back: the default key's value first without `key=`, then the other keys sorted; booleans as 1/0.
 * A key alias (net: model=virtio + macaddr) is written the Proxmox way, `virtio=MAC`.
 */
export function formatPropertyString(format: PropertyFormat, value: Record<string, unknown>): string {
  const parts: string[] = [];
  const skip = new Set<string>();
  const defaultKey = defaultKeyOf(format);
  // Key alias: a key (e.g. 'virtio') whose alias is 'macaddr' and keyAlias 'model'.
  for (const [aliasKey, schema] of Object.entries(format)) {
    if (!schema.alias || !schema.keyAlias) continue;
    if (value[schema.keyAlias] === aliasKey && value[schema.alias] !== undefined) {
      parts.push(`${aliasKey}=${scalar(value[schema.alias])}`);
      skip.add(schema.keyAlias).add(schema.alias);
      break;
    }
  }
  if (defaultKey && !skip.has(defaultKey) && value[defaultKey] !== undefined && value[defaultKey] !== null) {
    parts.push(scalar(value[defaultKey]));
    skip.add(defaultKey);
  }
  for (const key of Object.keys(value).sort()) {
    if (skip.has(key) || value[key] === undefined || value[key] === null) continue;
    parts.push(`${key}=${scalar(value[key])}`);
  }
  return parts.join(',');
}

function scalar(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v)) return v.join(';');
  return String(v);
}
