import { type Duplex, PassThrough, Readable } from 'node:stream';
import { type Authenticator, createAuthenticator, type LoginReply } from './auth';
import { exchangeDeadline } from './deadline';
import { HttpError, isConnectionReset, replyError, transportError } from './errors';
import { authority, resolveProxy } from './proxy';
import { Redactor } from './redact';
import { RETRYABLE_STATUS, backoffMs, isIdempotent, retryAfterMs, sleep } from './retry';
import { sizeText } from '../util/size-text';
import { jsonDepthOver, MAX_JSON_DEPTH } from '../util/json-depth';
import { DEFAULT_MAX_REPLY_BYTES, type ConnectionSettings } from './settings';
import { memoryTicketStore } from './ticket';
import { tlsPolicy } from './tls';
import { createTransport, openConnection, type ConnectPlan, type Transport } from './transport';
import type { ApiClient, ApiRequest, ClientHooks, ExchangeReply } from './types';
import { encodeParams, hostAndPort, paramsInQuery, parseTarget, siteUrl, targetUrl } from './url';
import { headerLines, requestBodyLine, watchReplyBody } from './trace';
import { bodyMessage, oneLine } from './reply-message';

const USER_AGENT = 'pvecli';
/** An error body worth reading into a message; larger ones are cut (they are not Proxmox's JSON anyway). */
const ERROR_BODY_LIMIT = 1 << 20;
/** Where the reply limit is set, for the hint (the core knows environment variables, not the CLI's flags). */
const REPLY_LIMIT_HINT = 'PVECLI_MAX_REPLY_MB (MiB)';

/** One exchange after encoding: the layers below add auth, retries, the connection and its limits. */
interface Outgoing {
  method: string;
  url: URL;
  /** For messages: `GET /nodes/pve/status`. */
  label: string;
  headers: Record<string, string>;
  body?: string | Buffer | Readable;
  withAuth: boolean;
  /** Overrides settings.timeout for this exchange. */
  timeoutS?: number;
  signal?: AbortSignal;
}

type Send = (out: Outgoing) => Promise<ExchangeReply>;

/**
 * The HTTP core as a client: `exchange` sends one request (auth attached, safe retries, TLS policy, proxy,
 * timeouts) and returns status, headers and a streaming body; `request` is the `data` unwrap on top of it.
 * Errors are HttpErrors (a kind, and a status when there was a reply), with every known secret redacted.
 */
export function createClient(settings: ConnectionSettings, hooks: ClientHooks = {}): ApiClient {
  const redactor = new Redactor();
  const connection = new Connection(settings, hooks, redactor);
  const send = withRetry(connection.send, settings, connection.trace);
  const auth = createAuthenticator(settings, (form) => login(send, settings, form), redactor, {
    tickets: hooks.tickets ?? memoryTicketStore(),
    askSecondFactor: hooks.askSecondFactor,
    warn: (line) => hooks.warn?.(redactor.redact(line)),
  });
  const authed = withAuth(send, auth);
  const redacted = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw redactError(err, redactor);
    }
  };

  return {
    exchange: (req) =>
      redacted(() => {
        const out = outgoing(settings, req.method, req.path, req.query ?? '', req.signal);
        if (req.outsideApi) out.url = siteUrl(settings, req.path);
        Object.assign(out.headers, req.headers);
        out.body = req.body;
        return authed(out);
      }),
    request: <T>(req: ApiRequest) =>
      redacted(async () => {
        const inQuery = paramsInQuery(req.method);
        const out = outgoing(settings, req.method, req.path, inQuery ? encodeParams(req.params) : '', req.signal);
        out.timeoutS = req.timeoutS;
        if (req.body) {
          out.body = req.body.stream;
          out.headers['content-type'] = req.body.contentType;
          out.headers['content-length'] = String(req.body.length);
        } else if (!inQuery) {
          out.body = req.json ? JSON.stringify(req.params ?? {}) : encodeParams(req.params);
          out.headers['content-type'] = req.json ? 'application/json' : 'application/x-www-form-urlencoded';
        }
        const reply = await authed(out);
        const ok = reply.status < 300;
        const text = await readText(reply, ok ? (settings.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES) : ERROR_BODY_LIMIT, !ok, out.label);
        return unwrap<T>(reply, text, out.label, hooks.credentialsHint ?? CREDENTIALS_HINT);
      }),
    upgradeTarget: (path, query, signal) =>
      redacted(async () => {
        await auth.prepare();
        const out = outgoing(settings, 'GET', path, query, signal);
        const socket = await connection.open(out.label, signal);
        return { socket, url: out.url, headers: { 'user-agent': USER_AGENT, ...auth.headers('GET') } };
      }),
    async close() {
      connection.close();
    },
  };
}

