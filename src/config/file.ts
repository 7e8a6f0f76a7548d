/*
 * The pvecli config file (DESIGN.md §5): PROXMOX_CONFIG_FILE, else $XDG_CONFIG_HOME/pvecli/config.yaml.
 * YAML; JSON is accepted (and kept as JSON when the file is JSON). Mode 0600 in a 0700 directory,
 * written atomically under a lock; comments and key order survive edits (yaml's Document API). The comment at
 * the top stays at the top; a removed profile takes its own comment (the lines directly above it) along.
 *
 *   # comments anywhere are kept
 *   current: prod                  # the profile used when neither --profile nor PVECLI_PROFILE says otherwise
 *   profiles:
 *     prod:
 *       url: https://pve1.example.com:8006   # required; no /api2/json
 *       token_id: automation@pve!cli         # API token ...
 *       token_secret: env:PVE_TOKEN          # ... secret as a reference: env:NAME, file:PATH or prompt
 *       username: root@pam                   # or a password login
 *       password: prompt
 *       otp_type: totp                       # totp, recovery, yubico, webauthn
 *       fingerprint: AB:CD:...               # pin the server certificate (SHA-256)
 *       ca_file: ~/pve-ca.pem                # or trust this CA
 *       insecure: false                      # or skip verification
 *       proxy: http://proxy:3128             # proxy for this tool (else HTTPS_PROXY/NO_PROXY)
 *       service: pve                         # pve, pbs, pmg, pdm
 *       path_prefix: /proxmox                # reverse-proxy prefix before /api2/json
 *       timeout: 30                          # seconds, whole request
 *       connect_timeout: 10                  # seconds, TCP+TLS connect
 *       retries: 0                           # GET/HEAD retries on 502/503/504 and resets
 *       retry_backoff: 0.5                   # seconds, doubling, capped at 30
 *       schema: pve-9.2                      # bundled schema id
 *
 * A secret written literally works but draws a warning (and another if the file is group/world-readable).
 * A file that is not valid YAML/JSON or has unknown keys or wrong value types is an error naming file:line
 * (validate-config.ts); nothing is written over it. Writing is updateConfigFile's (locked-update.ts).
 */
import { statSync } from 'node:fs';
import type { Document, Pair, YAMLMap } from 'yaml';
import { UsageError } from '../errors';
import { readBounded } from '../util/bounded-read';
import { coerceProfileValue } from './coerce';
import { PROFILE_KEYS, isProfileKey, type Profile, type ProfileKey } from './profile-keys';
import { checkProfileName } from './profile-names';
import type { ConfigSnapshot } from './snapshot';
import { validateConfig } from './validate-config';
import { keepLeadingComment, keyOf, removeWithOwnComment, yaml } from './yaml-edit';

// For importers from the time the key table lived here (src/cli/complete.ts, profile-add.ts).
export { PROFILE_KEYS } from './profile-keys';
export type { Profile, ProfileKey, ProfileValue } from './profile-keys';

const NEW_FILE_COMMENT = ' pvecli configuration: profiles and the current one. Edit with `pvecli profile ...` or by hand.\n' +
  ' Secrets are references: env:NAME, file:PATH or prompt.';

/** Thousands of profiles fit in 4 MiB; a larger file is not a config file. */
const CONFIG_LIMIT = 4 * 1024 * 1024;

/** One config file, parsed and validated, editable without losing comments or key order. */
export class ConfigFile {
  private constructor(
    readonly path: string,
    readonly exists: boolean,
    readonly format: 'yaml' | 'json',
    private readonly doc: Document,
    /** Permission bits of the file on disk (0 when new). */
    readonly mode: number,
  ) {}

  /** Read and validate `path`; a missing file gives an empty, not-yet-existing config. */
  static read(path: string): ConfigFile {
    let text: string;
    let mode = 0;
    try {
      text = readBounded(path, { limit: CONFIG_LIMIT, regularOnly: true });
      mode = statSync(path).mode & 0o777;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return ConfigFile.empty(path);
      throw new UsageError(`cannot read config file ${path}: ${(error as Error).message}`);
    }
    return ConfigFile.parse(path, text, mode);
  }

  static empty(path: string): ConfigFile {
    const { Document } = yaml();
    const doc = new Document({});
    doc.commentBefore = NEW_FILE_COMMENT;
    return new ConfigFile(path, false, path.toLowerCase().endsWith('.json') ? 'json' : 'yaml', doc, 0);
  }

