/**
 * Gateway keys (`PVECLI_GATEWAY_KEYS`): what a client outside the trusted addresses shows, as
 * `Authorization: Bearer <key>`, to use the gateway's upstream credentials. The variable holds a reference
 * (`env:NAME` or `file:PATH`), never the keys: it is shown in process listings and unit files.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { resolve } from 'node:path';
import { parseSecretRef } from '../config';
import { dereferenceSecret } from '../config/secrets';
import { UsageError } from '../errors';

const VARIABLE = 'PVECLI_GATEWAY_KEYS';

/** The keys the reference points at: one per line or comma-separated, blanks and `#` comment lines ignored. */
export async function loadGatewayKeys(ref: string | undefined, env: NodeJS.ProcessEnv): Promise<string[]> {
  if (ref === undefined) return [];
  const kind = parseSecretRef(ref).kind;
  if (kind !== 'env' && kind !== 'file') {
    throw new UsageError(`${VARIABLE} must be a reference (env:NAME or file:PATH), not the keys themselves`, `for example ${VARIABLE}=file:/etc/pvecli/gateway-keys`);
  }
  const text = await dereferenceSecret(ref, {
    label: VARIABLE,
    question: '',
    env,
    interactive: false,
    // Relative file: paths are taken from the working directory.
    configFile: resolve(VARIABLE),
    warn: () => {},
  });
  const keys = text
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length === 0) throw new UsageError(`${VARIABLE} (${ref}) holds no key`);
  return keys;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Whether a presented key is one of `keys`: compared as SHA-256 digests in constant time, every key every time. */
export function keyMatcher(keys: string[]): (presented: string) => boolean {
  const known = keys.map(digest);
  return (presented) => {
    const d = digest(presented);
    let found = false;
    for (const k of known) found = timingSafeEqual(k, d) || found;
    return found;
  };
}
