import { HttpError } from './errors';
import type { Redactor } from './redact';
import type { ConnectionSettings, Service } from './settings';
import { needsSecondFactor, parseChallenge, secondFactorAnswer } from './tfa';
import { type CachedTicket, type PasswordCheck, passwordCheckOf, passwordMatches, ticketState } from './ticket';
import type { ClientHooks, TicketStore } from './types';

/** The data of a POST /access/ticket reply. */
export interface LoginReply {
  username?: string;
  ticket?: string;
  CSRFPreventionToken?: string;
  NeedTFA?: unknown;
}

/** Sends POST /access/ticket (no credentials attached) and returns `data`; error replies throw HttpErrors. */
export type LoginCall = (form: Record<string, string>) => Promise<LoginReply>;

/** Supplies the credentials of each request. */
export interface Authenticator {
  /** Makes credentials ready (ticket from cache, renewed, or a fresh login). */
  prepare(): Promise<void>;
  headers(method: string): Record<string, string>;
  /** Counts credential changes, so a 401 on credentials already replaced does not log in again. */
  generation(): number;
  /** After a 401 on credentials of generation `seen`: get fresh ones; false when nothing can be refreshed. */
  refresh(seen: number): Promise<boolean>;
}

const COOKIE: Record<Service, string> = { PVE: 'PVEAuthCookie', PBS: 'PBSAuthCookie', PMG: 'PMGAuthCookie', PDM: 'PDMAuthCookie' };

export function cookieName(service: Service): string {
  return COOKIE[service] ?? 'PVEAuthCookie';
}

/** PVE/PMG: `PVEAPIToken=ID=SECRET`; PBS/PDM (proxmox-rs): `PBSAPIToken=ID:SECRET`. */
export function tokenAuthorization(service: Service, tokenId: string, secret: string): string {
  if (service === 'PBS' || service === 'PDM') return `${service}APIToken=${tokenId}:${secret}`;
  return `${service === 'PMG' ? 'PMG' : 'PVE'}APIToken=${tokenId}=${secret}`;
}

