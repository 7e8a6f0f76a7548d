/**
 * The detail of `--trace` (issue 16): request and reply headers and bodies, one line each, secrets redacted,
 * bodies cut at TRACE_BODY_LIMIT bytes with their total size shown. The one-line summary of each exchange
 * (method, URL, status, time) is the `trace` hook's; these lines go to `traceDetail`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { REDACTED, type Redactor, isSecretParam, redactForm } from './redact';

/** Bytes of a body shown; the rest is counted, not kept. */
export const TRACE_BODY_LIMIT = 4096;

/** Headers that carry credentials: their values are never shown whole. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'csrfpreventiontoken']);

/** A Proxmox-family ticket wherever it appears (`PVE:root@pam:65A1B2C3::base64…`, `PBS:…`, `PMGQUAR:…`). */
const TICKET = /\b(P(VE|BS|MG|DM)[A-Z]*:[^\s"':]*:[0-9A-Fa-f]{8}::)[A-Za-z0-9+/=_-]+/g;

/** A JSON string member, its value possibly cut off by the truncation: `"key": "value"` or `"key": "valu`. */
const JSON_MEMBER = /"((?:[^"\\]|\\.)*)"(\s*:\s*)"((?:[^"\\]|\\.)*)("|$)/g;

/** Media types shown as text; anything else (an ISO, a backup) is only counted. */
const TEXTUAL = /json|text\/|x-www-form-urlencoded|xml|javascript/i;

/** A header's value for the trace: credentials reduced to what identifies them (scheme, cookie or token name). */
export function traceHeaderValue(name: string, value: string, redactor: Redactor): string {
  const lower = name.toLowerCase();
  if (!SECRET_HEADERS.has(lower)) return redactor.redact(value);
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    // `PVEAPIToken=user@realm!name=SECRET`, `PBSAPIToken=user@realm!name:SECRET`: the token ID stays.
    const token = /^(\S+APIToken=.*[=:])[^=:]*$/.exec(value);
    if (token) return `${token[1]}${REDACTED}`;
    const scheme = /^(\S+)\s/.exec(value);
    return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
  }
  if (lower === 'cookie' || lower === 'set-cookie') {
    return value.replace(/(^|;\s*)([^=;\s]+)=[^;]*/g, (_, lead: string, key: string) => `${lead}${key}=${REDACTED}`);
  }
  return REDACTED;
}

/** `> name: value` lines (or `<`), in the order given. */
export function headerLines(mark: '>' | '<', headers: Record<string, string> | IncomingHttpHeaders, redactor: Redactor): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [String(value)]) lines.push(`${mark} ${name}: ${traceHeaderValue(name, one, redactor)}`);
  }
  return lines;
}

/** A new API token's secret comes back as `value` (POST /access/users/{userid}/token/{tokenid}). */
function secretInReply(key: string, path: string): boolean {
  return isSecretParam(key, path) || (key === 'value' && /\/access\/users\/[^/]+\/token\//.test(path));
}

/** A body's text with secret-named fields (JSON or form), tickets and every known secret replaced. */
export function redactBody(text: string, path: string, redactor: Redactor, contentType = ''): string {
  let out = /x-www-form-urlencoded/i.test(contentType) ? redactForm(text, path) : text;
  out = out.replace(JSON_MEMBER, (all, key: string, colon: string, _value: string, end: string) =>
    secretInReply(key, path) ? `"${key}"${colon}"${REDACTED}${end}` : all,
  );
  out = out.replace(TICKET, `$1${REDACTED}`);
  return redactor.redact(out);
}

/** One line of a body: control characters (line breaks too) written as escapes, so a body is one trace line. */
function visibleText(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** `> body (23 bytes): vmid=100&…`, cut at TRACE_BODY_LIMIT with the total named. */
export function bodyLine(mark: '>' | '<', head: Buffer, total: number, contentType: string, path: string, redactor: Redactor, complete = true): string {
  const size = `${total} byte${total === 1 ? '' : 's'}${complete ? '' : ' read, not to the end'}`;
  if (total === 0) return `${mark} body: empty`;
  if (contentType && !TEXTUAL.test(contentType)) return `${mark} body (${size}, ${contentType}): not shown`;
  const shown = head.subarray(0, TRACE_BODY_LIMIT);
  const cut = total > shown.length ? `, first ${shown.length} shown` : '';
  return `${mark} body (${size}${cut}): ${visibleText(redactBody(shown.toString('utf8'), path, redactor, contentType))}`;
}

/** The request body's line: text shown (redacted), a stream only counted (it is sent as it is read). */
export function requestBodyLine(body: string | Buffer | Readable | undefined, headers: Record<string, string>, path: string, redactor: Redactor): string | undefined {
  if (body === undefined) return undefined;
  const contentType = headers['content-type'] ?? '';
  if (body instanceof Readable) {
    const length = headers['content-length'];
    return `> body (${length ? `${length} bytes, ` : ''}${contentType || 'streamed'}): streamed, not shown`;
  }
  const buffer = typeof body === 'string' ? Buffer.from(body) : body;
  return bodyLine('>', buffer, buffer.length, contentType, path, redactor);
}

/**
 * Watches a reply body as its reader consumes it (it must already be piped: a second `data` listener does not
 * change the flow), keeping the first TRACE_BODY_LIMIT bytes; one line when it ends or is abandoned.
 */
export function watchReplyBody(body: Readable, contentType: string, path: string, redactor: Redactor, emit: (line: string) => void): void {
  const head: Buffer[] = [];
  let kept = 0;
  let total = 0;
  let done = false;
  body.on('data', (chunk: Buffer | string) => {
    const piece = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += piece.length;
    if (kept < TRACE_BODY_LIMIT) {
      head.push(piece.subarray(0, TRACE_BODY_LIMIT - kept));
      kept += Math.min(piece.length, TRACE_BODY_LIMIT - kept);
    }
  });
  const finish = (complete: boolean) => {
    if (done) return;
    done = true;
    emit(bodyLine('<', Buffer.concat(head), total, contentType, path, redactor, complete));
  };
  body.on('end', () => finish(true));
  body.on('close', () => finish(body.readableEnded));
}
