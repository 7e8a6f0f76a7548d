/**
 * Check a parsed config file against its schema (config-schema.ts) and say what is wrong the way a person edits
 * it: the first problem in the file, its line, and the message in the file's terms ("unknown key 'tokn_id' in
 * profile 'a'"), not ajv's JSON pointers.
 */
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import { valueRule } from './coerce';
import { PROFILE_KEYS, TOP_LEVEL_KEYS, isProfileKey } from './profile-keys';
import { configValidator, type ConfigSchemaError } from './config-validator';
import { keyOf, yaml } from './yaml-edit';

export type Fail = (offset: number | undefined, message: string) => never;

interface Problem {
  offset: number | undefined;
  message: string;
}

/** Throws through `fail` with the first problem in the file; an empty file is a valid one. */
export function validateConfig(doc: Document, fail: Fail): void {
  const data = plain(doc.contents);
  if (data === null || data === undefined || data === '') return;
  const validate = configValidator();
  const problems = validate(data) ? [] : (validate.errors ?? []).map((error) => describe(doc, error)).filter((p): p is Problem => p !== undefined);
  problems.push(...nonStringProfileNames(doc));
  if (problems.length === 0) return;
  const first = problems.reduce((a, b) => ((b.offset ?? Infinity) < (a.offset ?? Infinity) ? b : a));
  fail(first.offset, first.message);
}

/** No schema type admits a symbol. */
const UNREADABLE = Symbol('alias');

/**
 * The document as data for the schema. An alias (`*name`) becomes a value no type admits: the file's readers take
 * values as written (ConfigFile.profile), so a reference to another node is refused as the wrong type.
 */
function plain(node: unknown): unknown {
  const { isMap, isScalar, isSeq } = yaml();
  if (node === null || node === undefined) return null;
  if (isScalar(node)) return node.value;
  if (isMap(node)) return Object.fromEntries(node.items.map((pair) => [String(keyOf(pair)), plain(pair.value)]));
  if (isSeq(node)) return node.items.map(plain);
  return UNREADABLE;
}

/** One ajv error in the file's terms; undefined for the ones another error of the same spot already says. */
function describe(doc: Document, error: ConfigSchemaError): Problem | undefined {
  const path = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = error.params.additionalProperty as string | undefined;
  const [top, name, key] = path;
  if (path.length === 0) {
    if (extra !== undefined) return { offset: keyOffset(doc, [], extra), message: `unknown key '${extra}' (expected: ${TOP_LEVEL_KEYS.join(', ')})` };
    return { offset: offsetOf(doc.contents), message: 'expected a mapping with `current` and `profiles`' };
  }
  if (top === 'current') return { offset: valueOffset(doc, path), message: '`current` must be a profile name' };
  if (path.length === 1) {
    if (error.keyword === 'propertyNames') {
      const invalid = String(error.params.propertyName);
      return { offset: keyOffset(doc, path, invalid), message: `invalid profile name '${invalid}'` };
    }
    // propertyNames reports its pattern failure too, under the same name
    if (error.keyword === 'pattern') return undefined;
    return { offset: valueOffset(doc, path), message: '`profiles` must be a mapping of profile names' };
  }
  if (path.length === 2) {
    if (extra !== undefined) {
      return { offset: keyOffset(doc, path, extra), message: `unknown key '${extra}' in profile '${name}' (expected: ${Object.keys(PROFILE_KEYS).join(', ')})` };
    }
    return { offset: valueOffset(doc, path), message: `profile '${name}' must be a mapping` };
  }
  if (!isProfileKey(key)) return undefined;
  return { offset: valueOffset(doc, path), message: `profile '${name}': ${valueRule(key, doc.getIn(path))}` };
}

/** JSON turns every key into a string, so a key written as a number (`123:`) is caught here, on the document. */
function nonStringProfileNames(doc: Document): Problem[] {
  const { isMap } = yaml();
  const profiles = doc.get('profiles', true);
  if (!isMap(profiles)) return [];
  return profiles.items
    .filter((pair) => typeof keyOf(pair) !== 'string')
    .map((pair) => ({ offset: offsetOf(pair.key), message: `invalid profile name '${String(keyOf(pair))}'` }));
}

function offsetOf(node: unknown): number | undefined {
  return (node as YamlNode | undefined)?.range?.[0];
}

/** The value's line, or its key's when the value has no node of its own. */
function valueOffset(doc: Document, path: string[]): number | undefined {
  return offsetOf(doc.getIn(path, true)) ?? keyOffset(doc, path.slice(0, -1), path[path.length - 1]);
}

function keyOffset(doc: Document, mapPath: string[], key: string): number | undefined {
  const { isMap } = yaml();
  const map = mapPath.length === 0 ? doc.contents : doc.getIn(mapPath, true);
  if (!isMap(map)) return undefined;
  const pair = (map as YAMLMap).items.find((p: Pair) => String(keyOf(p)) === key);
  return offsetOf(pair?.key);
}
