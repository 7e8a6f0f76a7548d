import { defineConfig } from 'vitest/config';

/**
 * Files that share their workers' module cache (isolate off): each isolated file pays 0.5–1 s of CPU to load vitest,
 * src and the schema data again (measured: unit files 30 → 20 s of CPU, six e2e files 25 → 21 s). Shared are the
 * unit tests of pure modules (params, schema, output, config files) and the e2e tests that drive bin/run.js as
 * child processes against servers they start and close themselves. None of them mocks a module, spies on a
 * stream, or sets environment variables but the same PVECLI_SCHEMA_ROOT. Everything else (module mocks, stream
 * spies, environment edits, src/cli state, the mock and HTTP tests) runs isolated, one file per fork.
 */
const SHARED = [
  'test/unit/params*.test.ts',
  'test/unit/fuzz-params.test.ts',
  'test/unit/formats.test.ts',
  'test/unit/schema.test.ts',
  'test/unit/usage.test.ts',
  'test/unit/render*.test.ts',
  'test/unit/config-file.test.ts',
  'test/unit/config-precedence.test.ts',
  'test/unit/config-concurrency.test.ts',
  'test/unit/globals.test.ts',
  'test/e2e/completion.test.ts',
  'test/e2e/foundation.test.ts',
  'test/e2e/long-output.test.ts',
  'test/e2e/params-cli.test.ts',
  'test/e2e/profile.test.ts',
  'test/e2e/profile-prompt.test.ts',
  'test/e2e/secret-messages.test.ts',
  'test/e2e/tasks.test.ts',
  'test/e2e/topic-query.test.ts',
  'test/e2e/verbs.test.ts',
];

export default defineConfig({
  test: {
    setupFiles: ['test/setup/require-ts.ts'],
    // The slowest tests (a dozen CLI runs in a row) take 7–8 s on an idle 2-core machine and 17–18 s at load
    // average 14 (measured); 60 s keeps a margin of three over that. helpers/cli.ts kills a child at 50 s, first.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // e2e tests spawn bin/run.js and servers; two cores, so keep the pool small. Forks, not threads: measured
    // slower here, and the e2e tests send signals and spawn children.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'shared', include: SHARED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ['test/**/*.test.ts'], exclude: SHARED } },
    ],
  },
});
