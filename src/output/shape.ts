import { UsageError } from '../errors';
import type { PropSchema } from '../schema/types';

/** `--query EXPR`: JMESPath over the result, before any rendering (a CI user's jq without jq). */
export function applyQuery(data: unknown, expression: string): unknown {
  try {
    return jmespath().search(data as never, expression);
  } catch (err) {
    throw queryError(err);
  }
}

/** The expression's syntax alone, so a bad --query is refused before anything is sent. */
export function checkQuery(expression: string): void {
  try {
    jmespath().compile(expression);
  } catch (err) {
    throw queryError(err);
  }
}

function jmespath(): { search(data: unknown, expr: string): unknown; compile(expr: string): unknown } {
  return require('@jmespath-community/jmespath') as ReturnType<typeof jmespath>;
}

function queryError(err: unknown): UsageError {
  return new UsageError(`--query: ${(err as Error).message.split('\n')[0]}`, "JMESPath, e.g. --query '[?status==`running`].vmid'");
}

interface Shaping {
  fields?: string[];
  /** The fields are a command's own default columns: some may be absent (a running task has no endtime). */
  defaultFields?: boolean;
  sort?: string;
  query?: string;
  /** The rows come in the command's own order (`task list`: newest first): text and table keep it, not sort it. */
  keepOrder?: boolean;
}

/**
 * A command's own columns and row order (`task list`, `profile list`), used unless the user chose --fields or
 * --sort, or reshaped the result with --query: its keys are then the query's, and the defaults would name keys it
 * no longer has.
 */
export function withDefaultShape<T extends Shaping>(options: T, defaults: Omit<Shaping, 'query' | 'defaultFields'>): T {
  // A --query filters or reshapes the rows but leaves them in the command's order.
  if (options.query) return { ...options, keepOrder: defaults.keepOrder };
  return {
    ...options,
    fields: options.fields ?? defaults.fields,
    defaultFields: options.fields === undefined,
    sort: options.sort ?? defaults.sort,
    keepOrder: defaults.keepOrder,
  };
}

type FormatOf = (prop: PropSchema) => Record<string, PropSchema> | undefined;
type Parse = (format: Record<string, PropSchema>, text: string) => Record<string, unknown>;

/** The schema of a result key: exact, or its numbered family (`net0` → `net[n]`). */
function propFor(props: Record<string, PropSchema>, key: string): PropSchema | undefined {
  if (props[key]) return props[key];
  const fam = /^([a-z_-]+?)(\d+)$/i.exec(key);
  return fam ? props[`${fam[1]}[n]`] : undefined;
}

/** `--expand`: property strings (`virtio=AA:…,bridge=vmbr0`) become objects, using the parameters' parser. */
export function expandPropertyStrings(data: unknown, returns: PropSchema | undefined, formatOf: FormatOf, parse: Parse): unknown {
  const expandObject = (obj: Record<string, unknown>, props: Record<string, PropSchema> | undefined) => {
    if (!props) return obj;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const prop = propFor(props, k);
      const format = prop ? formatOf(prop) : undefined;
      if (format && typeof v === 'string') {
        try {
          out[k] = parse(format, v);
          continue;
        } catch {
          // a value the parser does not accept is shown as it came
        }
      }
      out[k] = v;
    }
    return out;
  };
  if (Array.isArray(data)) {
    return data.map((row) => (row && typeof row === 'object' ? expandObject(row as Record<string, unknown>, returns?.items?.properties) : row));
  }
  if (data && typeof data === 'object') return expandObject(data as Record<string, unknown>, returns?.properties);
  return data;
}
