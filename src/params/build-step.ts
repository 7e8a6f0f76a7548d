/**
 * Build step: ajv standalone validators for every parameter and property-string key of every operation, and for its
 * reply's `data` (`returns`), one module
 * per distinct JSON schema (v/s/<id>.js, shared across operations) plus a small map per operation
 * (v/<file>-<METHOD>.json).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledSchema } from '../schema/compile';
import { METHODS } from '../schema/types';
import { operationSchemas, returnsSchema, unenforced, type JsonSchema } from './json-schema';
import { setOverlayDir } from './property-string';
import { addFormatsOf, mapFile, moduleFile, newAjv, type ValidatorMap } from './validators';
import { packageRoot } from '../util/package-root';

/** `{type}` or `{type: 'array', items: {type}}`: nothing for a validator to check after coercion. */
function typeOnly(schema: JsonSchema): boolean {
  return Object.keys(schema).every((k) => k === 'type' || (k === 'items' && typeOnly(schema.items as JsonSchema)));
}

export function generateValidators(compiled: CompiledSchema, outDir: string): void {
  // Overlays come from the project's schema/overlays, wherever the output goes.
  setOverlayDir(join(packageRoot(), 'schema/overlays'));
  mkdirSync(join(outDir, 'v', 's'), { recursive: true });
  unenforced.formats.clear();
  unenforced.patterns.clear();
  const parameters = newAjv(true);
  // Replies are checked for every violation, not just the first: their own ajv, their own module ids.
  const replies = newAjv(true, true);
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  const written = new Set<string>();
  const idOf = (schema: JsonSchema, ajv = parameters): string => {
    const text = JSON.stringify(schema) + (ajv === replies ? ' all errors' : '');
    const id = createHash('sha256').update(text).digest('base64url').slice(0, 16);
    if (!written.has(id)) {
      addFormatsOf(ajv, schema);
      const validate = ajv.compile(schema);
      writeFileSync(join(outDir, moduleFile(id)), standaloneCode(ajv, validate));
      ajv.removeSchema(schema);
      written.add(id);
    }
    return id;
  };
  compiled.docs.forEach((doc, file) => {
    for (const method of METHODS) {
      const op = doc.info[method];
      if (!op) continue;
      const { params, propertyStrings } = operationSchemas(op);
      const map: ValidatorMap = { p: {}, ps: {} };
      // A bare type needs no validator: coercion already produced a value of that type.
      for (const [name, schema] of Object.entries(params)) if (!typeOnly(schema)) map.p[name] = idOf(schema);
      for (const [name, keys] of Object.entries(propertyStrings)) {
        map.ps[name] = {};
        for (const [key, schema] of Object.entries(keys)) if (!typeOnly(schema)) map.ps[name][key] = idOf(schema);
      }
      const returns = returnsSchema(op);
      if (returns) map.r = idOf(returns, replies);
      writeFileSync(join(outDir, mapFile(file, method)), JSON.stringify(map));
    }
  });
  // What could not be enforced (accepted as plain strings); a test lists these so none go unnoticed.
  writeFileSync(
    join(outDir, 'v', 'unenforced.json'),
    JSON.stringify({ formats: [...unenforced.formats].sort(), patterns: [...unenforced.patterns].sort() }, null, 1),
  );
}
