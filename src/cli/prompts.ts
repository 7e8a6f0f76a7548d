import { CliError, ExitCode } from '../errors';
import type { ClientHooks } from '../http';

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

/** A secret typed masked on stderr, so stdout stays clean. @inquirer/prompts is loaded only here (~90 ms to import). */
export const askSecret = (question: string): Promise<string> =>
  promptOrInterrupt(async () => {
    const { password } = await import('@inquirer/prompts');
    return password({ message: question, mask: '*' }, { output: process.stderr });
  });

/** The second-factor code, asked the same way. */
export const askSecondFactor: NonNullable<ClientHooks['askSecondFactor']> = (q) => askSecret(`${q.label} for ${q.username}:`);

/** Trust on first use: show the certificate, ask, and on yes save the fingerprint in the profile (a failed save only warns). */
export function certificateTrust(
  profile: string,
  save: (fingerprint: string) => Promise<void>,
  warn: (line: string) => void,
): NonNullable<ClientHooks['trustCertificate']> {
  return async (c) => {
    const yes = await promptOrInterrupt(async () => {
      const { confirm } = await import('@inquirer/prompts');
      return confirm(
        {
          message: `The certificate of ${c.where} is not trusted (${c.reason}).\n  SHA-256 fingerprint: ${c.fingerprint}\n  Trust it and save the fingerprint in profile '${profile}'?`,
          default: false,
        },
        { output: process.stderr },
      );
    });
    if (!yes) return false;
    try {
      await save(c.fingerprint);
    } catch (saveErr) {
      // Trusted for this run all the same: the user said yes.
      warn(`could not save the fingerprint: ${(saveErr as Error)?.message ?? String(saveErr)}`);
    }
    return true;
  };
}
