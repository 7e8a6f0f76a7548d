import type { ConnectionSettings } from '../config/types';
import { CliError, ExitCode } from '../errors';
import { type Authenticator, createAuthenticator, type LoginReply } from './auth';
import { isConnectionReset, replyError, transportError } from './errors';
import { authority, resolveProxy } from './proxy';
import { Redactor } from './redact';
import { RETRYABLE_STATUS, backoffMs, isIdempotent, retryAfterMs, sleep } from './retry';
import { CertificateTrustError, tlsPolicy } from './tls';
import { createTransport, type ConnectPlan, type Transport } from './transport';
import type { ApiClient, ApiRequest, ClientOptions, WireResponse } from './types';
import { promptOrInterrupt } from './tfa';
import { encodeParams, hostAndPort, paramsInQuery, parseTarget, targetUrl } from './url';

const USER_AGENT = 'pvecli';

/** One exchange that produced no reply; keeps the raw cause for the retry decision. */
class ExchangeFailure extends Error {
  constructor(
    readonly cause: unknown,
    readonly timedOut: boolean,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

interface Outgoing {
  method: string;
  url: URL;
  /** For messages: `GET /nodes/pve/status`. */
  label: string;
  body?: string;
  contentType?: string;
  withAuth: boolean;
  signal?: AbortSignal;
}

export function createClient(settings: ConnectionSettings, opts: ClientOptions = {}): ApiClient {
  return new Client(settings, opts);
}

class Client implements ApiClient {
  private readonly redactor = new Redactor();
  private readonly auth: Authenticator;
  private transport?: Transport;
  private plan?: ConnectPlan;
  private trustOffered = false;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly opts: ClientOptions,
  ) {
    this.auth = createAuthenticator(settings, (form) => this.login(form), this.redactor, {
      interactive: !!opts.interactive,
      warn: (line) => opts.warn?.(this.redactor.redact(line)),
    });
  }

  async request<T = unknown>(req: ApiRequest): Promise<T> {
    try {
      return await this.perform<T>(req);
    } catch (err) {
      throw this.redacted(err);
    }
  }

  async close(): Promise<void> {
    this.transport?.close();
    this.transport = undefined;
  }

  private async perform<T>(req: ApiRequest): Promise<T> {
    const inQuery = paramsInQuery(req.method);
    const out: Outgoing = {
      method: req.method,
      url: targetUrl(this.settings, req.path, inQuery ? encodeParams(req.params) : ''),
      label: `${req.method} ${req.path}`,
      withAuth: true,
      signal: req.signal,
    };
    if (!inQuery) {
      out.body = req.json ? JSON.stringify(req.params ?? {}) : encodeParams(req.params);
      out.contentType = req.json ? 'application/json' : 'application/x-www-form-urlencoded';
    }
    await this.auth.prepare();
    const generation = this.auth.generation();
    let res = await this.exchange(out);
    if (res.status === 401 && (await this.auth.refresh(generation))) res = await this.exchange(out);
    if (res.status < 200 || res.status >= 300) {
      const err = replyError(res, out.label);
      if (res.status === 401 && !err.hint) {
        (err as { hint?: string }).hint = 'check the credentials of this profile (API token, or user and password)';
      }
      throw err;
    }
    return unwrap<T>(res, out.label);
  }

  /** POST /access/ticket for the authenticator: no credentials attached, never retried. */
  private async login(form: Record<string, string>): Promise<LoginReply> {
    const out: Outgoing = {
      method: 'POST',
      url: targetUrl(this.settings, '/access/ticket'),
      label: 'POST /access/ticket',
      body: encodeParams(form),
      contentType: 'application/x-www-form-urlencoded',
      withAuth: false,
    };
    const res = await this.exchange(out);
    if (res.status < 200 || res.status >= 300) throw replyError(res, out.label);
    return (unwrap<LoginReply>(res, out.label) ?? {}) as LoginReply;
  }

  /** One request with the safe-retry policy: GET only, on 502/503/504 and resets, exponential backoff. */
  private async exchange(out: Outgoing): Promise<WireResponse> {
    const retries = isIdempotent(out.method) ? Math.max(0, this.settings.retries) : 0;
    let staleRetried = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.sendTrusted(out);
        if (attempt < retries && RETRYABLE_STATUS.has(res.status)) {
          await this.backoff(attempt, retries, `${res.status} ${res.reason}`, out, retryAfterMs(res.headers['retry-after']));
          continue;
        }
        return res;
      } catch (err) {
        if (!(err instanceof ExchangeFailure)) throw err;
        // A GET on a pooled socket that the server had already closed: resend once at once, like browsers do.
        if (isIdempotent(out.method) && !staleRetried && isConnectionReset(err.cause) && (err.cause as { reusedSocket?: boolean }).reusedSocket) {
          staleRetried = true;
          attempt--;
          this.trace(`resending ${out.label} on a new connection (the pooled one was closed by the server)`);
          continue;
        }
        if (attempt < retries && !err.timedOut && isConnectionReset(err.cause)) {
          await this.backoff(attempt, retries, 'connection reset', out);
          continue;
        }
        throw transportError(err.cause, {
          where: this.where(),
          label: out.label,
          timeoutS: this.settings.timeout,
          timedOut: err.timedOut,
        });
      }
    }
  }

  private async backoff(attempt: number, retries: number, why: string, out: Outgoing, retryAfter?: number): Promise<void> {
    const ms = retryAfter ?? backoffMs(this.settings.retryBackoff, attempt);
    this.trace(`retry ${attempt + 1}/${retries} of ${out.label} after ${why}, in ${ms} ms`);
    try {
      await sleep(ms, out.signal);
    } catch {
      throw new CliError(`interrupted: ${out.label}`, ExitCode.interrupted);
    }
  }

  /** sendOnce, offering trust-on-first-use once when the certificate is unknown and a TTY can answer. */
  private async sendTrusted(out: Outgoing): Promise<WireResponse> {
    try {
      return await this.sendOnce(out);
    } catch (err) {
      const cause = err instanceof ExchangeFailure ? err.cause : undefined;
      if (!(cause instanceof CertificateTrustError) || cause.kind !== 'untrusted') throw err;
      if (!this.opts.interactive || !this.opts.onTrustFingerprint || this.trustOffered) throw err;
      this.trustOffered = true;
      if (!(await promptOrInterrupt(() => this.askTrust(cause)))) throw err;
      try {
        await this.opts.onTrustFingerprint(cause.fingerprint);
      } catch (saveErr) {
        // Trusted for this run all the same: the user said yes.
        this.opts.warn?.(`could not save the fingerprint: ${(saveErr as Error)?.message ?? String(saveErr)}`);
      }
      this.plan = { ...this.plan!, tls: { ...this.plan!.tls, fingerprint: cause.fingerprint } };
      this.transport!.setTlsPolicy(this.plan.tls);
      return this.sendOnce(out);
    }
  }

  private async askTrust(err: CertificateTrustError): Promise<boolean> {
    const { confirm } = await import('@inquirer/prompts');
    return confirm(
      {
        message: `The certificate of ${this.where()} is not trusted (${err.reason}).\n  SHA-256 fingerprint: ${err.fingerprint}\n  Trust it and save the fingerprint in profile '${this.settings.profile}'?`,
        default: false,
      },
      { output: process.stderr },
    );
  }

  private async sendOnce(out: Outgoing): Promise<WireResponse> {
    const transport = this.connection();
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT };
    if (out.withAuth) Object.assign(headers, this.auth.headers(out.method));
    if (out.body !== undefined) {
      headers['content-type'] = out.contentType ?? 'application/x-www-form-urlencoded';
      // Proxmox's server does not take chunked request bodies: always send a length.
      headers['content-length'] = String(Buffer.byteLength(out.body));
    }
    // A timeout of 0 (or less) means no limit.
    const timeout = this.settings.timeout > 0 ? AbortSignal.timeout(this.settings.timeout * 1000) : undefined;
    const signals = [timeout, out.signal].filter((s): s is AbortSignal => !!s);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : (signals[0] ?? new AbortController().signal);
    const started = performance.now();
    try {
      const res = await transport.send({ method: out.method, url: out.url, headers, body: out.body, signal });
      this.trace(`${out.method} ${this.redactor.url(out.url)} → ${res.status} ${res.reason} (${elapsed(started)} ms)`);
      return res;
    } catch (err) {
      const timedOut = !!timeout?.aborted;
      const why = timedOut ? 'timed out' : ((err as Error)?.message ?? String(err));
      this.trace(`${out.method} ${this.redactor.url(out.url)} → failed: ${why} (${elapsed(started)} ms)`);
      throw new ExchangeFailure(err, timedOut);
    }
  }

  /** The transport, made on first use (reads the CA file, resolves the proxy). */
  private connection(): Transport {
    if (this.transport) return this.transport;
    const target = parseTarget(this.settings.url);
    let proxy: URL | undefined;
    try {
      proxy = resolveProxy(target, this.settings.proxy);
    } catch (err) {
      throw new CliError((err as Error).message, ExitCode.usage);
    }
    if (proxy?.password) this.redactor.add(decodeURIComponent(proxy.password));
    const { host, port } = hostAndPort(target);
    const tls = tlsPolicy(this.settings);
    if (target.protocol === 'https:' && !tls.verify && !tls.fingerprint) {
      this.opts.warn?.(`TLS certificate verification is disabled (--insecure): the identity of ${authority(host, port)} is not checked`);
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

  private trace(line: string): void {
    this.opts.trace?.(this.redactor.redact(line));
  }

  /** Every error leaving the client, with known secrets blanked out. */
  private redacted(err: unknown): CliError {
    if (err instanceof CliError) {
      err.message = this.redactor.redact(err.message);
      if (err.hint) (err as { hint?: string }).hint = this.redactor.redact(err.hint);
      return err;
    }
    const message = this.redactor.redact((err as Error)?.message ?? String(err));
    return new CliError(message, ExitCode.internal);
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function unwrap<T>(res: WireResponse, label: string): T {
  if (!res.body) return null as T;
  try {
    return (JSON.parse(res.body) as { data: T }).data;
  } catch {
    throw new CliError(`the reply to ${label} is not JSON (${res.status} ${res.reason})`, ExitCode.api);
  }
}