function outgoing(settings: ConnectionSettings, method: string, path: string, query: string, signal?: AbortSignal): Outgoing {
  return {
    method,
    url: targetUrl(settings, path, query),
    label: `${method} ${path}`,
    headers: { accept: 'application/json', 'user-agent': USER_AGENT },
    withAuth: true,
    signal,
  };
}

/** POST /access/ticket for the authenticator: no credentials attached, never retried (the retry layer sends POST once). */
async function login(send: Send, settings: ConnectionSettings, form: Record<string, string>): Promise<LoginReply> {
  const out = outgoing(settings, 'POST', '/access/ticket', '');
  out.withAuth = false;
  out.body = encodeParams(form);
  out.headers['content-type'] = 'application/x-www-form-urlencoded';
  const reply = await send(out);
  const text = await readText(reply, ERROR_BODY_LIMIT, reply.status >= 300);
  return (unwrap<LoginReply>(reply, text, out.label) ?? {}) as LoginReply;
}

/** The auth layer: credentials on every request; a 401 on credentials that can be renewed → renew once, resend. */
function withAuth(send: Send, auth: Authenticator): Send {
  return async (out) => {
    await auth.prepare();
    const generation = auth.generation();
    const attempt = () => send({ ...out, headers: { ...out.headers, ...auth.headers(out.method) } });
    const reply = await attempt();
    // A stream was consumed by the first attempt: its 401 goes back to the caller.
    if (reply.status !== 401 || out.body instanceof Readable) return reply;
    const text = await readText(reply, ERROR_BODY_LIMIT, true);
    if (await auth.refresh(generation)) return attempt();
    return { ...reply, body: Readable.from([Buffer.from(text)]) };
  };
}

/** The retry layer (DESIGN.md §5): GET/HEAD only, on 502/503/504 and resets, exponential backoff or Retry-After. */
function withRetry(send: Send, settings: ConnectionSettings, trace: (line: string) => void): Send {
  const backoff = async (attempt: number, retries: number, why: string, out: Outgoing, retryAfter?: number) => {
    const ms = retryAfter ?? backoffMs(settings.retryBackoff, attempt);
    trace(`retry ${attempt + 1}/${retries} of ${out.label} after ${why}, in ${ms} ms`);
    try {
      await sleep(ms, out.signal);
    } catch {
      throw new HttpError('interrupted', `interrupted: ${out.label}`);
    }
  };
  return async (out) => {
    const retries = isIdempotent(out.method) ? Math.max(0, settings.retries) : 0;
    let staleRetried = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const reply = await send(out);
        if (attempt < retries && RETRYABLE_STATUS.has(reply.status)) {
          reply.body.resume();
          await backoff(attempt, retries, `${reply.status} ${reply.reason}`, out, retryAfterMs(reply.headers['retry-after']));
          continue;
        }
        return reply;
      } catch (err) {
        const cause = err instanceof HttpError ? err.details.cause : undefined;
        if (!(err instanceof HttpError) || err.kind !== 'connect' || !isConnectionReset(cause)) throw err;
        // A GET on a pooled socket that the server had already closed: resend once at once, like browsers do.
        if (isIdempotent(out.method) && !staleRetried && (cause as { reusedSocket?: boolean }).reusedSocket) {
          staleRetried = true;
          attempt--;
          trace(`resending ${out.label} on a new connection (the pooled one was closed by the server)`);
          continue;
        }
        if (attempt >= retries) throw err;
        await backoff(attempt, retries, 'connection reset', out);
      }
    }
  };
}

