import { describe, expect, it } from 'vitest';
import { leadingGlobalsEnd, splitGlobals } from '../../src/cli/globals';
import { bareWatchValue } from '../../src/cli/watch-args';

describe('--watch [SECONDS]: a value that may be left out', () => {
  it('takes the next word only when it is a number', () => {
    expect(splitGlobals(['/nodes', '--watch']).globals.watch).toBe(2);
    expect(splitGlobals(['/nodes', '--watch', '5']).globals.watch).toBe(5);
    expect(splitGlobals(['/nodes', '--watch=0.5']).globals.watch).toBe(0.5);
    const before = splitGlobals(['--watch', '/nodes', '--type', 'vm']);
    expect(before.globals.watch).toBe(2);
    expect(before.positionals).toEqual(['/nodes']);
    expect(() => splitGlobals(['/nodes', '--watch=soon'])).toThrow(/--watch/);
  });

  it('before the command, it moves behind it with or without its value', () => {
    expect(leadingGlobalsEnd(['--watch', 'get', '/nodes'])).toBe(1);
    expect(leadingGlobalsEnd(['--watch', '3', 'get', '/nodes'])).toBe(2);
  });

  it('oclif commands get the default written in for a bare --watch', () => {
    expect(bareWatchValue(['--running', '--watch'])).toEqual(['--running', '--watch=2']);
    expect(bareWatchValue(['--watch', '5', '--running'])).toEqual(['--watch', '5', '--running']);
  });
});

describe('many-target options', () => {
  it('--where adds up, --parallel is a whole number from 1, positions of the paths are kept', () => {
    const r = splitGlobals(['/a', '--where', 'status=running', '/b', '--where', 'tags~web', '--parallel', '8', '--yes']);
    expect(r.globals).toMatchObject({ where: ['status=running', 'tags~web'], parallel: 8, yes: true });
    expect(r.positionals).toEqual(['/a', '/b']);
    expect(r.positionalAt).toEqual([0, 3]);
    expect(() => splitGlobals(['--parallel', '0'])).toThrow(/whole number from 1/);
    expect(() => splitGlobals(['--parallel', '2.5'])).toThrow(/whole number from 1/);
  });
});
