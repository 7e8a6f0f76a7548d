/**
 * `pvecli profile add`: the values from the flags, completed on a terminal by asking (@inquirer/prompts,
 * loaded only then), including trust-on-first-use pinning of the server certificate. Without a terminal a
 * missing value is a usage error naming the flag.
 */
import { UsageError } from '../errors';
import type { Profile } from '../config/file';
import { normalizeProfile } from '../config/profiles';
import { parseSecretRef } from '../config/secrets';
import { parseBackend } from '../config/backend';

export interface AddFlags {
  url?: string;
  tokenId?: string;
  tokenSecret?: string;
  username?: string;
  password?: string;
  fingerprint?: string;
  caFile?: string;
  insecure?: boolean;
  proxy?: string;
  service?: string;
  pathPrefix?: string;
  timeout?: number;
  /** https (default), ssh or local: the last two run pvesh and take no API credentials nor TLS settings. */
  backend?: string;
}

export interface AddContext {
  name: string;
  interactive: boolean;
  /** The server's certificate for pinning, fetched the way requests go (the HTTP core's, passed in: config sits below http). */
  fetchCertificate: (url: string, proxy: string | undefined) => Promise<{ fingerprint: string; subject: string; issuer: string; validTo: string; trusted: boolean }>;
  /** Messages for the user (stderr). */
  say: (line: string) => void;
}

type Prompts = typeof import('@inquirer/prompts');
const promptContext = { output: process.stderr };

/** Complete and check the profile values; returns them normalised, in the stored form. */
export async function collectProfileValues(flags: AddFlags, ctx: AddContext): Promise<Profile> {
  const prompts: Prompts | undefined = ctx.interactive ? await import('@inquirer/prompts') : undefined;
  const missing = (flag: string, what: string): never => {
    throw new UsageError(`missing ${flag} (${what})`, 'give it as a flag; without a terminal pvecli cannot ask');
  };

  let url = flags.url;
  if (!url) {
    if (!prompts) missing('--url', 'the server, e.g. https://pve.example.com:8006');
    url = await prompts!.input({ message: 'Server URL', default: 'https://', validate: (v) => v.length > 8 || 'e.g. https://pve.example.com:8006' }, promptContext);
  }
  const values: Profile = {
    url,
    proxy: flags.proxy,
    service: flags.service,
    path_prefix: flags.pathPrefix,
    timeout: flags.timeout,
  };
  // Validate the URL now, before asking anything else about a server that cannot be reached.
  values.url = normalizeProfile({ url, service: flags.service }).url;
  const backend = flags.backend === undefined ? 'https' : parseBackend(flags.backend, '--backend');
  if (backend !== 'https') {
    // pvesh acts as the ssh login user (or the local user): the ssh keys come with `profile set` (README: Over ssh).
    const given = (['tokenId', 'tokenSecret', 'username', 'password'] as const).filter((key) => flags[key] !== undefined);
    if (given.length) throw new UsageError(`--backend ${backend} takes no API credentials: pvesh acts as the ${backend === 'ssh' ? 'ssh login user' : 'local user'}`, 'leave out --token-id, --token-secret, --username and --password');
    values.backend = backend;
    return normalizeProfile(values);
  }

  await collectCredentials(flags, values, prompts, ctx, missing);
  await collectTls(flags, values, prompts, ctx);
  return normalizeProfile(values);
}