/** The bottom layer: one target host's keep-alive connections, the TLS policy and trust on first use, the time limit. */
class Connection {
  private transport?: Transport;
  private plan?: ConnectPlan;
  private trustOffered = false;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly hooks: ClientHooks,
    private readonly redactor: Redactor,
  ) {
    redactor.add(settings.tokenSecret);
    redactor.add(settings.password);
  }

  readonly trace = (line: string): void => {
    this.hooks.trace?.(this.redactor.redact(line));
  };

  private readonly detail = (line: string): void => {
    this.hooks.traceDetail?.(this.redactor.redact(line));
  };

  readonly send: Send = async (out) => {
    try {
      return await this.sendOnce(out);
    } catch (err) {
      if (!(err instanceof HttpError) || err.kind !== 'certificate-untrusted') throw err;
      if (!this.hooks.trustCertificate || this.trustOffered || out.body instanceof Readable) throw err;
      this.trustOffered = true;
      const fingerprint = err.details.fingerprint!;
      if (!(await this.hooks.trustCertificate({ where: this.where(), fingerprint, reason: reasonOf(err) }))) throw err;
      this.plan = { ...this.plan!, tls: { ...this.plan!.tls, fingerprint } };
      this.transport!.setTlsPolicy(this.plan.tls);
      return this.sendOnce(out);
    }
  };

  close(): void {
    this.transport?.close();
    this.transport = undefined;
  }

  /** A connection of its own (not pooled), made as the pool's are, for a protocol the caller speaks over it. */
  async open(label: string, signal?: AbortSignal): Promise<Duplex> {
    this.connection();
    const limitS = this.settings.timeout;
    // The limit bounds the opening only: once open, the connection is the caller's.
    const deadline = exchangeDeadline(limitS * 1000, signal);
    try {
      return await openConnection(this.plan!, deadline.signal);
    } catch (err) {
      throw transportError(err, { where: this.where(), label, timeoutS: limitS, timedOut: deadline.timedOut() });
    } finally {
      deadline.release();
    }
  }

  private async sendOnce(out: Outgoing): Promise<ExchangeReply> {
    const transport = this.connection();
    const headers = { ...out.headers };
    // Proxmox's server does not take chunked request bodies: text always goes with its length.
    if (typeof out.body === 'string' || Buffer.isBuffer(out.body)) headers['content-length'] = String(Buffer.byteLength(out.body));
    // A timeout of 0 (or less) means no limit. It bounds the whole exchange, the body's reading included.
    const limitS = out.timeoutS ?? this.settings.timeout;
    const deadline = exchangeDeadline(limitS * 1000, out.signal);
    const started = performance.now();
    const fail = (err: unknown) => transportError(err, { where: this.where(), label: out.label, timeoutS: limitS, timedOut: deadline.timedOut() });
    const path = out.url.pathname;
    if (this.hooks.traceDetail) {
      this.detail(`> ${out.method} ${this.redactor.url(out.url).slice(out.url.origin.length)} HTTP/1.1`);
      for (const line of headerLines('>', { host: out.url.host, ...headers }, this.redactor)) this.detail(line);
      const bodyLine = requestBodyLine(out.body, headers, path, this.redactor);
      if (bodyLine) this.detail(bodyLine);
    }
    try {
      const reply = await transport.send({ method: out.method, url: out.url, headers, body: out.body, signal: deadline.signal });
      if (this.hooks.trace) this.trace(`${out.method} ${this.redactor.url(out.url)} → ${reply.status} ${reply.reason} (${elapsed(started)} ms)`);
      const body = mapBodyErrors(reply.body, fail, deadline.release);
      // Watched at its source, which mapBodyErrors already pipes: a second listener does not change the flow.
      if (this.hooks.traceDetail) {
        for (const line of headerLines('<', reply.headers, this.redactor)) this.detail(line);
        watchReplyBody(reply.body, String(reply.headers['content-type'] ?? ''), path, this.redactor, this.detail);
      }
      return { ...reply, body };
    } catch (err) {
      deadline.release();
      if (this.hooks.trace) {
        const why = deadline.timedOut() ? 'timed out' : ((err as Error)?.message ?? String(err));
        this.trace(`${out.method} ${this.redactor.url(out.url)} → failed: ${why} (${elapsed(started)} ms)`);
      }
      throw fail(err);
    }
  }

  /** The transport, made on first use (resolves the proxy and the TLS policy). */
  private connection(): Transport {
    if (this.transport) return this.transport;
    const target = parseTarget(this.settings.url);
    let proxy: URL | undefined;
    try {
      proxy = resolveProxy(target, this.settings.proxy);
    } catch (err) {
      throw new HttpError('settings', (err as Error).message);
    }
    if (proxy?.password) this.redactor.add(decodeURIComponent(proxy.password));
    const { host, port } = hostAndPort(target);
    const tls = tlsPolicy(this.settings);
    if (target.protocol === 'https:' && !tls.verify && !tls.fingerprint) {
      const by = this.hooks.insecureBecause ? ` by ${this.hooks.insecureBecause}` : '';
      this.hooks.warn?.(`TLS certificate verification is disabled${by}: the identity of ${authority(host, port)} is not checked`);
    }
    const plan: ConnectPlan = {
      protocol: target.protocol === 'http:' ? 'http:' : 'https:',
      host,
      port,
      tls,
      proxy,
      connectTimeoutMs: this.settings.connectTimeout > 0 ? this.settings.connectTimeout * 1000 : 0,
    };
    if (proxy) this.trace(`using proxy ${proxy.host} for ${authority(host, port)}`);
    this.plan = plan;
    this.transport = createTransport(plan);
    return this.transport;
  }

  private where(): string {
    const { host, port } = hostAndPort(parseTarget(this.settings.url));
    return authority(host, port);
  }
}

