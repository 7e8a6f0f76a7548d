/** The mock's certificate: `mock-cert.pem` and `mock-key.pem` in its state directory, CN "pvecli mock". */
import { type CertPair, generateSelfSigned as generate, loadOrCreateCert as loadOrCreate } from '../server/cert';

const COMMON_NAME = 'pvecli mock';

export const generateSelfSigned = (): { cert: string; key: string } => generate(COMMON_NAME);
export const loadOrCreateCert = (dir: string): CertPair => loadOrCreate(dir, 'mock', COMMON_NAME);
