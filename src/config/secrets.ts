import { readBounded, type BoundedReadError } from '../util/bounded-read';

/** A token or password is short; /dev/zero named by mistake must not fill memory. */
const SECRET_FILE_LIMIT = 64 * 1024;
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors';
import { expandHome } from './paths';

/** How a secret is written in a profile: a reference (env:NAME, file:PATH, prompt) or, discouraged, the secret itself. */
export type SecretRef =
  | { kind: 'env'; name: string }
  | { kind: 'file'; path: string }
  | { kind: 'prompt' }
  | { kind: 'literal'; value: string };

export function parseSecretRef(text: string): SecretRef {
  if (text === 'prompt') return { kind: 'prompt' };
  const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (env) return { kind: 'env', name: env[1] };
  if (text.startsWith('file:') && text.length > 5) return { kind: 'file', path: text.slice(5) };
  return { kind: 'literal', value: text };
}

export function isLiteralSecret(text: string): boolean {
  return parseSecretRef(text).kind === 'literal';
}

/** What `profile show` prints for a secret: the reference as written, or **** for a literal. */
export function describeSecret(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return isLiteralSecret(text) ? '****' : text;
}

export interface DereferenceContext {
  /** e.g. "token_secret of profile 'prod'", for messages */
  label: string;
  /** What to ask on the terminal for `prompt`, e.g. "Password for root@pam (profile lab)" */
  question: string;
  env: NodeJS.ProcessEnv;
  /** Whether prompting is possible (a TTY); asked only for `prompt` */
  interactive: boolean | (() => boolean);
  /** Asks a person for a `prompt` secret (the CLI's masked terminal prompt); config itself never prompts. */
  ask?: (question: string) => Promise<string>;
  /** Relative file: paths are taken relative to the config file's directory. */
  configFile: string;
  warn: (message: string) => void;
}

/** Turn a profile's secret reference into the secret. Never puts the secret into a message. */
export async function dereferenceSecret(text: string, ctx: DereferenceContext): Promise<string> {
  const ref = parseSecretRef(text);
  switch (ref.kind) {
    case 'literal':
      ctx.warn(`${ctx.label} is stored in the config file in clear; prefer env:NAME, file:PATH or prompt`);
      return ref.value;
    case 'env': {
      const value = ctx.env[ref.name];
      if (value === undefined || value === '') {
        throw new UsageError(`${ctx.label} refers to env:${ref.name}, which is not set`, `export ${ref.name}=... or change the profile`);
      }
      return value;
    }
    case 'file': {
      const expanded = expandHome(ref.path, ctx.env);
      const path = isAbsolute(expanded) ? expanded : resolve(dirname(ctx.configFile), expanded);
      try {
        // A trailing newline is an artefact of `echo secret > file`, never part of a token or password.
        // Not only regular files: `file:/dev/fd/3` or a FIFO fed by a password manager is a fair use.
        return readBounded(path, { limit: SECRET_FILE_LIMIT }).replace(/\r?\n$/, '');
      } catch (error) {
        const e = error as BoundedReadError;
        throw new UsageError(`${ctx.label} refers to file:${ref.path}, which cannot be read (${e.code ?? e.message})`);
      }
    }
    case 'prompt': {
      if (!(typeof ctx.interactive === 'function' ? ctx.interactive() : ctx.interactive)) {
        throw new UsageError(`${ctx.label} is 'prompt' but there is no terminal to ask on`, 'set it through the environment instead (PROXMOX_API_TOKEN_SECRET / PROXMOX_API_PASSWORD)');
      }
      if (!ctx.ask) throw new UsageError(`${ctx.label} is 'prompt' but nothing can ask for it here`);
      return ctx.ask(ctx.question);
    }
  }
}
