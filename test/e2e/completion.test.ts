import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli } from '../helpers/cli';
import { startTestMock } from '../helpers/mock';

const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;
const hasFish = spawnSync('fish', ['-c', 'true']).status === 0;
/** Asynchronous, so the test mock in this process can answer the completion's request meanwhile. */
const run = promisify(execFile);

/**
 * The script `pvecli completion SHELL` prints, written once to a file that each completion sources: it does not
 * depend on the environment, and printing it goes through oclif, so once per shell instead of once per TAB.
 * (One test below still loads it the way users do, with eval "$(pvecli completion bash)".)
 */
const scriptFiles = new Map<string, Promise<string>>();
function completionScript(shell: 'bash' | 'zsh' | 'fish'): Promise<string> {
  let file = scriptFiles.get(shell);
  if (!file) {
    file = runCli(['completion', shell]).then((r) => {
      if (r.code !== 0 || !r.stdout) throw new Error(`pvecli completion ${shell} exited ${r.code}: ${r.stderr}`);
      const path = join(mkdtempSync(join(tmpdir(), 'pvecli-completion-')), `pvecli.${shell}`);
      writeFileSync(path, r.stdout);
      return path;
    });
    scriptFiles.set(shell, file);
  }
  return file;
}

interface BashCompletion {
  /** COMPREPLY: the text bash puts in place of the part of the word after its last break character */
  replies: string[];
  /** The command line as it reads after bash inserted each reply */
  lines: string[];
  wordbreaksBefore: string;
  wordbreaksAfter: string;
}

/**
 * Drive the real bash completion function as bash does on TAB at the end of `line`: COMP_LINE and COMP_POINT,
 * COMP_WORDS split at blanks and at COMP_WORDBREAKS characters, COMP_CWORD; then read COMPREPLY and COMP_WORDBREAKS.
 */
