/**
 * ajv validators per parameter, generated as standalone code at build time and loaded lazily at run time.
 *
 * Layout under a compiled schema directory:
 *   v/<file>-<METHOD>.json   which validator checks each parameter of one operation and each key of its property
 *                            strings, and the reply's `data`: {p: {name: id}, ps: {name: {key: id}}, r: id}; bare
 *                            types have none
 *   v/s/<id>.js              one CommonJS validator per distinct JSON schema (content-addressed, shared by all
 *                            operations), so a command pays only for the parameters and keys it was given.
 * When no generated file exists (tests, custom operations) the validator is compiled with ajv on the spot.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Schema } from '../schema/load';
import type { Operation } from '../schema/types';
import { formats } from './formats';

import type { AjvError, ValidateFn } from '../util/ajv-types';

export type { AjvError, ValidateFn };

/** Per-operation map: parameter name (family names as `net[n]`) → validator id; property-string keys likewise. */
export interface ValidatorMap {
  p: Record<string, string>;
  ps: Record<string, Record<string, string>>;
  /** The reply's `data` against `returns` (reporting every violation, not the first). */
  r?: string;
}

export interface OperationValidators {
  /** The value check of one parameter (by schema name, e.g. `net[n]`). */
  param(name: string): ValidateFn | undefined;
  /** The check of one key's typed value in a property-string parameter. */
  propertyKey(name: string, key: string): ValidateFn | undefined;
  /** The check of a reply's `data` against the operation's `returns`; undefined when it declares nothing. */
  returns(): ValidateFn | undefined;
}

/** Module id the generated code uses for the format checks. */
export const FORMATS_MODULE = 'pvecli-formats';

// unicode: false counts string length in UTF-16 units, sparing each validator a runtime require (deprecated
// in ajv 8 but honoured; logger: false keeps the notice quiet).
export const AJV_OPTIONS = { allErrors: false, strict: false, unicodeRegExp: false, unicode: false, logger: false } as const;

export function mapFile(file: number, method: string): string {
  return join('v', `${file}-${method}.json`);
}

export function moduleFile(id: string): string {
  return join('v', 's', `${id}.js`);
}

const cache = new WeakMap<Operation, OperationValidators>();

export function validatorsFor(schema: Schema | undefined, op: Operation): OperationValidators {
  const cached = cache.get(op);
  if (cached) return cached;
  let validators: OperationValidators | undefined;
  const file = schema?.tryResolve(op.path)?.file;
  if (schema && file !== undefined) {
    const path = join(schema.directory, mapFile(file, op.method));
    if (existsSync(path)) validators = generated(schema.directory, JSON.parse(readFileSync(path, 'utf8')) as ValidatorMap);
  }
  validators ??= compiledNow(op);
  cache.set(op, validators);
  return validators;
}

const loaded = new Map<string, ValidateFn>();

function generated(dir: string, map: ValidatorMap): OperationValidators {
  const get = (id: string | undefined) => {
    if (!id) return undefined;
    const path = join(dir, moduleFile(id));
    let fn = loaded.get(path);
    if (!fn) loaded.set(path, (fn = loadModule(path)));
    return fn;
  };
  return { param: (name) => get(map.p[name]), propertyKey: (name, key) => get(map.ps[name]?.[key]), returns: () => get(map.r) };
}

/** Evaluate generated code with a require that maps the formats module id to formats.ts. */
function loadModule(path: string): ValidateFn {
  const source = readFileSync(path, 'utf8');
  const mod = { exports: {} as unknown };
  const localRequire = (id: string): unknown => (id === FORMATS_MODULE ? formats : require(id));
  new Function('module', 'exports', 'require', source)(mod, mod.exports, localRequire);
  return mod.exports as ValidateFn;
}

/** The run-time fallback: ajv compiles each parameter's schema when first asked for. */
function compiledNow(op: Operation): OperationValidators {
  const { operationSchemas, returnsSchema } = require('./json-schema') as typeof import('./json-schema');
  const { params, propertyStrings } = operationSchemas(op);
  const ajv = newAjv(false);
  const memo = new Map<unknown, ValidateFn>();
  const compile = (s: unknown) => {
    if (s === undefined) return undefined;
    let fn = memo.get(s);
    if (!fn) {
      addFormatsOf(ajv, s);
      memo.set(s, (fn = ajv.compile(s as object) as ValidateFn));
    }
    return fn;
  };
  let returns: ValidateFn | undefined;
  return {
    param: (name) => compile(params[name]),
    propertyKey: (name, key) => compile(propertyStrings[name]?.[key]),
    returns: () => {
      const schema = returns ? undefined : returnsSchema(op);
      if (schema) {
        const replies = newAjv(false, true);
        addFormatsOf(replies, schema);
        returns = replies.compile(schema) as ValidateFn;
      }
      return returns;
    },
  };
}

/** ajv as used for generation and for the fallback; formats are added per schema as met. `allErrors` for replies. */
export function newAjv(standalone: boolean, allErrors = false): import('ajv').default {
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const { _ } = require('ajv') as typeof import('ajv');
  return new Ajv({
    ...AJV_OPTIONS,
    allErrors,
    code: standalone ? { source: true, formats: _`require(${FORMATS_MODULE})` } : undefined,
  } as import('ajv').Options);
}

export function addFormatsOf(ajv: import('ajv').default, schema: unknown): void {
  const names = new Set<string>();
  collectFormats(schema, names);
  for (const name of names) if (!ajv.formats[name]) ajv.addFormat(name, formats[name]);
}

function collectFormats(node: unknown, into: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n) => collectFormats(n, into));
  for (const [k, v] of Object.entries(node)) {
    if (k === 'format' && typeof v === 'string') into.add(v);
    else collectFormats(v, into);
  }
}
