import { describe, expect, it } from 'vitest';
import { ConfigFile } from '../../src/config/index';

/** What ConfigFile.parse says of a file: 'ok', or the message (file name f.yaml). */
function verdict(text: string): string {
  try {
    ConfigFile.parse('f.yaml', text);
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('config file validation (ajv, messages in the file\'s terms)', () => {
  it.each([
    ['', 'ok'],
    ['# only a comment\n', 'ok'],
    ['profiles:\n  a:\n    timeout: 30\n    retries: 0\n    insecure: false\n', 'ok'],
    ['profiles:\n  a:\n    timeout: " 5 "\n    retries: "2"\n    insecure: "YES"\n    url: 5\n', 'ok'],
    ['profiles:\n  a:\n    url:\n', 'ok'],
    ['hello\n', 'f.yaml:1: expected a mapping with `current` and `profiles`'],
    ['current: [a]\n', 'f.yaml:1: `current` must be a profile name'],
    ['1: x\n', "f.yaml:1: unknown key '1' (expected: current, profiles)"],
    ['profiles: 5\n', 'f.yaml:1: `profiles` must be a mapping of profile names'],
    ['profiles:\n  a: 5\n', "f.yaml:2: profile 'a' must be a mapping"],
    ['profiles:\n  "bad name":\n    url: x\n', "f.yaml:2: invalid profile name 'bad name'"],
    ['profiles:\n  123:\n    url: x\n', "f.yaml:2: invalid profile name '123'"],
    ['profiles:\n  a:\n    true: x\n', "f.yaml:3: unknown key 'true' in profile 'a' (expected: url, token_id, token_secret, username, password, otp_type, fingerprint, ca_file, insecure, proxy, service, path_prefix, timeout, connect_timeout, retries, retry_backoff, schema, backend, ssh_host, ssh_user, ssh_port, ssh_identity, ssh_strict_host_key_checking, ssh_known_hosts)"],
    ['profiles:\n  a:\n    timeout: -1\n', "f.yaml:3: profile 'a': timeout must be a non-negative number"],
    ['profiles:\n  a:\n    timeout: "1e999"\n', "f.yaml:3: profile 'a': timeout must be a non-negative number"],
    ['profiles:\n  a:\n    timeout: ""\n', "f.yaml:3: profile 'a': timeout must be a non-negative number"],
    ['profiles:\n  a:\n    retries: 1.5\n', "f.yaml:3: profile 'a': retries must be a non-negative integer"],
    ['profiles:\n  a:\n    insecure: maybe\n', "f.yaml:3: profile 'a': insecure must be true or false"],
    ['profiles:\n  a:\n    password: 5\n', "f.yaml:3: profile 'a': password must be a string"],
    ['profiles:\n  a:\n    url: [x]\n', "f.yaml:3: profile 'a': url must be a string"],
    // references to other nodes are not read by ConfigFile.profile, so they are refused as the wrong type
    ['profiles:\n  a: &p\n    url: x\n  b: *p\n', "f.yaml:4: profile 'b' must be a mapping"],
    ['profiles:\n  a:\n    url: &u x\n    proxy: *u\n', "f.yaml:4: profile 'a': proxy must be a string"],
  ])('%j → %s', (text, expected) => {
    expect(verdict(text)).toBe(expected);
  });

  it('several problems: the first in the file is reported', () => {
    expect(verdict('profiles:\n  b:\n    tokn: x\n  a:\n    timeout: soon\n')).toMatch(/^f\.yaml:3: unknown key 'tokn' in profile 'b'/);
    expect(verdict('profiles:\n  a:\n    timeout: soon\n  b:\n    tokn: x\n')).toBe("f.yaml:3: profile 'a': timeout must be a non-negative number");
    expect(verdict('profiles: 5\ncurent: 1\n')).toBe('f.yaml:1: `profiles` must be a mapping of profile names');
  });
});
