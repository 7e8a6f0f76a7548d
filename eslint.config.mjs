// The linter of .ci/run: ESLint's and typescript-eslint's recommended rules (syntax only, no type information, so a
// run takes seconds), with the project's deliberate patterns allowed.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'schema/', 'node_modules/', 'coverage/', '.tmp/', 'oclif.manifest.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Lazy `require()` keeps startup cheap: a one-shot command loads only the modules it uses (DESIGN.md §7).
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Terminal escape sequences are matched on purpose (colour codes, control characters in output).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', 'bin/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', performance: 'readonly' } },
  },
);