/** The certificate problem alone (`self-signed certificate`), for the trust question. */
function reasonOf(err: HttpError): string {
  return (err.details.cause as { reason?: string } | undefined)?.reason ?? err.message;
}

/** The reply body as the caller reads it, with a broken or timed-out read reported as an HttpError. */
/** The body with its errors as HttpErrors; `ended` runs once it is read, fails or is dropped. */
function mapBodyErrors(body: Readable, fail: (err: unknown) => HttpError, ended: () => void): Readable {
  const out = new PassThrough();
  body.on('error', (err) => out.destroy(fail(err)));
  out.on('close', () => {
    ended();
    if (!body.readableEnded) body.destroy();
  });
  body.pipe(out);
  return out;
}

/**
 * The body as text; with `cut`, only the first `limit` bytes are kept (an error body bigger than that is not
 * Proxmox's), else a body over `limit` is a 'too-large' error and the rest is not read.
 */
export async function readText(reply: ExchangeReply, limit: number, cut = false, label = 'the request'): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const piece of reply.body as AsyncIterable<Buffer | string>) {
    if (cut && size >= limit) continue;
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (!cut && size + chunk.length > limit) {
      reply.body.destroy();
      throw new HttpError('too-large', `the reply to ${label} is larger than ${sizeText(limit)}; it was not read further`, { hint: `raise the limit with ${REPLY_LIMIT_HINT}` });
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

const CREDENTIALS_HINT = 'check the credentials (API token, or user and password)';

/** An exchange's reply that is not a file: its `data`, or the HttpError its status means (as `request` throws). */
export async function replyData<T>(reply: ExchangeReply, label: string): Promise<T> {
  return unwrap<T>(reply, await readText(reply, ERROR_BODY_LIMIT, reply.status >= 300), label, CREDENTIALS_HINT);
}

/** `data` of a 2xx reply; an HttpError for any other (a 401 with `hint401` when the server gave no detail). */
function unwrap<T>(reply: ExchangeReply, text: string, label: string, hint401?: string): T {
  const contentType = String(reply.headers['content-type'] ?? '');
  if (reply.status === 401) {
    const err = replyError({ ...reply, body: text, contentType }, label);
    throw new HttpError('auth', err.message, { ...err.details, hint: err.details.hint ?? hint401 });
  }
  if (reply.status < 200 || reply.status >= 300) throw replyError({ ...reply, body: text, contentType }, label);
  // 204 No Content has nothing to unwrap; any other success must be the API's `{"data": …}`.
  if (reply.status === 204 && !text.trim()) return null as T;
  const depth = jsonDepthOver(text, MAX_JSON_DEPTH);
  if (depth) throw new HttpError('too-large', `the reply to ${label} is JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw noData(reply, text, contentType, label, 'is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !('data' in parsed)) {
    throw noData(reply, text, contentType, label, 'has no "data"');
  }
  return (parsed as { data: T }).data;
}

/**
 * A success status whose body is not the API's envelope (another mock, a proxy's page, a gateway): an error that
 * says what came back, not an empty success.
 */
function noData(reply: ExchangeReply, text: string, contentType: string, label: string, what: string): HttpError {
  const got = text.trim() ? `got ${describeBody(text, contentType)}` : 'got an empty body';
  return new HttpError('protocol', `the reply to ${label} ${what} (${reply.status} ${reply.reason}; ${got})`, { status: reply.status });
}

/** A short, sanitised view of an unexpected body: its JSON keys, or its first line. */
function describeBody(text: string, contentType: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const keys = Object.keys(parsed);
      return keys.length ? `an object with ${keys.map((k) => JSON.stringify(oneLine(k, 40))).join(', ')}` : 'an empty object';
    }
    return Array.isArray(parsed) ? `a list of ${parsed.length}` : `${typeof parsed === 'string' ? 'a string' : 'the value'} ${oneLine(JSON.stringify(parsed), 80)}`;
  } catch {
    const first = bodyMessage(text, contentType).message;
    return `${contentType ? contentType.split(';')[0] : 'a body'}${first ? ` "${oneLine(first, 80)}"` : ''}`;
  }
}

/** Every error leaving the client, with known secrets blanked out (errors from the caller's hooks keep their class). */
function redactError(err: unknown, redactor: Redactor): Error {
  if (err instanceof HttpError) {
    const hint = err.details.hint === undefined ? undefined : redactor.redact(err.details.hint);
    return new HttpError(err.kind, redactor.redact(err.message), { ...err.details, hint });
  }
  if (err instanceof Error) {
    err.message = redactor.redact(err.message);
    const withHint = err as { hint?: string };
    if (typeof withHint.hint === 'string') withHint.hint = redactor.redact(withHint.hint);
    return err;
  }
  return new Error(redactor.redact(String(err)));
}
