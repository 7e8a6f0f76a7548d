// The sources load some modules lazily with require() (startup budget). Under vitest those calls reach Node's
// CommonJS loader, which knows no TypeScript: teach it .ts with esbuild, the same transpiler the build uses.
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { transformSync } from 'esbuild';

const extensions = (Module as unknown as { _extensions: Record<string, (m: { _compile(code: string, file: string): void }, file: string) => void> })._extensions;
if (!extensions['.ts']) {
  extensions['.ts'] = (module, filename) => {
    const { code } = transformSync(readFileSync(filename, 'utf8'), { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: filename });
    module._compile(code, filename);
  };
}
