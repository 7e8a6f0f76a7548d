/**
 * ajv validators per operation: generated as standalone code at build time (schema/<id>/v/<file>-<METHOD>.js),
 * loaded lazily at run time; compiled with ajv on the spot only when no generated file exists (tests, custom ops).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Schema } from '../schema/load';
import type { Operation } from '../schema/types';
import { formats } from './formats';
import { operationSchemas } from './json-schema';

/** An ajv validate function as generated (errors on the function after a failed call). */
export interface ValidateFn {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

export interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  schemaPath: string;
}

export interface OperationValidators {
  params: ValidateFn;
  propertyStrings: Record<string, ValidateFn>;
}

/** Module id the generated code uses for the format checks. */
export const FORMATS_MODULE = 'pvecli-formats';

export const AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  unicodeRegExp: false,
  validateFormats: true,
  logger: false,
} as const;

/** Relative file name of an operation's validator module inside a compiled schema directory. */
export function validatorFile(file: number, method: string): string {
  return join('v', `${file}-${method}.js`);
}

/** ajv with every format the operation references, resolved through formats.ts (for build and fallback). */
function newAjv(standalone: boolean, schemas: unknown[]): import('ajv').default {
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const { _ } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv({
    ...AJV_OPTIONS,
    code: standalone ? { source: true, formats: _`require(${FORMATS_MODULE})` } : undefined,
  } as import('ajv').Options);
  const names = new Set<string>();
  schemas.forEach((s) => collectFormats(s, names));
  for (const name of names) ajv.addFormat(name, formats[name]);
  return ajv;
}

function collectFormats(node: unknown, into: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n) => collectFormats(n, into));
  for (const [k, v] of Object.entries(node)) {
    if (k === 'format' && typeof v === 'string') into.add(v);
    else collectFormats(v, into);
  }
}

/** Standalone CommonJS code exporting `params` and `ps:<name>` validators for one operation. */
export function generateValidatorCode(op: Operation): string {
  const { params, propertyStrings } = operationSchemas(op);
  const ajv = newAjv(true, [params, propertyStrings]);
  const refs: Record<string, string> = { params: 'params' };
  ajv.addSchema(params, 'params');
  for (const [name, schema] of Object.entries(propertyStrings)) {
    ajv.addSchema(schema, `ps:${name}`);
    refs[`ps:${name}`] = `ps:${name}`;
  }
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  return standaloneCode(ajv, refs);
}

const cache = new WeakMap<Operation, OperationValidators>();

/** The validators of an operation: the generated module if present, else compiled now. */
export function validatorsFor(schema: Schema | undefined, op: Operation): OperationValidators {
  const cached = cache.get(op);
  if (cached) return cached;
  let exported: Record<string, ValidateFn> | undefined;
  const file = schema?.tryResolve(op.path)?.file;
  if (schema && file !== undefined) {
    const path = join(schema.directory, validatorFile(file, op.method));
    if (existsSync(path)) exported = loadModule(path);
  }
  if (!exported) exported = compileNow(op);
  const validators: OperationValidators = { params: exported.params, propertyStrings: {} };
  for (const [key, fn] of Object.entries(exported)) if (key.startsWith('ps:')) validators.propertyStrings[key.slice(3)] = fn;
  cache.set(op, validators);
  return validators;
}

/** Evaluate generated code with a require that maps the formats module id to formats.ts. */
function loadModule(path: string): Record<string, ValidateFn> {
  const source = readFileSync(path, 'utf8');
  const mod = { exports: {} as Record<string, ValidateFn> };
  const localRequire = (id: string): unknown => (id === FORMATS_MODULE ? formats : require(id));
  new Function('module', 'exports', 'require', source)(mod, mod.exports, localRequire);
  return mod.exports;
}

function compileNow(op: Operation): Record<string, ValidateFn> {
  const { params, propertyStrings } = operationSchemas(op);
  const ajv = newAjv(false, [params, propertyStrings]);
  const out: Record<string, ValidateFn> = { params: ajv.compile(params) as ValidateFn };
  for (const [name, s] of Object.entries(propertyStrings)) out[`ps:${name}`] = ajv.compile(s) as ValidateFn;
  return out;
}
