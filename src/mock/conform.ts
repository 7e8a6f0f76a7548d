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
      if (typeof value === 'number' && (schema.type === 'number' || Number.isInteger(value))) return value;
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
      const shape = shapeOf(schema);
      const out: Record<string, unknown> = {};
      const input = value as Record<string, unknown>;
      for (const k in input) {
        const v = input[k];
        let prop: PropSchema | undefined = shape.props[k];
        if (!prop && shape.families.length) prop = shape.families.find(([re]) => re.test(k))?.[1];
        const c = prop ? conform(prop, v, ctx, k) : v;
        if (c !== undefined) out[k] = c;
      }
      for (const [k, prop] of shape.required) if (out[k] === undefined) out[k] = generateValue(prop, ctx, k);
      return out;
    }
    default:
      return value;
  }
}

interface Shape {
  props: Record<string, PropSchema>;
  families: Array<[RegExp, PropSchema]>;
  required: Array<[string, PropSchema]>;
}

/** Per-schema lookups, computed once: conform runs on every handled request. */
const shapes = new WeakMap<PropSchema, Shape>();

function shapeOf(schema: PropSchema): Shape {
  let shape = shapes.get(schema);
  if (!shape) {
    const props = schema.properties ?? {};
    const entries = Object.entries(props);
    shape = {
      props: Object.assign(Object.create(null) as Record<string, PropSchema>, props),
      families: entries.filter(([k]) => k.endsWith('[n]')).map(([k, p]) => [new RegExp(`^${k.slice(0, -3)}\\d+$`), p]),
      required: entries.filter(([k, p]) => !p.optional && !k.endsWith('[n]')),
    };
    shapes.set(schema, shape);
  }
  return shape;
}
