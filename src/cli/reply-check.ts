/** `--validate-reply` (DESIGN.md §3): the reply's `data` against the operation's `returns`, as the gateway checks it. */
import { CliError, ExitCode } from '../errors';
import type { Schema } from '../schema/load';
import type { Operation } from '../schema/types';

/** Violations listed at most: a list of 10,000 bad rows needs a few examples, not 10,000 lines. */
const LISTED = 20;

/** Throws exit 7 with the violations listed when `data` breaks the schema; an operation without `returns` passes. */
export function checkReply(schema: Schema, op: Operation, data: unknown): void {
  const { validateReply } = require('../params') as typeof import('../params');
  const violations = validateReply(schema, op, data);
  if (!violations?.length) return;
  const lines = violations.slice(0, LISTED).map((v) => `${v.path || '/'}: ${v.message}`);
  if (violations.length > LISTED) lines.push(`… and ${violations.length - LISTED} more`);
  const count = violations.length === 1 ? '1 violation' : `${violations.length} violations`;
  throw new CliError(`the reply to ${op.method} ${op.path} does not match the schema ${schema.id} (${count}):\n${lines.join('\n')}`, ExitCode.api);
}
