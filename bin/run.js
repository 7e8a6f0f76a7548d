#!/usr/bin/env node
// The pvecli executable. Hot verbs skip oclif (startup is budgeted); topics and help go through it.
let main;
try {
  ({ main } = require('../dist/pvecli.js'));
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/pvecli')) {
    process.stderr.write("pvecli: not built yet; run 'npm run build' (or 'npm install') in the pvecli folder\n");
    process.exit(1);
  }
  throw err;
}
main(process.argv.slice(2));
