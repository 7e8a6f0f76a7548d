import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli';
import { GLOBAL_OPTIONS } from '../../src/cli/global-options';

// Issue 16 item 5: every help page shows the global options (a short block and a pointer to the full list), and
// oclif's parse errors come out as pvecli's one `pvecli:` line with a hint, exit 2.

const env = isolatedEnv();

describe('help lists the global options', () => {
  for (const args of [[], ['--help'], ['help'], ['profile'], ['get', '--help'], ['get', '/nodes', '--help'], ['profile', '--help'], ['help', 'task'], ['create', '/nodes/{node}/qemu', '--help']]) {
    it(`pvecli ${args.join(' ')}`, async () => {
      const r = await runCli(args, { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/(GLOBAL OPTIONS|Global options:)\n/);
      for (const flag of ['-p, --profile NAME', '-o, --output-format FORMAT', '--fields a,b', '--dry-run', '--trace', '-q, --quiet']) expect(r.stdout).toContain(flag);
      expect(r.stdout).toContain(`'pvecli help options' lists all ${GLOBAL_OPTIONS.length} global options.`);
    });
  }

  it('pvecli help options lists every global option with its environment variable', async () => {
    const r = await runCli(['help', 'options'], { env });
    expect(r.code).toBe(0);
    for (const o of GLOBAL_OPTIONS) expect(r.stdout).toMatch(new RegExp(`--${o.name}\\b`));
    expect(r.stdout).toContain('--request-timeout S');
    expect(r.stdout).toContain('env PROXMOX_API_TIMEOUT');
    expect(r.stdout).toContain('env PVECLI_PROFILE');
  });
});

describe("oclif's errors as pvecli's", () => {
  async function refused(args: string[]) {
    const r = await runCli(args, { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^pvecli: /);
    expect(lines[1]).toMatch(/^hint: /);
    expect(r.stderr).not.toMatch(/See more help|undefined|Error:|\s+at /);
    return lines;
  }

  it('pvecli completion without a shell names the choices and shows how', async () => {
    const [what, hint] = await refused(['completion']);
    expect(what).toBe("pvecli: 'completion' needs SHELL (bash, zsh, fish)");
    expect(hint).toBe('hint: e.g. eval "$(pvecli completion bash)"');
  });

  it('pvecli -v: an unknown option, pointing at --version', async () => {
    const [what, hint] = await refused(['-v']);
    expect(what).toBe("pvecli: unknown option '-v'");
    expect(hint).toContain('--version (or -V) prints the version');
  });

  it('profile set m1 --timeout 5: the key is a plain word', async () => {
    const [what, hint] = await refused(['profile', 'set', 'm1', '--timeout', '5']);
    expect(what).toBe("pvecli: unknown option '--timeout' for 'profile set'");
    expect(hint).toContain('a key is a plain word: pvecli profile set m1 timeout 5');
  });

  it('an unknown flag of a topic command and a bad argument value', async () => {
    const [what, hint] = await refused(['task', 'list', '--bogus']);
    expect(what).toBe("pvecli: unknown option '--bogus' for 'task list'");
    expect(hint).toBe('hint: see pvecli task list --help');
    const [bad] = await refused(['completion', 'fishy']);
    expect(bad).toContain('fishy');
    expect(bad).toContain('bash, zsh, fish');
  });

  it('a global option with no command', async () => {
    const [what] = await refused(['-p', 'mock']);
    expect(what).toBe("pvecli: '-p' needs a command after it");
  });
});
