/**
 * Values from argv, path segments, wire forms or JSON/YAML input → the typed values the validators check
 * (integers and numbers as numbers, booleans as booleans). A value that cannot be typed gives a message.
 */
import type { PropSchema } from '../schema/types';
import { parseBooleanWord, propertyFormatOf, formatPropertyString } from './property-string';
import { claim, VALUE } from './text';

export { printable, show } from './text';

export type Coerced = { value: unknown; error?: undefined } | { value?: undefined; error: string };

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The effective type: `type`, or the first alternative's type of a `oneOf`. */
export function typeOf(prop: PropSchema): string | undefined {
  if (typeof prop.type === 'string') return prop.type;
  const alt = Array.isArray(prop.oneOf) ? (prop.oneOf as PropSchema[])[0] : undefined;
  return typeof alt?.type === 'string' ? alt.type : undefined;
}

export function itemsOf(prop: PropSchema): PropSchema | undefined {
  if (prop.items) return prop.items;
  const alt = Array.isArray(prop.oneOf) ? (prop.oneOf as PropSchema[])[0] : undefined;
  return alt?.items;
}

/**
 * Type one value; `secret` (a credential's value) keeps it out of the message. Integers beyond ±2^53 stay exact
 * as bigints: a number would round them, and pvecli sends what was typed or nothing.
 */
export function coerceValue(prop: PropSchema, raw: unknown, secret = false): Coerced {
  const not = (what: string): Coerced => ({ error: claim(raw, `is not ${what}`, secret, VALUE) });
  switch (typeOf(prop)) {
    case 'integer':
      if (typeof raw === 'bigint') return { value: raw };
      if (typeof raw === 'number') return Number.isInteger(raw) ? exactNumber(raw) : not('an integer');
      if (typeof raw === 'string' && INTEGER.test(raw.trim())) return { value: exactInteger(raw.trim()) };
      if (typeof raw === 'boolean') return { value: raw ? 1 : 0 };
      return not('an integer');
    case 'number': {
      if (typeof raw === 'bigint') return { value: raw };
      if (typeof raw === 'number' && Number.isFinite(raw)) return exactNumber(raw);
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (INTEGER.test(text)) return { value: exactInteger(text) };
      if (NUMBER.test(text) && Number.isFinite(Number(text))) return { value: Number(text) };
      return not('a number');
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 1 || raw === 0) return { value: raw === 1 };
      const b = typeof raw === 'string' ? parseBooleanWord(raw.trim()) : undefined;
      return b === undefined ? not('a boolean (1|0|true|false|yes|no)') : { value: b };
    }
    case 'object': {
      // A JSON object typed on the command line.
      if (typeof raw !== 'string') return { value: raw };
      try {
        const parsed: unknown = JSON.parse(raw);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { value: parsed };
      } catch {
        // fall through
      }
      return not('a JSON object');
    }
    case 'array': {
      const items = itemsOf(prop) ?? {};
      const list = Array.isArray(raw) ? raw : [raw];
      const out: unknown[] = [];
      for (const item of list) {
        const c = coerceValue(items, item, secret);
        if (c.error !== undefined) return c;
        out.push(c.value);
      }
      return { value: out };
    }
    case 'string':
    case undefined: {
      if (typeof raw === 'string') return { value: raw };
      if (typeof raw === 'number' || typeof raw === 'boolean') return { value: typeof raw === 'boolean' ? (raw ? '1' : '0') : String(raw) };
      if (Array.isArray(raw) && raw.every((r) => typeof r === 'string' || typeof r === 'number')) {
        // A `-list` format given as an array (repeated flags, JSON input): Proxmox's comma list.
        if (typeof prop.format === 'string' && prop.format.endsWith('-list')) return { value: raw.join(',') };
        if (raw.length === 1) return { value: String(raw[0]) };
        return { error: 'given more than once' };
      }
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
        const format = propertyFormatOf(prop);
        if (format) return { value: formatPropertyString(format, raw as Record<string, unknown>) };
      }
      if (typeOf(prop) === undefined) return { value: raw };
      return not('a string');
    }
    default:
      return { value: raw };
  }
}

/** A digit string as a number when that is exact, else as a bigint. */
function exactInteger(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/**
 * A JSON or YAML number (`--input`): an integer beyond ±2^53 was already rounded when the file was read, so what
 * the user wrote is unknown; refused rather than sent changed.
 */
function exactNumber(n: number): Coerced {
  if (!Number.isInteger(n) || Number.isSafeInteger(n)) return { value: n };
  return { error: `an integer beyond ±${Number.MAX_SAFE_INTEGER} cannot be read exactly from a JSON or YAML number; quote it as a string` };
}

/**
 * The value the ajv validators check: an exact bigint as its nearest number. Rounding keeps the order against any
 * limit within ±2^53, and the schemas' limits are JSON numbers within it; the bigint itself is what gets sent.
 */
export function checkable(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  return Array.isArray(value) && value.some((v) => typeof v === 'bigint') ? value.map(checkable) : value;
}
