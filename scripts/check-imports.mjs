#!/usr/bin/env node
// The import graph of src/ and commands/ (src/README.md): a folder imports only folders of a lower layer or its own
// layer's allowed peers, folders form no circle, and the library folders stay free of what belongs to the CLI.
// Reads the TypeScript sources directly (static imports, `import()`, `require()`, `import type` included), so it
// needs no build. Exit 1 with one line per offending import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Lowest first. A folder may import its own layer's folders only where `peers` says so. */
export const LAYERS = [
  ['util', 'errors'],
  ['schema', 'config'],
  ['params', 'http', 'output'],
  ['tasks', 'mock', 'server'],
  ['gateway', 'cli'],
  ['commands'],
];
// The mock is one handler on the shared HTTP front (src/server knows nothing of it: no circle).
const PEERS = { errors: [], util: ['errors'], mock: ['server'] };

/** Module specifiers a folder must never import (DESIGN.md §1: only src/cli and commands know terminals and files). */
const FORBIDDEN = {
  http: [/^node:fs(\/|$)/, /^fs$/],
  mock: [],
  server: [],
};
/** Only the CLI side prompts and writes to the terminal: no other folder imports a prompt library or the process's streams. */
const CLI_SIDE = new Set(['cli', 'commands']);
const PROMPTS = /^@inquirer\//;
const PROCESS_STREAMS = /process\.(stdout|stderr|stdin)\b/;

function walk(root, dir) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...walk(root, rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** src/cli/verb.ts → cli; src/errors.ts → errors; commands/profile/add.ts → commands. */
function folderOf(rel) {
  const parts = rel.split('/');
  if (parts[0] === 'commands') return 'commands';
  return parts.length === 2 ? parts[1].replace(/\.ts$/, '') : parts[1];
}

const layerOf = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i])));
const SPECIFIER = /(?:^|[^\w.])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

/** One line per offending import of the tree at `root` (src/ and commands/); empty when the layers hold. */
export function checkImports(root = projectRoot) {
  const problems = [];
  const folderEdges = new Map();
  for (const file of [...walk(root, 'src'), ...walk(root, 'commands')]) {
    const from = folderOf(file);
    if (!layerOf.has(from)) {
      problems.push(`${file}: folder '${from}' has no layer in scripts/check-imports.mjs`);
      continue;
    }
    // Comments are not imports.
    const text = readFileSync(join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    if (!CLI_SIDE.has(from) && PROCESS_STREAMS.test(text)) problems.push(`${file}: only src/cli and commands use the process's streams`);
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
      for (const pattern of FORBIDDEN[from] ?? []) {
        if (pattern.test(spec)) problems.push(`${file}: src/${from} must not import '${spec}'`);
      }
      if (!CLI_SIDE.has(from) && PROMPTS.test(spec)) problems.push(`${file}: only src/cli and commands prompt ('${spec}')`);
      if (!spec.startsWith('.')) continue;
      const target = relative(root, resolve(root, dirname(file), spec));
      if (!target.startsWith('src/') && !target.startsWith('commands/')) continue;
      const to = folderOf(target.endsWith('.ts') ? target : `${target}.ts`);
      if (to === from) continue;
      if (FORBIDDEN[from] && (to === 'cli' || (from !== 'http' && to === 'config'))) {
        problems.push(`${file}: src/${from} must not import src/${to} ('${spec}')`);
        continue;
      }
      const a = layerOf.get(from);
      const b = layerOf.get(to);
      if (b === undefined) continue;
      const peerOk = a === b && (PEERS[from] ?? []).includes(to);
      if (b > a || (a === b && !peerOk)) problems.push(`${file}: ${from} (layer ${a}) imports ${to} (layer ${b}) via '${spec}'`);
      if (!folderEdges.has(from)) folderEdges.set(from, new Set());
      folderEdges.get(from).add(to);
    }
  }
  for (const cycle of folderCycles(folderEdges)) problems.push(`circle between folders: ${cycle.join(' → ')}`);
  return problems;
}

function folderCycles(edges) {
  const cycles = [];
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkImports();
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(`check-imports: ${problems.length} import(s) break the layers of src/README.md`);
    process.exit(1);
  }
  console.error('check-imports: the import graph keeps its layers, no circles');
}
