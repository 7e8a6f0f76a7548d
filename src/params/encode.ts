/** Typed parameters → wire form: strings, booleans as 1/0, arrays as repeated keys, property-string objects re-serialised. */
import type { Operation } from '../schema/types';
import type { ParamValue } from './argv';
import { formatPropertyString, propertyFormatOf } from './property-string';
import { lookupParam } from './validate';

export function encodeParams(op: Operation, params: Record<string, ParamValue>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    const prop = lookupParam(op, name).prop;
    if (Array.isArray(value)) {
      const items = prop?.items ?? {};
      const list = value.map((v) => encodeScalar(v, items && propertyFormatOf(items)));
      // A `-list` string format travels as one comma list; array parameters as repeated keys.
      out[name] = prop?.type === 'array' ? list : list.join(',');
    } else {
      out[name] = encodeScalar(value, prop && propertyFormatOf(prop));
    }
  }
  return out;
}

function encodeScalar(value: unknown, format: ReturnType<typeof propertyFormatOf>): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value && typeof value === 'object') {
    return format ? formatPropertyString(format, value as Record<string, unknown>) : JSON.stringify(value);
  }
  return String(value);
}
