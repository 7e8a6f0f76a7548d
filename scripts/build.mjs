#!/usr/bin/env node
// Build: transpile TypeScript to dist/ (esbuild, per file, CommonJS), compile the API schemas into schema/<id>/,
// then write oclif.manifest.json. Type checking is `npm run typecheck` (tsc), kept out of the hot build.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...tsFiles(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const started = Date.now();
await build({
  absWorkingDir: root,
  entryPoints: [...tsFiles('src'), ...tsFiles('commands')],
  outdir: 'dist',
  outbase: '.',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

// The hot path as one file: loading ~40 small modules cost 15–30 ms more than one bundle (bench/request-results.md).
// Outside stay oclif (topics only), ajv (the generated validators require its runtime), the prompts (ESM, TTY
// only), and what only some runs need: yaml (a changed config file, -o yaml, --input), JMESPath (--query) and
// cli-table3 (-o table); inside, they would be parsed at every start (yaml alone is 250 KB).
// The built-in mock server is a bundle of its own (dist/mock.js), loaded only by runs that target it: inside the
// main bundle its 117 KB were parsed at every start (+7.7 ms per run, measured).
const bundleOptions = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['@oclif/core', 'ajv', 'ajv/*', '@inquirer/prompts', 'esbuild', 'yaml', '@jmespath-community/jmespath', 'cli-table3'],
  logLevel: 'warning',
};
await build({
  ...bundleOptions,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/pvecli.js',
  plugins: [{ name: 'mock-outside', setup: (b) => b.onResolve({ filter: /^\.\.\/mock$/ }, () => ({ path: './mock.js', external: true })) }],
});
await build({ ...bundleOptions, entryPoints: ['src/mock/index.ts'], outfile: 'dist/mock.js' });

if (!process.argv.includes('--no-schema')) {
  const { buildSchemas } = require(join(root, 'dist/src/schema/build.js'));
  const { buildSteps } = require(join(root, 'dist/src/schema/steps.js'));
  const results = await buildSchemas(root, buildSteps());
  for (const r of results) console.error(`schema ${r.id}: ${r.operations} operations on ${r.paths} paths (${r.location})`);
}

if (!process.argv.includes('--no-manifest')) {
  execFileSync(process.execPath, [require.resolve('oclif/bin/run.js'), 'manifest'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, OCLIF_SKIP_UPDATE_CHECK: '1' },
  });
  // oclif lists commands in the order its loader finished them; sort, so the tracked file changes only with them.
  const manifestFile = join(root, 'oclif.manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
}
console.error(`build done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
