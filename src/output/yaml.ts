import type { ScalarTag, Tags } from 'yaml';
import { ChunkedWriter, type Write } from './chunks';

/**
 * PyYAML (and so Ansible) resolves a plain `=` to YAML 1.1's `!!value` type, which its safe loader cannot
 * construct: a tag that matches it makes the stringifier quote it. Only ever used for writing.
 */
const pyyamlValue: ScalarTag = { tag: 'tag:yaml.org,2002:value', default: true, test: /^=$/, resolve: (text) => text };

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
export const YAML_OPTIONS = { compat: 'yaml-1.1', customTags: (tags: Tags): Tags => [exponentNumber, ...tags, pyyamlValue] } as const;

/**
 * `-o yaml`: YAML that 1.2 loaders and 1.1 loaders (PyYAML, Ansible) read back as the same data. Strings that either
 * schema would take for something else (`no`, `on`, `y`, `~`, `1:20`, `017`, `0o17`, `2024-01-02`, `<<`) are quoted;
 * numbers and booleans stay plain. The yaml package costs ~50 ms to load: only this format pays for it.
 */
export function toYaml(data: unknown): string {
  const parts: string[] = [];
  writeYaml(data, (text) => parts.push(text));
  return parts.join('');
}

/**
 * toYaml in pieces. The yaml package builds a node for every value before it writes a line, so a list is written
 * item by item, each as the one-item list it would be in the whole: the pieces join into the same text. Only an
 * object that occurs twice (the whole writes it once, with an anchor, and then an alias) makes the list go in one
 * piece. `item` reshapes each item as it is written (--fields), so no reshaped copy of the list is made.
 */
export function writeYaml(data: unknown, write: Write, item: (value: unknown) => unknown = (v) => v): void {
  const YAML = require('yaml') as typeof import('yaml');
  if (!Array.isArray(data) || data.length === 0) return write(YAML.stringify(data, YAML_OPTIONS));
  // Checked before reshaping: --fields only leaves values out, so what is distinct stays distinct.
  if (!allDistinct(data)) return write(YAML.stringify(data.map(item), YAML_OPTIONS));
  // One document (and so one schema) for all items; its contents are each item in turn. The options are the
  // schema's: none of them is a toString option.
  const doc = new YAML.Document(null, YAML_OPTIONS);
  const out = new ChunkedWriter(write);
  for (const value of data) {
    doc.contents = null;
    doc.contents = doc.createNode([item(value)]);
    out.push(doc.toString());
  }
  out.flush();
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
