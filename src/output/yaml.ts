import type { ScalarTag, Tags } from 'yaml';

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

/**
 * `-o yaml`: YAML that 1.2 loaders and 1.1 loaders (PyYAML, Ansible) read back as the same data. Strings that either
 * schema would take for something else (`no`, `on`, `y`, `~`, `1:20`, `017`, `0o17`, `2024-01-02`, `<<`) are quoted;
 * numbers and booleans stay plain. The yaml package costs ~50 ms to load: only this format pays for it.
 */
export function toYaml(data: unknown): string {
  const YAML = require('yaml') as typeof import('yaml');
  const customTags = (tags: Tags): Tags => [exponentNumber, ...tags, pyyamlValue];
  return YAML.stringify(data, { compat: 'yaml-1.1', customTags });
}
