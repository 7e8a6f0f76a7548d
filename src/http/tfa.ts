import { CliError, ExitCode } from '../errors';

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
 * The `<type>:<code>` answer for the tfa-challenge: from PROXMOX_API_OTP (settings.otp), or a prompt on a TTY.
 * Refuses webauthn/u2f and a missing code without a TTY (exit 4, naming the variable).
 */
export async function secondFactorAnswer(opts: {
  username: string;
  otp?: string;
  otpType: string;
  challenge?: TfaChallenge;
  interactive: boolean;
}): Promise<string> {
  const offered = offeredFactors(opts.challenge);
  let type = (opts.otpType || 'totp').toLowerCase();
  // The default type may not be what this user has: take the factor the server offers (totp > yubico > recovery).
  const usable = TYPED_FACTORS.filter((f) => offered.includes(f));
  if (TYPED_FACTORS.includes(type) && usable.length && !usable.includes(type)) type = usable[0]!;
  if (type === 'webauthn' || type === 'u2f') {
    throw new CliError(
      `two-factor authentication with ${type} is not possible from the command line`,
      ExitCode.auth,
      'use a TOTP or recovery code (PROXMOX_API_OTPTYPE=totp|recovery|yubico), or an API token',
    );
  }
  if (offered.length && !offered.some((f) => TYPED_FACTORS.includes(f))) {
    throw new CliError(
      `${opts.username} has only ${offered.join(', ')} as second factor, which cannot be used from the command line`,
      ExitCode.auth,
      'add a TOTP or recovery keys to the user, or use an API token',
    );
  }
  let code = opts.otp?.trim();
  if (!code) {
    if (!opts.interactive) {
      const offeredNote = offered.length ? ` (offered: ${offered.join(', ')})` : '';
      throw new CliError(
        `two-factor authentication required for ${opts.username}${offeredNote}, and no code was given`,
        ExitCode.auth,
        'set PROXMOX_API_OTP=CODE (and PROXMOX_API_OTPTYPE if it is not totp), or run on a terminal to be asked',
      );
    }
    code = await promptOrInterrupt(() => promptCode(type, opts.username));
  }
  // A code typed as `recovery:KEY` already names its type.
  return /^(totp|recovery|yubico):/.test(code) ? code : `${type}:${code}`;
}

async function promptCode(type: string, username: string): Promise<string> {
  // Loaded only here: @inquirer/prompts costs ~90 ms to import.
  const { password } = await import('@inquirer/prompts');
  const label = type === 'recovery' ? 'Recovery key' : type === 'yubico' ? 'Yubico OTP' : 'TOTP code';
  const answer = await password({ message: `${label} for ${username}:`, mask: '*' }, { output: process.stderr });
  return answer.trim();
}

/** Runs a terminal prompt; Ctrl-C in it (inquirer's ExitPromptError) is exit 130, not an internal error. */
export async function promptOrInterrupt<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (err) {
    if ((err as Error)?.name === 'ExitPromptError' || (err as Error)?.name === 'AbortPromptError') {
      throw new CliError('interrupted at the prompt', ExitCode.interrupted);
    }
    throw err;
  }
}
