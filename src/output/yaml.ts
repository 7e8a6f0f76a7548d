import type { ScalarTag, Tags } from 'yaml';
import type { Write } from './chunks';
import { yamlEmitter } from './yaml-emit';

/**
 * PyYAML (and so Ansible) resolves a plain `=` to YAML 1.1's `!!value` type, which its safe loader cannot
 * construct: a tag that matches it makes the stringifier quote it. Only ever used for writing.
 */
const pyyamlValue: ScalarTag = { tag: 'tag:yaml.org,2002:value', default: true, test: /^=$/, resolve: (text) => text };

/**
 * A tab inside a plain scalar is valid YAML that PyYAML refuses to scan ("while scanning a simple key"): a tag that
 * matches it makes the stringifier quote (and escape) it. Only ever used for writing.
 */
const tabbed: ScalarTag = { tag: 'tag:pvecli,2026:tabbed', default: true, test: /\t/, resolve: (text) => text };

/**
 * JavaScript writes small and huge numbers as `1e-7` and `1e+21`; PyYAML reads a float only with a dot in it, so
 * the mantissa gets one (`1.0e-7`), which every YAML version reads as the same number.
 */
const exponentNumber: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  identify: (value) => typeof value === 'number' && Number.isFinite(value) && String(value).includes('e'),
  default: true,
  // Where several tags identify a value, the stringifier prefers those with a test.
  test: /^-?\d+(?:\.\d+)?e[-+]\d+$/,
  resolve: (text) => Number(text),
  stringify: ({ value }) => String(value).replace(/^(-?\d+)e/, '$1.0e'),
};

/** The stringify options of `-o yaml` (exported for the test that holds the pieces to the whole). */
export const YAML_OPTIONS = { compat: 'yaml-1.1', customTags: (tags: Tags): Tags => [exponentNumber, ...tags, pyyamlValue, tabbed] } as const;

/**
 * `-o yaml`: YAML that 1.2 loaders and 1.1 loaders (PyYAML, Ansible) read back as the same data. Strings that either
 * schema would take for something else (`no`, `on`, `y`, `~`, `1:20`, `017`, `0o17`, `2024-01-02`, `<<`) are quoted;
 * numbers and booleans stay plain. The yaml package costs ~40 ms to load: only data the direct writer
 * (yaml-emit.ts) leaves to it pays for that.
 */
export function toYaml(data: unknown): string {
  const parts: string[] = [];
  writeYaml(data, (text) => parts.push(text));
  return parts.join('');
}

/**
 * toYaml in pieces. Items the direct writer knows (yaml-emit.ts: maps, lists, numbers, one-line strings) are
 * written by it; any other item by the yaml package, which builds a node for every value before it writes a line,
 * each as the one-item list it would be in the whole: the pieces join into the same text. Only an object that
 * occurs twice (the whole writes it once, with an anchor, and then an alias) makes the list go to the package in one
 * piece. `item` reshapes each item as it is written (--fields), so no reshaped copy of the list is made. The
 * package is loaded only when something needs it.
 */
export function writeYaml(data: unknown, write: Write, item: (value: unknown) => unknown = (v) => v): void {
  const emitter = yamlEmitter(typeTest);
  if (!Array.isArray(data) || data.length === 0) return write(emitter.document(data) ?? yaml().stringify(data, YAML_OPTIONS));
  // Checked before reshaping: --fields only leaves values out, so what is distinct stays distinct.
  if (!allDistinct(data)) return write(yaml().stringify(data.map(item), YAML_OPTIONS));
  // One document (and so one schema) for all the package's items; its contents are each item in turn. The options
  // are the schema's: none of them is a toString option.
  let doc: import('yaml').Document | undefined;
  // The text goes out in pieces of some 16 K characters, each joined once from the items' parts.
  const parts: string[] = [];
  for (const value of data) {
    const shaped = item(value);
    if (!emitter.itemInto(shaped, parts)) {
      doc ??= new (yaml().Document)(null, YAML_OPTIONS);
      doc.contents = null;
      doc.contents = doc.createNode([shaped]);
      parts.push(doc.toString());
    }
    if (parts.length >= PARTS_PER_WRITE) {
      write(parts.join(''));
      parts.length = 0;
    }
  }
  if (parts.length) write(parts.join(''));
}

/** About 16 K characters of a typical list (a part is a key, a value, an indent or a separator). */
const PARTS_PER_WRITE = 4096;

function yaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}

/** The schema's own test of a string that would read back as another type (the package quotes those). */
function typeTest(): (text: string) => boolean {
  const { schema } = new (yaml().Document)(null, YAML_OPTIONS);
  const { compat } = schema as unknown as { compat?: ScalarTag[] | null };
  const tests = [...schema.tags, ...(compat ?? [])]
    .map((tag) => tag as ScalarTag)
    .filter((tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test)
    .map((tag) => tag.test!);
  return (text) => tests.some((test) => test.test(text));
}

/** No object or array reachable from the items occurs twice (nor in a cycle). */
function allDistinct(items: unknown[]): boolean {
  const seen = new Set<object>();
  const walk = (value: unknown): boolean => {
    if (typeof value !== 'object' || value === null) return true;
    if (seen.has(value)) return false;
    seen.add(value);
    return Object.values(value).every(walk);
  };
  return items.every(walk);
}
