import type { Schema } from './load';
import { METHODS, isOptional, type Operation, type PropSchema } from './types';

/** One difference between two schemas: an operation, or one parameter of an operation both have. */
export interface SchemaChange {
  change: 'added' | 'removed' | 'changed';
  /** `POST /nodes/{node}/qemu` */
  operation: string;
  /** Set for a parameter's change. */
  parameter?: string;
  /** What changed, for a changed parameter: `type string → integer; now required`. */
  detail?: string;
}

/** Operations (`METHOD /template`) of a schema, optionally under a path prefix, each with its operation. */
export function operationsOf(schema: Schema, prefix = ''): Map<string, () => Operation> {
  const out = new Map<string, () => Operation>();
  const under = prefix.replace(/\/+$/, '');
  for (const [template, methods] of schema.index.entries) {
    if (under && template !== under && !template.startsWith(`${under}/`)) continue;
    for (const method of methods ? methods.split(',') : []) {
      out.set(`${method} ${template}`, () => schema.operation(template, method as Operation['method'])!);
    }
  }
  return out;
}

/** What an admin reads before an upgrade: operations and parameters added, removed or changed from `a` to `b`. */
export function diffSchemas(a: Schema, b: Schema, prefix = ''): SchemaChange[] {
  const before = operationsOf(a, prefix);
  const after = operationsOf(b, prefix);
  const changes: SchemaChange[] = [];
  for (const key of before.keys()) if (!after.has(key)) changes.push({ change: 'removed', operation: key });
  for (const [key, op] of after) {
    const old = before.get(key);
    if (!old) changes.push({ change: 'added', operation: key });
    else changes.push(...parameterChanges(key, old().parameters.properties ?? {}, op().parameters.properties ?? {}));
  }
  const order = (c: SchemaChange) => `${c.operation.split(' ')[1]} ${METHODS.indexOf(c.operation.split(' ')[0] as Operation['method'])} ${c.parameter ?? ''}`;
  return changes.sort((x, y) => order(x).localeCompare(order(y)));
}

function parameterChanges(operation: string, before: Record<string, PropSchema>, after: Record<string, PropSchema>): SchemaChange[] {
  const out: SchemaChange[] = [];
  for (const name of Object.keys(before)) if (!(name in after)) out.push({ change: 'removed', operation, parameter: name });
  for (const [name, prop] of Object.entries(after)) {
    if (!(name in before)) {
      out.push({ change: 'added', operation, parameter: name, detail: isOptional(prop) ? undefined : 'required' });
      continue;
    }
    const detail = propertyChange(before[name], prop);
    if (detail) out.push({ change: 'changed', operation, parameter: name, detail });
  }
  return out;
}

const COMPARED = ['type', 'format', 'pattern', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'default'] as const;

/** The changes of one parameter that matter to a caller, in words; undefined when none. */
export function propertyChange(a: PropSchema, b: PropSchema): string | undefined {
  const parts: string[] = [];
  if (isOptional(a) !== isOptional(b)) parts.push(isOptional(b) ? 'now optional' : 'now required');
  for (const key of COMPARED) {
    if (key === 'format' && isKeyed(a.format) && isKeyed(b.format)) {
      const keys = keyChanges(a.format, b.format);
      if (keys) parts.push(`keys ${keys}`);
      continue;
    }
    const x = shown(a[key]);
    const y = shown(b[key]);
    if (x !== y) parts.push(`${key} ${x ?? '(none)'} → ${y ?? '(none)'}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

function isKeyed(v: unknown): v is Record<string, PropSchema> {
  return Boolean(v) && typeof v === 'object' && !Array.isArray(v);
}

/** A property string's keys added (+), removed (-) and changed (~): `+ha-auto-rebalance ~ha`. */
function keyChanges(a: Record<string, PropSchema>, b: Record<string, PropSchema>): string | undefined {
  const out: string[] = [];
  for (const k of Object.keys(a)) if (!(k in b)) out.push(`-${k}`);
  for (const k of Object.keys(b)) {
    if (!(k in a)) out.push(`+${k}`);
    else if (propertyChange(a[k], b[k])) out.push(`~${k}`);
  }
  return out.length ? out.join(' ') : undefined;
}

/** A value as one short line: property-string formats by their keys, long texts cut. */
function shown(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value && typeof value === 'object' && !Array.isArray(value)) return `{${Object.keys(value).sort().join(',')}}`;
  const text = Array.isArray(value) ? value.join('|') : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Counts per kind of change, for the summary line. */
export function diffSummary(changes: SchemaChange[]): Record<'operations_added' | 'operations_removed' | 'parameters_added' | 'parameters_removed' | 'parameters_changed', number> {
  const count = (change: SchemaChange['change'], param: boolean) => changes.filter((c) => c.change === change && Boolean(c.parameter) === param).length;
  return {
    operations_added: count('added', false),
    operations_removed: count('removed', false),
    parameters_added: count('added', true),
    parameters_removed: count('removed', true),
    parameters_changed: count('changed', true),
  };
}
