import { isOptional, type Operation, type PropSchema } from '../schema/types';
import type { Verb } from '../schema/verbs';

/** How a property-string parameter's keys are found (inline format object or a hand-written overlay). */
export type FormatLookup = (prop: PropSchema) => Record<string, PropSchema> | undefined;

export const inlineFormat: FormatLookup = (prop) => (prop.format && typeof prop.format === 'object' ? prop.format : undefined);

/** Parameters that travel as flags: everything but the path's own `{param}`s. */
export function flagParams(op: Operation): Array<[string, PropSchema]> {
  const inPath = new Set([...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
  return Object.entries(op.parameters.properties ?? {}).filter(([name]) => !inPath.has(name));
}

/** `<integer> (100 - 999999999)`, `<l24 | l26 | ...>`, the data's own typetext when it has one. */
export function typeText(p: PropSchema): string {
  if (p.typetext) return p.typetext;
  if (p.enum) return `<${p.enum.join(' | ')}>`;
  const type = p.type === 'boolean' ? 'boolean' : p.type ?? 'string';
  let text = typeof p.format === 'string' && !['string'].includes(p.format) ? `<${p.format_description ?? p.format}>` : `<${type}>`;
  if (p.minimum !== undefined || p.maximum !== undefined) text += ` (${p.minimum ?? '-N'} - ${p.maximum ?? 'N'})`;
  return text;
}

function flagName(name: string, p: PropSchema): string {
  const fam = p['x-family'];
  return fam ? `--${fam.prefix}[0..${fam.max}]` : `--${name}`;
}

/** One line: `pvecli create /nodes/{node}/qemu --vmid <integer> [OPTIONS]`. */
export function usageLine(verb: Verb, op: Operation): string {
  const params = flagParams(op);
  const required = params.filter(([, p]) => !isOptional(p)).map(([n, p]) => `${flagName(n, p)} ${typeText(p)}`);
  const hasOptional = params.some(([, p]) => isOptional(p));
  return ['pvecli', verb, op.path, ...required, ...(hasOptional ? ['[OPTIONS]'] : [])].join(' ');
}

/** The full usage: description, then every parameter with type, range, enum, default, required and description. */
export function usageVerbose(verb: Verb, op: Operation, formatOf: FormatLookup = inlineFormat, width = 100): string {
  const out: string[] = [`USAGE: ${usageLine(verb, op)}`, ''];
  if (op.description) out.push(indent(wrap(op.description, width - 2), 2), '');
  const pathParams = Object.entries(op.parameters.properties ?? {}).filter(([n]) => op.path.includes(`{${n}}`));
  for (const [name, p] of pathParams) out.push(...paramBlock(`<${name}>`, p, width, formatOf));
  const params = flagParams(op).sort(([a, pa], [b, pb]) => Number(isOptional(pa)) - Number(isOptional(pb)) || a.localeCompare(b));
  for (const [name, p] of params) out.push(...paramBlock(flagName(name, p), p, width, formatOf));
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

function paramBlock(label: string, p: PropSchema, width: number, formatOf: FormatLookup): string[] {
  const facts: string[] = [];
  facts.push(isOptional(p) ? 'optional' : 'required');
  if (p.default !== undefined) facts.push(`default=${String(p.default)}`);
  if (typeof p.format === 'string') facts.push(`format=${p.format}`);
  if (p.minLength !== undefined || p.maxLength !== undefined) facts.push(`length ${p.minLength ?? 0}..${p.maxLength ?? '∞'}`);
  if (p.pattern) facts.push(`pattern ${p.pattern}`);
  const lines = [`  ${label} ${typeText(p)}   (${facts.join(', ')})`];
  const text = p.verbose_description ?? p.description;
  if (text) lines.push(indent(wrap(text, width - 6), 6));
  const keys = formatOf(p);
  if (keys) {
    for (const [key, kp] of Object.entries(keys)) {
      if (kp.alias) {
        lines.push(`      ${key}=<${kp.alias}>   (alias of ${kp.keyAlias ? `${kp.keyAlias}=${key} with ` : ''}${kp.alias})`);
        continue;
      }
      const kf: string[] = [kp.default_key ? 'default key' : isOptional(kp) ? 'optional' : 'required'];
      if (kp.default !== undefined) kf.push(`default=${String(kp.default)}`);
      lines.push(`      ${key}=${typeText(kp)}   (${kf.join(', ')})`);
      if (kp.description) lines.push(indent(wrap(kp.description, width - 10), 10));
    }
  }
  lines.push('');
  return lines;
}

/** The return schema as indented text. */
export function returnsText(op: Operation): string {
  const r = op.returns;
  if (!r || Object.keys(r).length === 0) return 'RETURNS: (not described)\n';
  return `RETURNS: ${describeType(r)}\n${schemaTree(r, 2).join('\n')}\n`.replace(/\n+$/, '\n');
}

function describeType(p: PropSchema): string {
  if (p.type === 'array') return `array of ${p.items ? describeType(p.items) : 'any'}`;
  return typeText(p);
}

function schemaTree(p: PropSchema, depth: number): string[] {
  const props = p.type === 'array' ? p.items?.properties : p.properties;
  if (!props) return [];
  const lines: string[] = [];
  for (const [k, v] of Object.entries(props)) {
    const desc = v.description ? ` - ${v.description.split('\n')[0]}` : '';
    lines.push(`${' '.repeat(depth)}${k}: ${describeType(v)}${isOptional(v) ? ' (optional)' : ''}${v.renderer ? ` [${v.renderer}]` : ''}${desc}`);
    lines.push(...schemaTree(v, depth + 2));
  }
  return lines;
}

/** Machine-readable usage (`usage -o json`). */
export function usageJson(verb: Verb, op: Operation, formatOf: FormatLookup = inlineFormat): Record<string, unknown> {
  return {
    command: verb,
    method: op.method,
    path: op.path,
    usage: usageLine(verb, op),
    description: op.description,
    parameters: Object.entries(op.parameters.properties ?? {}).map(([name, p]) => ({
      name,
      in: op.path.includes(`{${name}}`) ? 'path' : 'flag',
      required: !isOptional(p),
      ...p,
      keys: formatOf(p),
    })),
    returns: op.returns,
    permissions: op.permissions,
  };
}

function wrap(text: string, width: number): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out.join('\n');
}

function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => (l ? ' '.repeat(n) + l : l))
    .join('\n');
}
