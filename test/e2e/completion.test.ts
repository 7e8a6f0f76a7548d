import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli } from '../helpers/cli';

const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;

/** Drive the real bash completion function: set COMP_WORDS/COMP_CWORD as bash would, then read COMPREPLY. */
function bashComplete(line: string, env: NodeJS.ProcessEnv): string[] {
  const script = `
pvecli() { "${process.execPath}" "${BIN}" "$@"; }
eval "$(pvecli completion bash)"
COMP_LINE=${JSON.stringify(line)}
read -ra COMP_WORDS <<< "$COMP_LINE"
if [[ "$COMP_LINE" == *" " ]]; then COMP_WORDS+=(""); fi
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
_pvecli_complete
printf '%s\\n' "\${COMPREPLY[@]}"
`;
  return execFileSync('bash', ['-c', script], { env, encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('shell completion in a real bash', () => {
  const env = isolatedEnv();
  it('completes API paths segment by segment', () => {
    expect(bashComplete('pvecli get /no', env)).toEqual(['/nodes/']);
  });
  it('completes node names live from the current target (the built-in mock)', () => {
    expect(bashComplete('pvecli get /nodes/', env)).toEqual(['/nodes/pve/', '/nodes/pve2/', '/nodes/pve3/']);
  });
  it('completes the flags of the resolved operation', () => {
    expect(bashComplete('pvecli create /nodes/pve/qemu --me', env)).toEqual(['--memory']);
  });
  it('completes enum values', () => {
    expect(bashComplete('pvecli get /cluster/resources --type ', env).sort()).toEqual(['node', 'sdn', 'storage', 'vm']);
  });
  it('completes verbs and topics', () => {
    expect(bashComplete('pvecli cr', env)).toEqual(['create']);
    expect(bashComplete('pvecli task ', env)).toEqual(['list', 'status', 'log', 'wait', 'stop']);
  });
  it('falls back to static completion when the server is unreachable', async () => {
    const dead = isolatedEnv({ PROXMOX_API_URL: 'https://127.0.0.1:9', PROXMOX_API_TOKEN_ID: 'a@pam!b', PROXMOX_API_TOKEN_SECRET: 'x' });
    const r = await runCli(['__complete', 'get', '/nodes/'], { env: dead });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });
});

describe.skipIf(!hasZsh)('shell completion in zsh', () => {
  it('loads the zsh script and completes a path', () => {
    const script = `
autoload -Uz compinit && compinit -u
pvecli() { "${process.execPath}" "${BIN}" "$@"; }
eval "$(pvecli completion zsh)"
print -l -- \${(f)"$(pvecli __complete get /no)"}
whence -w _pvecli
`;
    const out = execFileSync('zsh', ['-f', '-c', script], { env: isolatedEnv(), encoding: 'utf8' });
    expect(out).toContain('/nodes/');
    expect(out).toContain('_pvecli: function');
  });
});
