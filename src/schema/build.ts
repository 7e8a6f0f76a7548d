import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileTree, type CompiledSchema } from './compile';
import { findSources, readSource, type SchemaSource } from './source';
import { processAlive } from '../util/process';

/** A later build step that works on each compiled schema (e.g. generating validators). */
export type BuildStep = (compiled: CompiledSchema, outDir: string) => void | Promise<void>;

export interface BuildResult {
  id: string;
  location: string;
  operations: number;
  paths: number;
}

/** Compile every schema source into `<schemaRoot>/<id>/` (index.json + p/<n>.json), atomically per schema. */
export async function buildSchemas(
  projectRoot: string,
  steps: BuildStep[] = [],
  opts: { outRoot?: string; sources?: SchemaSource[]; transform?: (tree: unknown[]) => unknown[] } = {},
): Promise<BuildResult[]> {
  const schemaRoot = opts.outRoot ?? join(projectRoot, 'schema');
  const familyMax = JSON.parse(readFileSync(join(projectRoot, 'schema/overlays/families.json'), 'utf8')) as Record<string, number>;
  const results: BuildResult[] = [];
  removeAbandonedBuilds(schemaRoot);
  for (const source of opts.sources ?? findSources(projectRoot)) {
    const raw = await readSource(source);
    const tree = opts.transform ? opts.transform(raw) : raw;
    const compiled = compileTree(tree, source.id, familyMax);
    const finalDir = join(schemaRoot, source.id);
    const tmpDir = `${finalDir}.tmp-${process.pid}`;
    rmSync(tmpDir, { recursive: true, force: true });
    mkdirSync(join(tmpDir, 'p'), { recursive: true });
    compiled.docs.forEach((doc, i) => writeFileSync(join(tmpDir, 'p', `${i}.json`), JSON.stringify(doc)));
    writeFileSync(join(tmpDir, 'index.json'), JSON.stringify(compiled.index));
    for (const step of steps) await step(compiled, tmpDir);
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(tmpDir, finalDir);
    results.push({ id: source.id, location: source.location, operations: compiled.index.operations, paths: compiled.index.paths });
  }
  return results;
}

/** Temp dirs of builds that died (`<id>.tmp-<pid>` whose process is gone); a live concurrent build keeps its own. */
function removeAbandonedBuilds(schemaRoot: string): void {
  if (!existsSync(schemaRoot)) return;
  for (const name of readdirSync(schemaRoot)) {
    const m = /\.tmp-(\d+)$/.exec(name);
    if (m && !processAlive(Number(m[1]))) rmSync(join(schemaRoot, name), { recursive: true, force: true });
  }
}