async function collectCredentials(
  flags: AddFlags, values: Profile, prompts: Prompts | undefined, ctx: AddContext, missing: (flag: string, what: string) => never,
): Promise<void> {
  let { tokenId, tokenSecret, username, password } = flags;
  if (tokenId === undefined && username === undefined) {
    if (!prompts) missing('--token-id or --username', 'how to log in');
    const method = await prompts!.select({
      message: 'Log in with',
      choices: [
        { name: 'an API token (user@realm!name)', value: 'token' },
        { name: 'a user name and password', value: 'password' },
      ],
    }, promptContext);
    if (method === 'token') tokenId = await prompts!.input({ message: 'Token ID (user@realm!name)', validate: (v) => /^[^@\s]+@[^!\s]+![^\s]+$/.test(v) || 'expected user@realm!name' }, promptContext);
    else username = await prompts!.input({ message: 'User (user@realm)', default: 'root@pam', validate: (v) => /^[^@\s]+@\S+$/.test(v) || 'expected user@realm' }, promptContext);
  }
  if (tokenId !== undefined) {
    if (tokenSecret === undefined) tokenSecret = prompts ? await askSecretRef(prompts, 'token secret', ctx.name) : missing('--token-secret', 'env:NAME, file:PATH, prompt, or the secret');
    values.token_id = tokenId;
    values.token_secret = tokenSecret;
  }
  if (username !== undefined) {
    if (password === undefined && tokenId === undefined) password = prompts ? await askSecretRef(prompts, 'password', ctx.name) : missing('--password', 'env:NAME, file:PATH, prompt, or the password');
    values.username = username;
    if (password !== undefined) values.password = password;
  }
}

/** Ask how a secret is provided; the answer stored is a reference unless the user insists on the secret itself. */
async function askSecretRef(prompts: Prompts, what: string, profile: string): Promise<string> {
  const how = await prompts.select({
    message: `Where does the ${what} come from?`,
    choices: [
      { name: 'an environment variable (env:NAME)', value: 'env' },
      { name: 'a file (file:PATH)', value: 'file' },
      { name: 'ask each time (prompt)', value: 'prompt' },
      { name: 'store it in the config file (not recommended)', value: 'literal' },
    ],
  }, promptContext);
  if (how === 'prompt') return 'prompt';
  if (how === 'env') {
    const suggested = `PVECLI_${profile.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${what === 'password' ? 'PASSWORD' : 'TOKEN_SECRET'}`;
    const name = await prompts.input({ message: 'Variable name', default: suggested, validate: (v) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) || 'letters, digits and _' }, promptContext);
    return `env:${name}`;
  }
  if (how === 'file') {
    const path = await prompts.input({ message: 'File path', validate: (v) => v.length > 0 || 'a path' }, promptContext);
    return `file:${path}`;
  }
  const secret = await prompts.password({ message: `The ${what}`, mask: '*' }, promptContext);
  if (parseSecretRef(secret).kind !== 'literal') throw new UsageError(`that ${what} looks like a reference; give it as one instead`);
  return secret;
}

/** With no TLS choice given, offer to pin the certificate the server presents now (trust on first use). */
async function collectTls(flags: AddFlags, values: Profile, prompts: Prompts | undefined, ctx: AddContext): Promise<void> {
  if (flags.fingerprint !== undefined) values.fingerprint = flags.fingerprint;
  if (flags.caFile !== undefined) values.ca_file = flags.caFile;
  if (flags.insecure) values.insecure = true;
  if (!prompts || flags.fingerprint !== undefined || flags.caFile !== undefined || flags.insecure) return;
  let cert;
  try {
    cert = await ctx.fetchCertificate(String(values.url), typeof values.proxy === 'string' ? values.proxy : undefined);
  } catch (error) {
    ctx.say(`pvecli: warning: ${(error as Error).message}; the profile will verify against the system CAs`);
    return;
  }
  ctx.say(`Server certificate:\n  subject     ${cert.subject}\n  issuer      ${cert.issuer}\n  valid until ${cert.validTo}\n  SHA-256     ${cert.fingerprint}`);
  ctx.say(cert.trusted ? '  It is trusted by the system CAs.' : '  It is NOT trusted by the system CAs (self-signed, as Proxmox installs by default).');
  const pin = await prompts.confirm({ message: 'Pin this fingerprint in the profile?', default: !cert.trusted }, promptContext);
  if (pin) values.fingerprint = cert.fingerprint;
}
