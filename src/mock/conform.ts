/**
 * Fit hand-written handler data to the operation's return schema, as Proxmox's own serialiser does: numbers
 * for integer/number/boolean fields (config values are stored as strings), required fields filled in from the
 * generator, and `[n]` families matched by prefix.
 */
import type { PropSchema } from '../schema/types';
import { type GenerateContext, generateValue } from './generate';

export function conform(schema: PropSchema | undefined, value: unknown, ctx: GenerateContext, name = ''): unknown {
  if (!schema) return value;
  if (value === undefined || value === null) return schema.optional ? undefined : generateValue(schema, ctx, name);
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      if (Number.isNaN(n)) return generateValue(schema, ctx, name);
      return schema.type === 'integer' ? Math.trunc(n) : n;
    }
    case 'boolean':
      return value === true || value === 1 || value === '1' ? 1 : 0;
    case 'string':
      return typeof value === 'string' ? value : String(value);
    case 'array':
      return Array.isArray(value) ? value.map((v) => conform(schema.items, v, ctx, name)) : value;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const props = schema.properties ?? {};
      const families = Object.entries(props).filter(([k]) => k.endsWith('[n]'));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        let prop = props[k];
        if (!prop) {
          const fam = families.find(([f]) => new RegExp(`^${f.slice(0, -3)}\\d+$`).test(k));
          prop = fam?.[1] as PropSchema;
        }
        const c = prop ? conform(prop, v, ctx, k) : v;
        if (c !== undefined) out[k] = c;
      }
      for (const [k, prop] of Object.entries(props)) {
        if (!prop.optional && !k.endsWith('[n]') && out[k] === undefined) out[k] = generateValue(prop, ctx, k);
      }
      return out;
    }
    default:
      return value;
  }
}
