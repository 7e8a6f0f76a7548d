/** The import-layer check of .ci/run: the project's tree passes, and a tree breaking each rule is caught. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

// @ts-expect-error -- a plain .mjs script without types
const { checkImports } = (await import('../../scripts/check-imports.mjs')) as { checkImports: (root?: string) => string[] };

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pvecli-imports-'));
  for (const [path, text] of Object.entries({ 'commands/x.ts': '', ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('check-imports', () => {
  it('the project keeps its layers', () => {
    expect(checkImports()).toEqual([]);
  });

  it('catches an upward import, a circle, files and prompts in the core, and the mock reading config', () => {
    const problems = checkImports(
      tree({
        'src/http/client.ts': "import { readFileSync } from 'node:fs';\nimport type { G } from '../cli/globals';\nprocess.stderr.write('x');",
        'src/http/ask.ts': "const p = await import('@inquirer/prompts');",
        'src/cli/globals.ts': "export type G = 1;\n// import { x } from '../commands/x'; (a comment is no import)",
        'src/config/a.ts': "import { b } from '../schema/b';",
        'src/schema/b.ts': "import { a } from '../config/a';",
        'src/mock/state.ts': "import { stateDir } from '../config/paths';",
        'src/config/paths.ts': '',
      }),
    );
    expect(problems.join('\n')).toMatch(/src\/http\/client\.ts: src\/http must not import 'node:fs'/);
    expect(problems.join('\n')).toMatch(/src\/http\/client\.ts: src\/http must not import src\/cli/);
    expect(problems.join('\n')).toMatch(/src\/http\/client\.ts: only src\/cli and commands use the process's streams/);
    expect(problems.join('\n')).toMatch(/src\/http\/ask\.ts: only src\/cli and commands prompt/);
    expect(problems.join('\n')).toMatch(/circle between folders: (config → schema → config|schema → config → schema)/);
    expect(problems.join('\n')).toMatch(/src\/mock\/state\.ts: src\/mock must not import src\/config/);
    expect(problems.join('\n')).not.toMatch(/commands\/x/);
  });
});
