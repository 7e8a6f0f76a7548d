import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { shellCommand, shellQuote } from '../../src/util/shell-quote';
import { waitErrorForCli, interruptedWait } from '../../src/cli/task-outcome';
import { TaskWaitTimeout } from '../../src/tasks/wait';
import { checkCredentials } from '../../src/config/credentials';
import type { PickedSettings } from '../../src/config/precedence';

const UPID = 'UPID:pve:0000A1B2:0001C3D4:65F0A1B2:qmstart:100:root@pam!ci:';

describe('shellQuote: hints that paste (issue 16 item 3)', () => {
  it('leaves plain words bare and single-quotes the rest; ! is always quoted', () => {
    expect(shellQuote('https://pve1:8006')).toBe('https://pve1:8006');
    expect(shellQuote('root@pam,x=y%+/-.')).toBe('root@pam,x=y%+/-.');
    expect(shellQuote('ci@pve!cli')).toBe("'ci@pve!cli'");
    expect(shellQuote('/nodes/{node}')).toBe("'/nodes/{node}'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
    expect(shellCommand('pvecli', 'task', 'wait', UPID)).toBe(`pvecli task wait '${UPID}'`);
  });

  it('a quoted word reaches the program unchanged through a POSIX shell', () => {
    for (const word of [UPID, "a'b!c", 'x y$HOME`z`', '*']) {
      expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' })).toBe(word);
    }
  });

  it('task hints quote the UPID', () => {
    expect((waitErrorForCli(new TaskWaitTimeout(UPID, 5)) as { hint: string }).hint).toBe(`follow it with: pvecli task wait '${UPID}'`);
    expect(interruptedWait(UPID).hint).toBe(`follow it with: pvecli task log '${UPID}' --follow`);
  });

  it('the credentials hint quotes the token ID placeholder', () => {
    const none = { value: undefined, source: 'default' };
    const picked = { tokenId: none, tokenSecret: none, username: none, password: none, service: { value: 'PVE' }, url: { value: 'https://h:8006' } } as unknown as PickedSettings;
    expect(() => checkCredentials(picked, 'lab')).toThrow(expect.objectContaining({ hint: expect.stringContaining("pvecli profile set lab token_id 'USER@REALM!NAME'") }));
  });
});
