import { HttpError } from './errors';
import type { ClientHooks } from './types';

/** What the server offers as second factor, decoded from a `PVE:!tfa!<json>:…` partial ticket. */
export interface TfaChallenge {
  totp?: boolean;
  yubico?: boolean;
  recovery?: unknown;
  webauthn?: unknown;
  u2f?: unknown;
}

/** A login reply that still needs a second factor: `NeedTFA: 1`, or a partial ticket marked `!tfa!`. */
export function needsSecondFactor(reply: { ticket?: string; NeedTFA?: unknown }): boolean {
  return !!reply.NeedTFA || isPartialTicket(reply.ticket);
}

export function isPartialTicket(ticket: string | undefined): boolean {
  return typeof ticket === 'string' && (ticket.split(':')[1] ?? '').startsWith('!tfa!');
}

export function parseChallenge(ticket: string | undefined): TfaChallenge | undefined {
  if (!isPartialTicket(ticket)) return undefined;
  try {
    return JSON.parse(decodeURIComponent(ticket!.split(':')[1]!.slice('!tfa!'.length))) as TfaChallenge;
  } catch {
    return undefined;
  }
}

/** Second factors a terminal can answer; webauthn/u2f need a browser and a security key. */
const TYPED_FACTORS = ['totp', 'yubico', 'recovery'];

export function offeredFactors(challenge: TfaChallenge | undefined): string[] {
  if (!challenge) return [];
  return Object.entries(challenge)
    .filter(([, v]) => v !== undefined && v !== null && v !== false && !(Array.isArray(v) && v.length === 0))
    .map(([k]) => k);
}

/**
 * The `<type>:<code>` answer for the tfa-challenge: from PROXMOX_API_OTP (settings.otp), or asked of a person when
 * the caller can (`ask`). Refuses webauthn/u2f and a missing code nobody can give (kind auth, naming the variable).
 */
export async function secondFactorAnswer(opts: {
  username: string;
  otp?: string;
  otpType: string;
  challenge?: TfaChallenge;
  ask?: ClientHooks['askSecondFactor'];
}): Promise<string> {
  const offered = offeredFactors(opts.challenge);
  let type = (opts.otpType || 'totp').toLowerCase();
  // The default type may not be what this user has: take the factor the server offers (totp > yubico > recovery).
  const usable = TYPED_FACTORS.filter((f) => offered.includes(f));
  if (TYPED_FACTORS.includes(type) && usable.length && !usable.includes(type)) type = usable[0]!;
  if (type === 'webauthn' || type === 'u2f') {
    throw new HttpError('auth', `two-factor authentication with ${type} is not possible from the command line`, {
      hint: 'use a TOTP or recovery code (PROXMOX_API_OTPTYPE=totp|recovery|yubico), or an API token',
    });
  }
  if (offered.length && !offered.some((f) => TYPED_FACTORS.includes(f))) {
    throw new HttpError('auth', `${opts.username} has only ${offered.join(', ')} as second factor, which cannot be used from the command line`, {
      hint: 'add a TOTP or recovery keys to the user, or use an API token',
    });
  }
  let code = opts.otp?.trim();
  if (!code) {
    if (!opts.ask) {
      const offeredNote = offered.length ? ` (offered: ${offered.join(', ')})` : '';
      throw new HttpError('auth', `two-factor authentication required for ${opts.username}${offeredNote}, and no code was given`, {
        hint: 'set PROXMOX_API_OTP=CODE (and PROXMOX_API_OTPTYPE if it is not totp), or run on a terminal to be asked',
      });
    }
    const label = type === 'recovery' ? 'Recovery key' : type === 'yubico' ? 'Yubico OTP' : 'TOTP code';
    code = (await opts.ask({ type, label, username: opts.username })).trim();
  }
  // A code typed as `recovery:KEY` already names its type.
  return /^(totp|recovery|yubico):/.test(code) ? code : `${type}:${code}`;
}
