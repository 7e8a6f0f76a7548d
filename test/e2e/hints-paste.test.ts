import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli';

// issue 16 item 3: help examples paste into bash as they are: no '!' outside single quotes (history expansion).
describe('help examples that paste', () => {
  it.each(['profile add', 'serve', 'mock serve'])('%s --help', async (command) => {
    const r = await runCli([...command.split(' '), '--help'], { env: isolatedEnv() });
    expect(r.code, r.stderr).toBe(0);
    const examples = r.stdout.split('EXAMPLES\n')[1].split('\n').filter((line) => line.includes('pvecli '));
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.some((line) => line.includes('!'))).toBe(true);
    for (const line of examples) expect(line.replace(/'[^']*'/g, ''), line).not.toContain('!');
  });
});