async function bashComplete(line: string, env: NodeJS.ProcessEnv): Promise<BashCompletion> {
  const script = `
pvecli() { "${process.execPath}" "${BIN}" "$@"; }
source ${shellQuote(await completionScript('bash'))}
before=$COMP_WORDBREAKS
COMP_LINE=${shellQuote(line)}
COMP_POINT=\${#COMP_LINE}
COMP_WORDS=()
word=''
for (( i = 0; i < \${#COMP_LINE}; i++ )); do
  c=\${COMP_LINE:i:1}
  if [[ $c == [[:blank:]] ]]; then
    [[ -n $word ]] && COMP_WORDS+=("$word"); word=''
  elif [[ $COMP_WORDBREAKS == *"$c"* ]]; then
    [[ -n $word ]] && COMP_WORDS+=("$word"); COMP_WORDS+=("$c"); word=''
  else
    word+=$c
  fi
done
COMP_WORDS+=("$word")
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
_pvecli_complete
printf 'before %q\\n' "$before"
printf 'after %q\\n' "$COMP_WORDBREAKS"
printf 'reply %s\\n' "\${COMPREPLY[@]}"
`;
  const out = (await run('bash', ['-c', script], { env, encoding: 'utf8' })).stdout.split('\n');
  const field = (tag: string) => out.filter((l) => l.startsWith(`${tag} `)).map((l) => l.slice(tag.length + 1));
  const replies = field('reply').filter(Boolean);
  // Readline replaces the text after the last blank or break character before the cursor.
  const wordbreaks = ` \t\n"'@><=;|&(:`;
  let start = line.length;
  while (start > 0 && !wordbreaks.includes(line[start - 1])) start--;
  return {
    replies,
    lines: replies.map((r) => line.slice(0, start) + r),
    wordbreaksBefore: field('before')[0],
    wordbreaksAfter: field('after')[0],
  };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The replies of one completion; every completion must leave the user's COMP_WORDBREAKS as it was. */
async function replies(line: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const r = await bashComplete(line, env);
  expect(r.wordbreaksAfter).toBe(r.wordbreaksBefore);
  return r.replies;
}

describe('shell completion in a real bash', () => {
  const env = isolatedEnv();
  it('eval "$(pvecli completion bash)" loads the script the other tests source, and registers it for pvecli', async () => {
    const script = `pvecli() { "${process.execPath}" "${BIN}" "$@"; }\neval "$(pvecli completion bash)"\ncomplete -p pvecli\ndeclare -f _pvecli_complete`;
    const { stdout } = await run('bash', ['-c', script], { env, encoding: 'utf8' });
    expect(stdout).toMatch(/^complete .*-F _pvecli_complete.* pvecli$/m);
    const sourced = (await run('bash', ['-c', `source ${shellQuote(await completionScript('bash'))}\ndeclare -f _pvecli_complete`], { env, encoding: 'utf8' })).stdout;
    expect(stdout).toContain(sourced);
  });
  it('completes API paths segment by segment', async () => {
    expect(await replies('pvecli get /no', env)).toEqual(['/nodes/']);
    expect(await replies('pvecli get no', env)).toEqual(['nodes/']);
    expect((await bashComplete('pvecli get nodes/pve/storage/local/content/local:iso/d', env)).lines).toEqual([
      'pvecli get nodes/pve/storage/local/content/local:iso/debian-13.1.0-amd64-netinst.iso',
    ]);
  });
  it('completes node names live from the current target (the built-in mock)', async () => {
    expect(await replies('pvecli get /nodes/', env)).toEqual(['/nodes/pve/', '/nodes/pve2/', '/nodes/pve3/']);
    // Completion's stderr is hidden and says nothing; a real command tells of the built-in mock.
    const first = await runCli(['get', '/version'], { env });
    expect(first.stderr).toMatch(/using the built-in mock Proxmox server/);
  });
  it('offers the guests of the node and type in the path, each node from its own listing', async () => {
    // One cache for all four: a second node or the other type must not get the first one's values.
    expect(await replies('pvecli get /nodes/pve/qemu/', env)).toEqual(['/nodes/pve/qemu/100/']);
    expect(await replies('pvecli get /nodes/pve/lxc/', env)).toEqual(['/nodes/pve/lxc/110/']);
    expect(await replies('pvecli get /nodes/pve2/qemu/', env)).toEqual(['/nodes/pve2/qemu/101/']);
    expect(await replies('pvecli get /nodes/pve2/lxc/', env)).toEqual(['/nodes/pve2/lxc/111/']);
    expect(await replies('pvecli get /nodes/pve3/qemu/1', env)).toEqual(['/nodes/pve3/qemu/102/']);
  });
  it('completes other listed values: storages of a node, pools, users', async () => {
    expect(await replies('pvecli get /nodes/pve2/storage/', env)).toEqual([
      '/nodes/pve2/storage/local/',
      '/nodes/pve2/storage/local-lvm/',
      '/nodes/pve2/storage/nfs-backup/',
    ]);
    expect(await replies('pvecli get /pools/', env)).toEqual(['/pools/prod']);
    expect(await replies('pvecli get /access/users/a', env)).toEqual(['/access/users/alice@pve/', '/access/users/auditor@pve/']);
  });
  it('completes values holding ":" and "@" without touching COMP_WORDBREAKS', async () => {
    const volume = await bashComplete('pvecli get /nodes/pve/storage/local/content/local:iso/d', env);
    expect(volume.replies).toEqual(['iso/debian-13.1.0-amd64-netinst.iso']);
    expect(volume.lines).toEqual(['pvecli get /nodes/pve/storage/local/content/local:iso/debian-13.1.0-amd64-netinst.iso']);
    const token = await bashComplete('pvecli get /access/users/root@pam/to', env);
    expect(token.lines).toEqual(['pvecli get /access/users/root@pam/token/']);
    expect(token.wordbreaksBefore).toContain(':');
    expect(token.wordbreaksAfter).toBe(token.wordbreaksBefore);
  });
  it('completes the flags of the resolved operation', async () => {
    expect(await replies('pvecli create /nodes/pve/qemu --me', env)).toEqual(['--memory']);
  });
  it('completes enum values, also as --flag=value', async () => {
    expect((await replies('pvecli get /cluster/resources --type ', env)).sort()).toEqual(['node', 'sdn', 'storage', 'vm']);
    expect((await bashComplete('pvecli get /cluster/resources --type=v', env)).lines).toEqual(['pvecli get /cluster/resources --type=vm']);
    expect((await bashComplete('pvecli get /version --output-format=js', env)).lines).toEqual([
      'pvecli get /version --output-format=json',
      'pvecli get /version --output-format=json-pretty',
    ]);
  });
  it('completes verbs and topics', async () => {
    expect(await replies('pvecli cr', env)).toEqual(['create']);
    expect(await replies('pvecli task ', env)).toEqual(['list', 'status', 'log', 'wait', 'stop']);
  });
  it('skips global options typed before the command, and applies them', async () => {
    expect(await replies('pvecli -o json get /no', env)).toEqual(['/nodes/']);
    expect(await replies('pvecli -p mock get /no', env)).toEqual(['/nodes/']);
    expect(await replies('pvecli --trace get /no', env)).toEqual(['/nodes/']);
    expect(await replies('pvecli --trace get /nodes/pve/qemu/', env)).toEqual(['/nodes/pve/qemu/100/']);
    expect(await replies('pvecli --schema pbs-4 get /ad', env)).toEqual(['/admin/']);
    expect(await replies('pvecli --schema pbs-4 get /cluster', env)).toEqual([]);
    expect(await replies('pvecli -q create /nodes/pve/qemu --me', env)).toEqual(['--memory']);
  });
  it('completes the values of global options before the command, and the command after them', async () => {
    expect(await replies('pvecli -o ', env)).toEqual(['text', 'table', 'wide', 'json', 'json-pretty', 'yaml']);
    expect((await bashComplete('pvecli --output-format=js', env)).lines).toEqual(['pvecli --output-format=json', 'pvecli --output-format=json-pretty']);
    expect(await replies('pvecli --schema pb', env)).toEqual(['pbs-4']);
    expect(await replies('pvecli -o json cr', env)).toEqual(['create']);
    expect(await replies('pvecli --no-human-readable task s', env)).toEqual(['status', 'stop']);
  });
  it('falls back to static completion when the server is unreachable', async () => {
    const dead = isolatedEnv({ PROXMOX_API_URL: 'https://127.0.0.1:9', PROXMOX_API_TOKEN_ID: 'a@pam!b', PROXMOX_API_TOKEN_SECRET: 'x' });
    const r = await runCli(['__complete', 'get', '/nodes/'], { env: dead });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });
});

describe('live values from another server', () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  beforeAll(async () => {
    mock = await startTestMock({ taskDuration: 0 });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('are cached per target: the built-in mock and a server with another guest list do not share values', async () => {
    const local = isolatedEnv();
    const remote = {
      ...local,
      PROXMOX_API_URL: mock.url,
      PROXMOX_API_TOKEN_ID: mock.env().PROXMOX_API_TOKEN_ID,
      PROXMOX_API_TOKEN_SECRET: mock.env().PROXMOX_API_TOKEN_SECRET,
      PROXMOX_API_FINGERPRINT: mock.fingerprint,
    };
    const created = await runCli(['create', '/nodes/pve/qemu', '--vmid', '200', '--name', 'extra'], { env: remote });
    expect(created.code).toBe(0);
    expect(await replies('pvecli get /nodes/pve/qemu/', local)).toEqual(['/nodes/pve/qemu/100/']);
    expect(await replies('pvecli get /nodes/pve/qemu/', remote)).toEqual(['/nodes/pve/qemu/100/', '/nodes/pve/qemu/200/']);
  });

  it('come from the profile named by -p before the command', async () => {
    const env = isolatedEnv({ REMOTE_SECRET: mock.env().PROXMOX_API_TOKEN_SECRET });
    const added = await runCli(
      ['profile', 'add', 'remote', '--url', mock.url, '--token-id', mock.env().PROXMOX_API_TOKEN_ID!, '--token-secret', 'env:REMOTE_SECRET', '--fingerprint', mock.fingerprint, '--use'],
      { env },
    );
    expect(added.code).toBe(0);
    const created = await runCli(['create', '/nodes/pve/qemu', '--vmid', '202', '--name', 'remote-only'], { env });
    expect(created.code).toBe(0);
    expect(await replies('pvecli -p remote get /nodes/pve/qemu/2', env)).toContain('/nodes/pve/qemu/202/');
    expect(await replies('pvecli -p mock get /nodes/pve/qemu/', env)).toEqual(['/nodes/pve/qemu/100/']);
    expect(await replies('pvecli -p ', env)).toEqual(['remote', 'mock']);
  });

  it('completes snapshot names, without the pseudo-snapshot "current"', async () => {
    const env = mock.env();
    const made = await runCli(['create', '/nodes/pve/lxc/110/snapshot', '--snapname', 'before-upgrade'], { env });
    expect(made.code).toBe(0);
    expect(await replies('pvecli delete /nodes/pve/lxc/110/snapshot/', env)).toEqual(['/nodes/pve/lxc/110/snapshot/before-upgrade/']);
  });
});

describe('profile names', () => {
  const env = isolatedEnv();
  beforeAll(async () => {
    for (const name of ['prod', 'lab']) {
      const r = await runCli(['profile', 'add', name, '--url', `https://${name}.example:8006`, '--token-id', 'ci@pve!cli', '--token-secret', 'env:PVE_TOKEN', '--insecure'], { env });
      expect(r.code).toBe(0);
    }
  });

  it('completes -p and --profile with the configured profiles and the built-in mock', async () => {
    expect(await replies('pvecli get /version -p ', env)).toEqual(['prod', 'lab', 'mock']);
    expect(await replies('pvecli ls --profile l', env)).toEqual(['lab']);
    expect((await bashComplete('pvecli get /version --profile=pr', env)).lines).toEqual(['pvecli get /version --profile=prod']);
    expect(await replies('pvecli task list -p ', env)).toEqual(['prod', 'lab', 'mock']);
  });

  it('completes the profile argument of the profile subcommands', async () => {
    expect(await replies('pvecli profile use ', env)).toEqual(['prod', 'lab', 'mock']);
    expect(await replies('pvecli profile show p', env)).toEqual(['prod']);
    expect(await replies('pvecli profile verify ', env)).toEqual(['prod', 'lab', 'mock']);
    expect(await replies('pvecli profile remove ', env)).toEqual(['prod', 'lab']);
    expect(await replies('pvecli profile rename ', env)).toEqual(['prod', 'lab']);
    expect(await replies('pvecli profile set ', env)).toEqual(['prod', 'lab']);
    expect(await replies('pvecli profile set lab token_', env)).toEqual(['token_id', 'token_secret']);
    expect(await replies('pvecli profile rename lab ', env)).toEqual([]);
  });
});

describe.skipIf(!hasZsh)('shell completion in zsh', () => {
  /** compinit scans every completion function (1–3 s); it does once, into a dump file the other runs load with -C. */
  let dump: Promise<string> | undefined;
  function compinitDump(): Promise<string> {
    dump ??= (async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'pvecli-zsh-')), 'zcompdump');
      await run('zsh', ['-f', '-c', `autoload -Uz compinit && compinit -u -d ${shellQuote(file)}`], { encoding: 'utf8' });
      return file;
    })();
    return dump;
  }

  /** Run the zsh function with `words`/`CURRENT` as the completion system sets them, compadd recording what it is given. */
  async function zshComplete(words: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
    const script = `
autoload -Uz compinit && compinit -C -d ${shellQuote(await compinitDump())}
pvecli() { "${process.execPath}" "${BIN}" "$@"; }
source ${shellQuote(await completionScript('zsh'))}
whence -w _pvecli
compadd() { print -r -- "added \${@[-1]}"; }
words=(${words.map(shellQuote).join(' ')})
CURRENT=\${#words}
_pvecli
`;
    const { stdout: out } = await run('zsh', ['-f', '-c', script], { env, encoding: 'utf8' });
    expect(out).toContain('_pvecli: function');
    return out.split('\n').filter((l) => l.startsWith('added ')).map((l) => l.slice(6));
  }

  it('completes paths and live values by node and type', async () => {
    const env = isolatedEnv();
    expect(await zshComplete(['pvecli', 'get', '/no'], env)).toEqual(['/nodes/']);
    expect(await zshComplete(['pvecli', 'ls', 'clu'], env)).toEqual(['cluster/']);
    expect(await zshComplete(['pvecli', 'get', '/nodes/pve/lxc/'], env)).toEqual(['/nodes/pve/lxc/110/']);
    expect(await zshComplete(['pvecli', 'get', '/nodes/pve2/qemu/'], env)).toEqual(['/nodes/pve2/qemu/101/']);
    expect(await zshComplete(['pvecli', 'get', '/nodes/pve/storage/local/content/local:v'], env)).toEqual([
      '/nodes/pve/storage/local/content/local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst',
    ]);
  });

  it('completes profile names', async () => {
    const env = isolatedEnv();
    const r = await runCli(['profile', 'add', 'home', '--url', 'https://home.example:8006', '--token-id', 'me@pve!cli', '--token-secret', 'env:T', '--insecure'], { env });
    expect(r.code).toBe(0);
    expect(await zshComplete(['pvecli', 'get', '/version', '-p', ''], env)).toEqual(['home', 'mock']);
  });
});

