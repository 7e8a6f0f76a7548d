import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli } from '../helpers/cli';

// Issue 16 item 6: the completion scripts call `pvecli`; run from elsewhere (npx), the command says why they
// would find nothing. zsh without compinit still registers the completion.

describe('pvecli completion and PATH', () => {
  it('not on PATH (npx, a path): the script, and a note on stderr saying how to put it there', async () => {
    const r = await runCli(['completion', 'bash'], { env: isolatedEnv({ PATH: '/usr/bin:/bin' }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('complete -F _pvecli_complete pvecli');
    expect(r.stderr).toContain("pvecli: note: 'pvecli' is not on PATH");
    expect(r.stderr).toContain("npm install -g .");
    expect(r.stderr).toContain("'npx pvecli …' are not completed");
  });

  it('on PATH: the script alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvecli-bin-'));
    writeFileSync(join(dir, 'pvecli'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(dir, 'pvecli'), 0o755);
    const r = await runCli(['completion', 'zsh'], { env: isolatedEnv({ PATH: `${dir}:/usr/bin:/bin` }) });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    // A bare zsh (no compinit in ~/.zshrc) gets compinit from the script.
    expect(r.stdout).toContain('if ! (( $+functions[compdef] )); then autoload -Uz compinit && compinit; fi');
  });

  it('bash completes file names only for a flag that takes a file (no -o default fallback)', async () => {
    const r = await runCli(['completion', 'bash'], { env: isolatedEnv() });
    expect(r.stdout).not.toContain('-o default');
    expect(r.stdout).toContain('compgen -f');
  });
});

describe.runIf(spawnSync('zsh', ['-c', 'true']).status === 0)('zsh without compinit', () => {
  it('eval "$(pvecli completion zsh)" in a bare zsh registers _pvecli for pvecli', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvecli-bin-'));
    writeFileSync(join(dir, 'pvecli'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(dir, 'pvecli'), 0o755);
    const env = isolatedEnv({ PATH: `${dir}:/usr/bin:/bin` });
    const r = spawnSync('zsh', ['-f', '-c', 'eval "$(pvecli completion zsh)"; print -r -- "comp=${_comps[pvecli]}"'], { env, encoding: 'utf8', cwd: String(env.HOME) });
    expect(r.stdout).toContain('comp=_pvecli');
  });
});
