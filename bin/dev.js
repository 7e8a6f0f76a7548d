#!/usr/bin/env node
// Development entry: rebuild the TypeScript (no schema, no manifest) and run.
require('node:child_process').execFileSync(process.execPath, [require.resolve('../scripts/build.mjs'), '--no-schema', '--no-manifest'], { stdio: 'inherit' });
require('../dist/src/cli/main.js').main(process.argv.slice(2));