describe.skipIf(!hasFish)('shell completion in fish', () => {
  /** fish's own `complete -C LINE` completes LINE as if TAB was pressed at its end. */
  async function fishComplete(line: string, env: NodeJS.ProcessEnv): Promise<string[]> {
    const script = `
function pvecli; "${process.execPath}" "${BIN}" $argv; end
source ${shellQuote(await completionScript('fish'))}
complete -C ${shellQuote(line)}
`;
    const { stdout } = await run('fish', ['--no-config', '-c', script], { env, encoding: 'utf8' });
    return stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
  }

  it('completes commands, live values by node and type, and flag values', async () => {
    const env = isolatedEnv();
    expect(await fishComplete('pvecli cr', env)).toEqual(['create']);
    expect(await fishComplete('pvecli get /nodes/pve/qemu/', env)).toEqual(['/nodes/pve/qemu/100/']);
    expect(await fishComplete('pvecli get /nodes/pve2/lxc/', env)).toEqual(['/nodes/pve2/lxc/111/']);
    expect(await fishComplete('pvecli get /version --output-format=json-', env)).toEqual(['--output-format=json-pretty']);
  });

  it('completes profile names, and file names where pvecli has no candidates', async () => {
    const env = isolatedEnv();
    const r = await runCli(['profile', 'add', 'home', '--url', 'https://home.example:8006', '--token-id', 'me@pve!cli', '--token-secret', 'env:T', '--insecure'], { env });
    expect(r.code).toBe(0);
    expect(await fishComplete('pvecli get /version -p ', env)).toEqual(['home', 'mock']);
    expect(await fishComplete(`pvecli create /pools --input ${env.HOME}/.config/pvecli/con`, env)).toEqual([`${env.HOME}/.config/pvecli/config.yaml`]);
  });
});
