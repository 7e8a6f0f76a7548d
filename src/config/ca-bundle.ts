import { readFileSync } from 'node:fs';
import { UsageError } from '../errors';

/**
 * The PEM text of a profile's CA file (`ca_file`, `--ca-file`, `PROXMOX_API_CA_FILE`) where it decides trust:
 * verification on and no pinned fingerprint. The HTTP core takes the text, not the path (it opens no file).
 * A file without a certificate is refused here: Node ignores such a CA list and then trusts nothing.
 */
export function caBundle(settings: { caFile?: string; verifyTls: boolean; fingerprint?: string }): string | undefined {
  if (!settings.caFile || !settings.verifyTls || settings.fingerprint) return undefined;
  let pem: string;
  try {
    pem = readFileSync(settings.caFile, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read CA file ${settings.caFile}: ${(err as Error).message}`);
  }
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) {
    throw new UsageError(`no PEM certificate in CA file ${settings.caFile}`, 'expected one or more -----BEGIN CERTIFICATE----- blocks');
  }
  return pem;
}
