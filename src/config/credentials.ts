/** Credentials checked before anything is sent: what the server would only answer with 401 is refused here (exit 2). */
import { UsageError } from '../errors';
import { maskUrlPasswords } from '../util/mask';
import { shellCommand } from '../util/shell-quote';
import { ENV } from './environment';
import type { PickedSettings } from './precedence';
import { ENVIRONMENT_PROFILE } from './profile-names';

/** A userid (`name@realm`) + `!` + token name; a little wider than each product's own rule, never with '=' or blanks. */
const TOKEN_ID = /^[^\s:/=@!]+@[A-Za-z][A-Za-z0-9.\-_]*![A-Za-z0-9_][A-Za-z0-9.\-_]*$/;

/**
 * An API token ID must be `USER@REALM!NAME`. The value is never echoed: Proxmox shows new tokens as
 * `USER@REALM!NAME=SECRET`, and that whole line is an easy thing to paste into the ID.
 */
export function checkTokenId(id: string, where: string): void {
  if (TOKEN_ID.test(id)) return;
  throw new UsageError(
    `${where} is not an API token ID (USER@REALM!NAME)`,
    id.includes('=') ? "it looks like ID=SECRET: the part after '=' is the token secret and goes in its own setting" : 'e.g. automation@pve!ci',
  );
}

/** PMG's API has no token endpoints at all: a token for it cannot exist. */
export function noPmgTokens(hint: string): UsageError {
  return new UsageError('Proxmox Mail Gateway has no API tokens', hint);
}

/** Refuse locally what the server would only answer with 401: no identity at all, or a token without its secret. */
export function checkCredentials(picked: PickedSettings, profileLabel: string | undefined): void {
  const named = profileLabel !== undefined && profileLabel !== ENVIRONMENT_PROFILE;
  if (picked.tokenId.value !== undefined && picked.service.value === 'PMG') {
    throw noPmgTokens(`log in with a user and password (${ENV.username}, ${ENV.password})`);
  }
  if (picked.tokenId.value !== undefined) {
    checkTokenId(picked.tokenId.value, picked.tokenId.source === 'profile' && named ? `token_id of profile '${profileLabel}'` : ENV.tokenId);
  }
  if (picked.tokenId.value !== undefined && picked.tokenSecret.value === undefined) {
    throw new UsageError(
      `API token ${picked.tokenId.value} has no secret`,
      picked.tokenId.source === 'profile' && named
        ? `set ${ENV.tokenSecret}, or the profile's: ${shellCommand('pvecli', 'profile', 'set', profileLabel, 'token_secret', 'env:VARIABLE')}`
        : `set ${ENV.tokenSecret} too`,
    );
  }
  if (picked.tokenId.value === undefined && picked.username.value === undefined) {
    const env = `set ${ENV.tokenId} and ${ENV.tokenSecret} (or ${ENV.username} and ${ENV.password})`;
    throw new UsageError(
      `no credentials for ${maskUrlPasswords(picked.url.value ?? 'the server')}`,
      named ? `${env}, or give profile ${profileLabel} a token: ${shellCommand('pvecli', 'profile', 'set', profileLabel, 'token_id', 'USER@REALM!NAME')}` : env,
    );
  }
}
