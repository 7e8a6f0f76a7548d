/**
 * The config validator, compiled by ajv from config-schema.ts. ajv costs more to load and compile (tens of ms)
 * than the whole check is worth, so the build writes the compiled validator as standalone code
 * (writeConfigValidator, called by scripts/build.mjs) and runs load that; ajv compiles it on the spot only for a
 * tree that was never built or src/config bundled elsewhere (a test).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/package-root';
import { configJsonSchema } from './config-schema';
import * as valueText from './value-text';

/** Where the build writes the validator, under the package folder: next to the built value-text.js. */
export const GENERATED_VALIDATOR = join('dist', 'src', 'config', 'config-validator.generated.js');
/** The generated code requires its formats from here, relative to itself. */
const FORMATS_MODULE = './value-text';

import type { AjvError, ValidateFn } from '../util/ajv-types';

export type ConfigValidateFn = ValidateFn;
export type ConfigSchemaError = AjvError;

function compile(standalone: boolean): { ajv: import('ajv').default; validate: ConfigValidateFn } {
  const { default: Ajv, _ } = require('ajv') as typeof import('ajv');
  // allErrors: the first error in the file is reported, and ajv's own order is the schema's, not the file's.
  const ajv = new Ajv({
    allErrors: true,
    allowUnionTypes: true,
    logger: false,
    code: standalone ? { source: true, formats: _`require(${FORMATS_MODULE})` } : undefined,
  });
  for (const name of ['booleanText', 'secondsText', 'nonNegativeInteger'] as const) ajv.addFormat(name, valueText[name]);
  return { ajv, validate: ajv.compile(configJsonSchema()) as ConfigValidateFn };
}

let validator: ConfigValidateFn | undefined;

export function configValidator(): ConfigValidateFn {
  if (validator) return validator;
  const generated = generatedValidatorPath();
  validator = generated ? (require(generated) as ConfigValidateFn) : compile(false).validate;
  return validator;
}

function generatedValidatorPath(): string | undefined {
  let root: string;
  try {
    root = packageRoot();
  } catch {
    return undefined;
  }
  const path = join(root, GENERATED_VALIDATOR);
  return existsSync(path) ? path : undefined;
}

/** Build step: the validator as a CommonJS module under the package folder `root`. */
export function writeConfigValidator(root: string): void {
  const { ajv, validate } = compile(true);
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  writeFileSync(join(root, GENERATED_VALIDATOR), standaloneCode(ajv, validate as never));
}
