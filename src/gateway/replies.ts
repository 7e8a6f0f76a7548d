/**
 * Replies checked against the operation's `returns` (DESIGN.md §8) with the validators generated at build time:
 * `warn` passes the reply on with `X-Pvecli-Response-Violations: N` and a log line per violation, `strict` answers
 * 502 with the violations instead, `off` does nothing. A streamed JSON reply is read up to a limit to be checked;
 * a larger one (or one that is not JSON) passes through unchecked, streamed, and says so in a header.
 */
import { Readable } from 'node:stream';
import { HttpError as UpstreamError } from '../http';
import { type ReplyViolation, validateReply } from '../params';
import type { Schema } from '../schema/load';
import type { Operation } from '../schema/types';
import { type Reply, errorReply } from '../server';
import { upstreamFailure } from './failure';
import type { Logger } from './log';

export type ResponseValidation = 'warn' | 'strict' | 'off';

/** Replies up to this size are held to be checked; larger ones stream through unchecked. */
const CHECK_LIMIT = 16 * 1024 * 1024;
/** Log lines per reply: a list of 10,000 bad rows needs a few examples, not 10,000 lines. */
const LOGGED = 20;

export const VIOLATIONS = 'X-Pvecli-Response-Violations';
const UNCHECKED = 'X-Pvecli-Response-Validation';

/** The whole body if it is at most `limit` bytes; else the bytes read and the rest, as one stream again. */
async function readUpTo(body: Readable, limit: number): Promise<{ whole?: Buffer; stream?: Readable }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const it = body[Symbol.asyncIterator]();
  for (;;) {
    const { value, done } = await it.next();
    if (done) return { whole: Buffer.concat(chunks) };
    const chunk = Buffer.isBuffer(value) ? value : Buffer.from(value as string);
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) {
      const rest = (async function* () {
        yield* chunks;
        for (let next = await it.next(); !next.done; next = await it.next()) yield next.value as Buffer;
      })();
      return { stream: Readable.from(rest, { objectMode: false }) };
    }
  }
}

/** The reply's `data`, or why it cannot be checked. */
async function dataOf(reply: Reply): Promise<{ data?: unknown; raw?: Reply; unchecked?: string }> {
  if (reply.raw === undefined) return { data: (reply.body as { data?: unknown } | undefined)?.data };
  if (!/^application\/json\b/i.test(String(reply.headers?.['content-type'] ?? ''))) return { unchecked: 'not JSON' };
  if (Buffer.isBuffer(reply.raw)) return parsed(reply, reply.raw);
  const { whole, stream } = await readUpTo(reply.raw, CHECK_LIMIT);
  if (stream) return { raw: { ...reply, raw: stream }, unchecked: `larger than ${CHECK_LIMIT} bytes` };
  return parsed(reply, whole!);
}

function parsed(reply: Reply, bytes: Buffer): { data?: unknown; raw: Reply; unchecked?: string } {
  const raw = { ...reply, raw: bytes };
  try {
    return { data: (JSON.parse(bytes.toString('utf8')) as { data?: unknown }).data, raw };
  } catch {
    return { raw, unchecked: 'not JSON' };
  }
}

const shown = (v: ReplyViolation) => `${v.path || '/'}: ${v.message}`;

export function replyChecker(schema: Schema, mode: ResponseValidation, log: Logger, onViolations: (op: Operation, count: number) => void) {
  return async (op: Operation, reply: Reply): Promise<Reply> => {
    if (mode === 'off' || reply.status !== 200) return reply;
    let read: Awaited<ReturnType<typeof dataOf>>;
    try {
      read = await dataOf(reply);
    } catch (err) {
      // The upstream broke off or timed out while the reply was read for the check.
      if (err instanceof UpstreamError) return upstreamFailure(err);
      throw err;
    }
    const { data, raw, unchecked } = read;
    const out = raw ?? reply;
    if (unchecked) return { ...out, headers: { ...out.headers, [UNCHECKED]: `unchecked: ${unchecked}` } };
    const violations = validateReply(schema, op, data);
    if (!violations?.length) return out;
    onViolations(op, violations.length);
    const operation = `${op.method} ${op.path}`;
    for (const v of violations.slice(0, LOGGED)) log.warn('reply breaks the schema', { operation, at: v.path || '/', violation: v.message });
    if (mode === 'strict') {
      const errors = Object.fromEntries(violations.slice(0, LOGGED).map((v) => [v.path || '/', v.message]));
      const refused = errorReply(502, `upstream reply to ${operation} does not match the schema: ${violations.slice(0, 3).map(shown).join('; ')}`, errors);
      return { ...refused, headers: { ...refused.headers, [VIOLATIONS]: violations.length } };
    }
    return { ...out, headers: { ...out.headers, [VIOLATIONS]: violations.length } };
  };
}
