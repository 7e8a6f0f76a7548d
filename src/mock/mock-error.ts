/**
 * The mock's own errors. None carries an exit code or a CLI flag: `mock serve` and the CLI map them to theirs.
 */

import { RequestError } from '../server/errors';

/**
 * An error reply of the simulated Proxmox: the HTTP status, the message Proxmox puts in the reason phrase, and
 * per-parameter errors. A request error of the HTTP front, so the front answers it as it answers its own.
 */
export class MockError extends RequestError {
  constructor(status: number, message: string, errors?: Record<string, string>) {
    super(status, message, errors);
    this.name = 'MockError';
  }
}

/** Proxmox answers a failed `die` in an API handler with 500 and the message. */
export const fail = (message: string): MockError => new MockError(500, message);
export const badParams = (errors: Record<string, string>): MockError => new MockError(400, 'Parameter verification failed.', errors);

/** The state file is unusable: it names the file and what is wrong, never quoting it (it holds token secrets). */
export class MockStateFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    /** A mock state (a version 1 object) with a broken part, rather than some other file: only then is removing it the fix. */
    readonly damagedState = false,
  ) {
    super(`mock state file ${file}: ${problem}`);
    this.name = 'MockStateFileError';
  }
}

/** A token spec that is not `USER@REALM!NAME=SECRET`; `shown` is the spec with its secret cut off. */
export class MockTokenSpecError extends Error {
  constructor(readonly shown: string) {
    super(`'${shown}': expected USER@REALM!NAME=SECRET`);
    this.name = 'MockTokenSpecError';
  }
}