export function isWrite(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

export interface AuthOptions {
  tickets: TicketStore;
  askSecondFactor?: ClientHooks['askSecondFactor'];
  warn: (line: string) => void;
}

export function createAuthenticator(settings: ConnectionSettings, login: LoginCall, redactor: Redactor, opts: AuthOptions): Authenticator {
  if (settings.tokenId && settings.tokenSecret) {
    redactor.add(settings.tokenSecret);
    const header = tokenAuthorization(settings.service, settings.tokenId, settings.tokenSecret);
    return { prepare: async () => {}, headers: () => ({ authorization: header }), generation: () => 0, refresh: async () => false };
  }
  if (settings.username) return new TicketAuthenticator(settings, login, redactor, opts);
  return { prepare: async () => {}, headers: () => ({}), generation: () => 0, refresh: async () => false };
}

/** Password login → ticket cookie + CSRF token, kept in the ticket store and renewed before it expires. */
class TicketAuthenticator implements Authenticator {
  private current?: CachedTicket;
  private loading?: Promise<void>;
  /** Bumped whenever `current` is replaced. */
  private renewals = 0;
  private readonly username: string;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly login: LoginCall,
    private readonly redactor: Redactor,
    private readonly opts: AuthOptions,
  ) {
    this.username = settings.username!;
    redactor.add(settings.password);
  }

  prepare(): Promise<void> {
    if (this.current && ticketState(this.current) === 'fresh') return Promise.resolve();
    // Concurrent requests share one login; a long-running process renews its ticket here too.
    this.loading ??= this.obtain(this.current ?? this.cached()).finally(() => (this.loading = undefined));
    return this.loading;
  }

  headers(method: string): Record<string, string> {
    if (!this.current) return {};
    const headers: Record<string, string> = { cookie: `${cookieName(this.settings.service)}=${this.current.ticket}` };
    if (isWrite(method)) headers.csrfpreventiontoken = this.current.csrfToken;
    return headers;
  }

  generation(): number {
    return this.renewals;
  }

  /** The client calls this at most once per request, so a wrong password cannot loop. */
  async refresh(seen: number): Promise<boolean> {
    if (!this.settings.password && !this.settings.passwordPrompt) return false;
    // Another request has replaced the ticket meanwhile: just send again with the new one.
    if (seen !== this.renewals && this.current) return true;
    // Requests that got their 401 together share one fresh login.
    this.loading ??= (async () => {
      this.current = undefined;
      try {
        this.opts.tickets.remove();
      } catch {
        // A stale file is replaced after the login anyway.
      }
      await this.passwordLogin();
    })().finally(() => (this.loading = undefined));
    await this.loading;
    return true;
  }

  private cached(): CachedTicket | undefined {
    const cached = this.opts.tickets.read({ url: this.settings.url, service: this.settings.service, username: this.username });
    // A ticket obtained with another password than the one given now is not ours to use.
    const known = this.settings.password;
    if (cached && known !== undefined && (!cached.passwordCheck || !passwordMatches(cached.passwordCheck, known))) return undefined;
    this.redactor.add(cached?.ticket);
    this.redactor.add(cached?.csrfToken);
    return cached;
  }

  /** Use a fresh ticket, renew an ageing one (Proxmox takes a valid ticket as the password, no second factor), else log in. */
  private async obtain(candidate: CachedTicket | undefined): Promise<void> {
    const state = candidate ? ticketState(candidate) : 'expired';
    if (candidate && state === 'fresh') {
      this.current = candidate;
      this.renewals++;
      return;
    }
    if (candidate && state === 'renew') {
      try {
        await this.loginWith(candidate.ticket, false, candidate.passwordCheck);
        return;
      } catch (err) {
        if (!(err instanceof HttpError) || err.kind !== 'auth') throw err;
      }
    }
    this.current = undefined;
    await this.passwordLogin();
  }

  private async passwordLogin(): Promise<void> {
    const password = this.settings.password ?? (await this.settings.passwordPrompt?.());
    this.redactor.add(password);
    if (!password) {
      // Nothing was sent yet: a missing setting, like a token without its secret (exit 2).
      throw new HttpError('settings', `no valid ticket for ${this.username} and no password to log in`, {
        hint: 'set PROXMOX_API_PASSWORD (or the profile\'s password), or use an API token',
      });
    }
    await this.loginWith(password, true, passwordCheckOf(password));
  }

  /** `passwordCheck` identifies the password behind the ticket; a renewal carries the old one over. */
  private async loginWith(password: string, allowTfa: boolean, passwordCheck: PasswordCheck | undefined): Promise<void> {
    const form: Record<string, string> = { username: this.username, password };
    // PVE (7+) returns the new `!tfa!` partial-ticket format only when asked; others have no such parameter.
    if (this.settings.service === 'PVE') form['new-format'] = '1';
    let reply = await this.callLogin(form, 'login');
    if (needsSecondFactor(reply)) {
      if (!allowTfa) throw new HttpError('auth', `ticket renewal for ${this.username} asked for a second factor`);
      const answer = await secondFactorAnswer({
        username: this.username,
        otp: this.settings.otp,
        otpType: this.settings.otpType,
        challenge: parseChallenge(reply.ticket),
        ask: this.opts.askSecondFactor,
      });
      this.redactor.add(answer);
      const second: Record<string, string> = { username: this.username, 'tfa-challenge': reply.ticket ?? '', password: answer };
      if (this.settings.service === 'PVE') second['new-format'] = '1';
      reply = await this.callLogin(second, 'two-factor authentication');
      if (needsSecondFactor(reply)) throw new HttpError('auth', `two-factor authentication for ${this.username} was not completed`);
    }
    if (!reply.ticket || !reply.CSRFPreventionToken) {
      throw new HttpError('auth', `login as ${this.username}: the server's reply has no ticket`);
    }
    this.current = {
      url: this.settings.url,
      service: this.settings.service,
      username: this.username,
      ticket: reply.ticket,
      csrfToken: reply.CSRFPreventionToken,
      obtainedAt: Date.now(),
      ...(passwordCheck ? { passwordCheck } : {}),
    };
    this.renewals++;
    this.redactor.add(reply.ticket);
    this.redactor.add(reply.CSRFPreventionToken);
    try {
      this.opts.tickets.write(this.current);
    } catch (err) {
      // Not fatal: this run has its ticket; the next one logs in again.
      this.opts.warn(`cannot cache the login ticket: ${(err as Error).message}`);
    }
  }

  private async callLogin(form: Record<string, string>, what: string): Promise<LoginReply> {
    this.redactor.add(form['tfa-challenge']);
    try {
      return await this.login(form);
    } catch (err) {
      if (err instanceof HttpError && err.kind === 'auth') {
        throw new HttpError('auth', `${what} as ${this.username} failed: ${err.message}`, { ...err.details });
      }
      throw err;
    }
  }
}
