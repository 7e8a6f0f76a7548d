/** Build step: one ajv standalone validator module per operation, under schema/<id>/v/<file>-<METHOD>.js. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CompiledSchema } from '../schema/compile';
import { METHODS } from '../schema/types';
import { unenforced } from './json-schema';
import { setOverlayDir } from './property-string';
import { generateValidatorCode, validatorFile } from './validators';

export function generateValidators(compiled: CompiledSchema, outDir: string): void {
  // The overlays sit beside the schema being built (outDir is schema/<id>.tmp-<pid>).
  setOverlayDir(join(dirname(outDir), 'overlays'));
  mkdirSync(join(outDir, 'v'), { recursive: true });
  unenforced.formats.clear();
  unenforced.patterns.clear();
  compiled.docs.forEach((doc, file) => {
    for (const method of METHODS) {
      const op = doc.info[method];
      if (!op) continue;
      writeFileSync(join(outDir, validatorFile(file, method)), generateValidatorCode(op));
    }
  });
  // What could not be enforced (accepted as plain strings); a test lists these so none go unnoticed.
  writeFileSync(
    join(outDir, 'v', 'unenforced.json'),
    JSON.stringify({ formats: [...unenforced.formats].sort(), patterns: [...unenforced.patterns].sort() }, null, 1),
  );
}