  static parse(path: string, text: string, mode = 0o600): ConfigFile {
    const { parseDocument, LineCounter } = yaml();
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const fail = (offset: number | undefined, message: string): never => {
      const at = offset === undefined ? '' : `:${lineCounter.linePos(offset).line}`;
      throw new UsageError(`${path}${at}: ${message}`, 'fix the config file by hand; nothing was changed');
    };
    const firstError = doc.errors[0];
    if (firstError) fail(firstError.pos[0], `not valid YAML or JSON: ${firstError.message.split('\n')[0]}`);
    validateConfig(doc, fail);
    const json = path.toLowerCase().endsWith('.json') || /^\s*\{/.test(text);
    return new ConfigFile(path, true, json ? 'json' : 'yaml', doc, mode);
  }

  get current(): string | undefined {
    const value = this.doc.get('current');
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  profileNames(): string[] {
    const profiles = this.profilesMap(false);
    return profiles ? profiles.items.map((pair) => String(keyOf(pair))) : [];
  }

  hasProfile(name: string): boolean {
    return this.profileNames().includes(name);
  }

  /** A profile's values as plain data (secrets still as written, i.e. references). */
  profile(name: string): Profile | undefined {
    const map = this.profilesMap(false)?.get(name, true) as YAMLMap | undefined;
    if (!map) return undefined;
    const { isMap } = yaml();
    if (!isMap(map)) return {};
    // Validated on read, so coercion cannot fail here; it turns "30" into 30 and drops empty keys.
    const profile: Profile = {};
    for (const [key, value] of Object.entries(map.toJSON() as Record<string, unknown>)) {
      if (value !== null && value !== undefined && isProfileKey(key)) profile[key] = coerceProfileValue(key, value);
    }
    return profile;
  }

  /** Create or update a profile: keys given replace their values in place, others are appended in PROFILE_KEYS order. */
  setProfile(name: string, values: Profile): void {
    checkProfileName(name);
    const profiles = this.profilesMap(true)!;
    const { isMap, YAMLMap } = yaml();
    let map = profiles.get(name, true) as YAMLMap | undefined;
    if (!map || !isMap(map)) {
      map = new YAMLMap();
      if (this.format === 'json') map.flow = false;
      profiles.set(this.doc.createNode(name), map);
    }
    for (const key of Object.keys(PROFILE_KEYS) as ProfileKey[]) {
      const value = values[key];
      if (value !== undefined) map.set(key, value);
    }
  }

  /** Remove one key from a profile; false when it was not there. */
  unsetProfileKey(name: string, key: ProfileKey): boolean {
    const map = this.profilesMap(false)?.get(name, true) as YAMLMap | undefined;
    return map ? map.delete(key) : false;
  }

  /** Remove a profile with its own comment; `current` goes too when it named the profile. */
  removeProfile(name: string): void {
    const profiles = this.profilesMap(false);
    const index = profiles ? profiles.items.findIndex((pair) => keyOf(pair) === name) : -1;
    if (profiles && index >= 0) removeWithOwnComment(profiles, index);
    if (this.current === name) this.doc.delete('current');
  }

  /** Run `edit` keeping the file's leading comment at the top (see keepLeadingComment). */
  keepingLeadingComment<T>(edit: () => T): T {
    return keepLeadingComment(this.doc, edit);
  }

  /** Rename in place, so the profile keeps its position and comments; `current` follows. */
  renameProfile(from: string, to: string): void {
    checkProfileName(to);
    const profiles = this.profilesMap(false);
    const pair = profiles?.items.find((p) => keyOf(p) === from);
    if (!pair) throw new UsageError(`no profile '${from}'`);
    const { isScalar } = yaml();
    if (isScalar(pair.key)) pair.key.value = to;
    else pair.key = this.doc.createNode(to);
    if (this.current === from) this.setCurrent(to);
  }

  /** Set `current`, placing it first in the file when it is new there. */
  setCurrent(name: string): void {
    const { isMap } = yaml();
    const contents = this.doc.contents;
    if (isMap(contents) && !contents.has('current')) {
      contents.items.unshift(this.doc.createPair('current', name) as Pair<unknown, unknown>);
    } else {
      this.doc.set('current', name);
    }
  }

  /** Plain data for resolving a run (and for the snapshot cache). */
  snapshot(): ConfigSnapshot {
    return { path: this.path, mode: this.mode, current: this.current, profiles: this.profileNames().map((name) => [name, this.profile(name) ?? {}]) };
  }

  toString(): string {
    if (this.format === 'json') return `${JSON.stringify(this.doc.toJS() ?? {}, null, 2)}\n`;
    return this.doc.toString({ lineWidth: 0 });
  }

  private profilesMap(create: boolean): YAMLMap | undefined {
    const { isMap, YAMLMap } = yaml();
    if (!isMap(this.doc.contents)) {
      if (!create) return undefined;
      this.doc.contents = new YAMLMap() as never;
    }
    let profiles = this.doc.get('profiles', true) as YAMLMap | undefined;
    if ((!profiles || !isMap(profiles)) && create) {
      profiles = new YAMLMap();
      this.doc.set('profiles', profiles);
    }
    return profiles && isMap(profiles) ? profiles : undefined;
  }
}
