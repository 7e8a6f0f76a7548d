/**
 * The message an error reply carries, whoever sent it: Proxmox (the reason phrase, `message`, `errors`), a FastAPI
 * service (`detail`: a string, or a list of `{loc, msg}`), another gateway (`error`), a plain-text or HTML body
 * from a proxy. One line, sanitised and bounded: a server's body is not to be trusted with the user's terminal.
 */

/** The longest message shown from a body; more is cut with an ellipsis. */
export const MESSAGE_LIMIT = 300;

/** Terminal escape sequences whole (CSI `ESC [ … final`, OSC `ESC ] … BEL`), so no `[2J` is left behind. */
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]/g;
/** C0 and C1 controls and DEL: a body's text must not move the cursor or retitle the terminal. */
const CONTROLS = /[\x00-\x1f\x7f-\x9f]+/g;

export interface BodyMessage {
  /** The body's own message, one line, when it has one. */
  message?: string;
  /** Per-parameter messages (Proxmox's `errors`, FastAPI's `detail` items that name a field). */
  paramErrors: Record<string, string>;
}

/** One line: control characters become spaces, runs of blanks one space, at most `limit` characters. */
export function oneLine(text: string, limit = MESSAGE_LIMIT): string {
  const line = text.replace(ESCAPES, ' ').replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
}

/** What an error body says, JSON or text. */
export function bodyMessage(body: string, contentType = ''): BodyMessage {
  const text = body.trim();
  if (!text) return { paramErrors: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { message: textMessage(text, contentType), paramErrors: {} };
  }
  if (typeof parsed === 'string') return { message: nonEmpty(oneLine(parsed)), paramErrors: {} };
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { paramErrors: {} };
  const obj = parsed as Record<string, unknown>;
  const paramErrors: Record<string, string> = {};
  if (obj.errors && typeof obj.errors === 'object' && !Array.isArray(obj.errors)) {
    // Kept exact (trimmed), as Proxmox sent them: the CLI escapes their controls on a terminal.
    for (const [name, msg] of Object.entries(obj.errors)) paramErrors[name] = valueText(msg).trim();
  }
  const detail = detailMessage(obj.detail, paramErrors);
  const message = firstString(obj.message, detail, errorField(obj.error));
  // Proxmox's `message` repeats the reason phrase with a newline: trimmed, it stays exact as before.
  if (message !== undefined && message === obj.message) return { message: nonEmpty(message.trim()), paramErrors };
  return { message: message === undefined ? undefined : nonEmpty(oneLine(message)), paramErrors };
}

/**
 * FastAPI's `detail`: a string (HTTPException), or validation items `{loc: ['body', 'vmid'], msg, type}`. Items
 * that name a field go to `paramErrors` under the field's name (shown as the hint, as Proxmox's `errors` are);
 * the others make the message. All of them naming fields: no message, the reason phrase says the rest.
 */
function detailMessage(detail: unknown, paramErrors: Record<string, string>): string | undefined {
  if (typeof detail === 'string') return detail;
  if (!Array.isArray(detail)) return detail && typeof detail === 'object' ? valueText(detail) : undefined;
  const others: string[] = [];
  for (const item of detail) {
    const { loc, msg } = (item && typeof item === 'object' ? item : {}) as { loc?: unknown; msg?: unknown };
    const text = typeof msg === 'string' ? msg : valueText(item);
    // `['body', 'vmid']`, `['query', 'node']`: the field is the last element; the first says where it was.
    const where = Array.isArray(loc) ? loc.map(String) : [];
    if (where.length > 1) paramErrors[where[where.length - 1]] = oneLine(text);
    else others.push(where.length ? `${where[0]}: ${text}` : text);
  }
  return others.length ? others.join('; ') : undefined;
}

/** `{"error": "…"}` or `{"error": {"message": "…"}}`, as other gateways answer. */
function errorField(error: unknown): string | undefined {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') return firstString((error as { message?: unknown }).message);
  return undefined;
}

/** A text body: its first non-blank line; of HTML, the page's title or first heading (not its markup). */
function textMessage(text: string, contentType: string): string | undefined {
  if (/html/i.test(contentType) || /^<(!doctype|html|\?xml)/i.test(text)) {
    const heading = /<title[^>]*>([^<]*)<\/title>/i.exec(text) ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(text);
    return heading ? nonEmpty(oneLine(decodeEntities(heading[1]))) : undefined;
  }
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '');
  return first === undefined ? undefined : nonEmpty(oneLine(first));
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return text.replace(/&(#\d+|[a-z]+);/gi, (all, name: string) =>
    name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1)) || 0x20) : (named[name.toLowerCase()] ?? all),
  );
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.trim() !== '');
}

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

function nonEmpty(text: string): string | undefined {
  return text === '' ? undefined : text;
}
