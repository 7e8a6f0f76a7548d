import { UsageError } from '../errors';

/** The built-in profile: the embedded mock server (DESIGN.md §5). */
export const MOCK_PROFILE = 'mock';
/** The profile name reported when the target comes from PROXMOX_API_URL/--url alone, with no profile selected. */
export const ENVIRONMENT_PROFILE = '(environment)';

/** Also the config schema's `propertyNames` pattern for `profiles`. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Profile names end up in cache file names and shell commands: keep them plain. */
export function checkProfileName(name: string): void {
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(`invalid profile name '${name}'`, 'use letters, digits, ".", "_" and "-", starting with a letter or digit');
  }
}
