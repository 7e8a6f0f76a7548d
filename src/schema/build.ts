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
  const familyMax = familyMaxima(projectRoot);
  const results: BuildResult[] = [];
  removeAbandonedBuilds(schemaRoot);
  for (const source of opts.sources ?? findSources(projectRoot)) {
    const raw = await readSource(source);
    const tree = opts.transform ? opts.transform(raw) : raw;
    const compiled = await compileInto(schemaRoot, source.id, tree, familyMax, steps);
    results.push({ id: source.id, location: source.location, operations: compiled.index.operations, paths: compiled.index.paths });
  }
  return results;
}

/** The project's table of numbered-family maxima the data does not state (schema/overlays/families.json). */
export function familyMaxima(projectRoot: string): Record<string, number> {
  return JSON.parse(readFileSync(join(projectRoot, 'schema/overlays/families.json'), 'utf8')) as Record<string, number>;
}

/**
 * Compile one API tree into `<schemaRoot>/<id>/`: written in a temp dir beside it and renamed into place, so a
 * reader sees the old schema or the new one, never a part (a failed step leaves nothing behind).
 */
export async function compileInto(
  schemaRoot: string,
  id: string,
  tree: unknown[],
  familyMax: Record<string, number>,
  steps: BuildStep[] = [],
): Promise<CompiledSchema> {
  const compiled = compileTree(tree, id, familyMax);
  const finalDir = join(schemaRoot, id);
  const tmpDir = `${finalDir}.tmp-${process.pid}`;
  rmSync(tmpDir, { recursive: true, force: true });
  try {
    mkdirSync(join(tmpDir, 'p'), { recursive: true });
    compiled.docs.forEach((doc, i) => writeFileSync(join(tmpDir, 'p', `${i}.json`), JSON.stringify(doc)));
    writeFileSync(join(tmpDir, 'index.json'), JSON.stringify(compiled.index));
    for (const step of steps) await step(compiled, tmpDir);
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(tmpDir, finalDir);
  } catch (err) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
  return compiled;
}

/** Temp dirs of builds that died (`<id>.tmp-<pid>` whose process is gone); a live concurrent build keeps its own. */
export function removeAbandonedBuilds(schemaRoot: string): void {
  if (!existsSync(schemaRoot)) return;
  for (const name of readdirSync(schemaRoot)) {
    const m = /\.tmp-(\d+)$/.exec(name);
    if (m && !processAlive(Number(m[1]))) rmSync(join(schemaRoot, name), { recursive: true, force: true });
  }
}

