/**
 * Integers beyond ±2^53 go out exactly as typed, or are refused naming the parameter (exit 2): never rounded.
 * A JSON/YAML number that large was rounded when read, so it is refused; a quoted one is exact.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
process.env.PVECLI_SCHEMA_ROOT = join(__dirname, '../../schema');
import { ExitCode, UsageError } from '../../src/errors';
import { encodeParams, paramErrorLine, parseArgs, validateParams, validateWire } from '../../src/params';
import { coerceValue } from '../../src/params/coerce';
import { loadSchema } from '../../src/schema/load';
import type { Operation } from '../../src/schema/types';
import { usageError } from '../helpers/errors';

const pve = loadSchema('pve-9.2');
const qemuConfig = pve.operation('/nodes/{node}/qemu/{vmid}/config', 'PUT')!;
const qemuCreate = pve.operation('/nodes/{node}/qemu', 'POST')!;
const bulkStart = pve.operation('/cluster/bulk-action/guest/start', 'POST')!;
const replication = pve.operation('/cluster/replication/{id}', 'PUT')!;
const pbs = loadSchema('pbs-4');
const pbsIndex = pbs.operation('/backup/_upgrade_/fixed_index', 'PUT')!;

const DIGEST = '0'.repeat(64);
const CONFIG_PATH = { node: 'pve', vmid: '100' };

/** What the CLI would send for argv (or --input), after validation; throws what the CLI would print. */
function sent(op: Operation, argv: string[], path: Record<string, string> = CONFIG_PATH, input?: Record<string, unknown>) {
  const values = parseArgs(op, argv, { input });
  const errors = validateParams(op === pbsIndex ? pbs : pve, op, { ...path, ...values }).map(paramErrorLine);
  if (errors.length) throw new UsageError(errors.join('; '));
  return encodeParams(op, values);
}

describe('integers beyond 2^53', () => {
  it('are sent with the digits as typed when the schema allows them', () => {
    expect(sent(qemuConfig, ['--cores', '9007199254740993'])).toEqual({ cores: '9007199254740993' });
    expect(sent(qemuConfig, ['--cores', '99999999999999999999'])).toEqual({ cores: '99999999999999999999' });
    expect(sent(qemuConfig, ['--cores', '9007199254740992'])).toEqual({ cores: '9007199254740992' });
    // A property string travels as its text; its integer key is checked exactly.
    expect(sent(qemuConfig, ['--memory', '99999999999999999999'])).toEqual({ memory: '99999999999999999999' });
    // An array of integers with no maximum (PBS chunk offsets).
    expect(sent(pbsIndex, ['--wid', '1', '--digest-list', DIGEST, '--digest-list', DIGEST, '--offset-list', '1,18446744073709551615'], {})).toMatchObject({
      'offset-list': ['1', '18446744073709551615'],
    });
    // A `number` parameter given an integer keeps it exact too; a fraction is a float as before.
    expect(sent(replication, ['--rate', '9007199254740993'], { id: '100-0' })).toEqual({ rate: '9007199254740993' });
    expect(sent(replication, ['--rate', '1.5'], { id: '100-0' })).toEqual({ rate: '1.5' });
  });

  it('are checked against the schema exactly, and the message shows them as typed', () => {
    expect(usageError(() => sent(qemuCreate, ['--vmid', '99999999999999999999'], { node: 'pve' })).message).toContain(
      '--vmid: 99999999999999999999 is above the maximum 999999999',
    );
    expect(usageError(() => sent(qemuConfig, ['--cores', '-9007199254740993'])).message).toBe('--cores: -9007199254740993 is below the minimum 1');
    expect(usageError(() => sent(qemuConfig, ['--net0', 'virtio,bridge=vmbr0,tag=99999999999999999999'])).message).toBe(
      "--net0: key 'tag': 99999999999999999999 is above the maximum 4094",
    );
    expect(usageError(() => sent(bulkStart, ['--vms', '100,99999999999999999999'], {})).message).toContain('99999999999999999999 is above the maximum 999999999');
    // The mock checks wire strings with the same code.
    expect(validateWire(pve, qemuCreate, { node: 'pve', vmid: '9007199254740993' })).toEqual({ vmid: '9007199254740993 is above the maximum 999999999' });
  });

  it('from a JSON or YAML number are refused (already rounded when read); quoted, they are exact', () => {
    // eslint-disable-next-line no-loss-of-precision -- the point: a JSON number already rounded when read
    const err = usageError(() => sent(qemuConfig, [], CONFIG_PATH, { cores: 9007199254740993 }));
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.message).toMatch(/^--cores: an integer beyond ±9007199254740991 cannot be read exactly from a JSON or YAML number; quote it as a string$/);
    expect(usageError(() => sent(qemuConfig, [], CONFIG_PATH, { cores: 1e20 })).message).toMatch(/^--cores: an integer beyond/);
    expect(sent(qemuConfig, [], CONFIG_PATH, { cores: '9007199254740993' })).toEqual({ cores: '9007199254740993' });
    expect(sent(qemuConfig, [], CONFIG_PATH, { cores: 9007199254740991 })).toEqual({ cores: '9007199254740991' });
  });

  it('coerce to a bigint only where a number would round', () => {
    expect(coerceValue({ type: 'integer' }, '9007199254740991')).toEqual({ value: 9007199254740991 });
    expect(coerceValue({ type: 'integer' }, '+9007199254740993')).toEqual({ value: 9007199254740993n });
    expect(coerceValue({ type: 'number' }, '-9007199254740993')).toEqual({ value: -9007199254740993n });
    expect(coerceValue({ type: 'number' }, '1e400').error).toBe("value '1e400' is not a number");
  });
});
