import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let root: string | undefined;

/**
 * The pvecli package folder (where package.json, schema/ and oclif.manifest.json are), found by walking up from
 * this module: the same answer from dist/src/…, from the single-file bundle in dist/, and from src/ under the tests.
 */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'pvecli') return (root = dir);
    if (dirname(dir) === dir) throw new Error(`pvecli: cannot find the package folder above ${__dirname}`);
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
