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
 * A file that is not valid YAML/JSON or has unknown keys or wrong value types is an error naming file:line;
 * nothing is written over it.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import { CliError, ExitCode, UsageError } from '../errors';
import { removeAbandonedTempFiles, writeFileAtomic } from '../util/atomic-file';
import { withFileLock } from '../util/file-lock';
import type { ConfigSnapshot } from './snapshot';

type ValueKind = 'string' | 'secret' | 'boolean' | 'number' | 'integer';

/** Every key a profile may hold, with its value type; the order is the one `profile add` writes. */
export const PROFILE_KEYS = {
  url: 'string',
  token_id: 'string',
  token_secret: 'secret',
  username: 'string',
  password: 'secret',
  otp_type: 'string',
  fingerprint: 'string',
  ca_file: 'string',
  insecure: 'boolean',
  proxy: 'string',
  service: 'string',
  path_prefix: 'string',
  timeout: 'number',
  connect_timeout: 'number',
  retries: 'integer',
  retry_backoff: 'number',
  schema: 'string',
} as const satisfies Record<string, ValueKind>;

export type ProfileKey = keyof typeof PROFILE_KEYS;
export type ProfileValue = string | number | boolean;
export type Profile = Partial<Record<ProfileKey, ProfileValue>>;

export const SECRET_KEYS: readonly ProfileKey[] = ['token_secret', 'password'];
const TOP_LEVEL_KEYS = ['current', 'profiles'];
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isProfileKey(key: string): key is ProfileKey {
  return Object.prototype.hasOwnProperty.call(PROFILE_KEYS, key);
}

/** Profile names end up in cache file names and shell commands: keep them plain. */
export function checkProfileName(name: string): void {
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(`invalid profile name '${name}'`, 'use letters, digits, ".", "_" and "-", starting with a letter or digit');
  }
}

/** Parse a command-line or file value into the key's type; throws a message (no location) when it does not fit. */
export function coerceProfileValue(key: ProfileKey, value: unknown): ProfileValue {
  const kind: ValueKind = PROFILE_KEYS[key];
  switch (kind) {
    case 'string':
    case 'secret':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && kind === 'string') return String(value);
      throw new Error(`${key} must be a string`);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false|1|0|yes|no)$/i.test(value)) return /^(true|1|yes)$/i.test(value);
      throw new Error(`${key} must be true or false`);
    case 'number':
    case 'integer': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (!Number.isFinite(n) || n < 0 || (kind === 'integer' && !Number.isInteger(n))) {
        throw new Error(`${key} must be a non-negative ${kind === 'integer' ? 'integer' : 'number'}`);
      }
      return n;
    }
  }
}

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
/** yaml costs ~54 ms to import: load it only when a config file is actually read or written. */
function yaml(): YamlModule {
  yamlModule ??= require('yaml') as YamlModule;
  return yamlModule;
}

const NEW_FILE_COMMENT = ' pvecli configuration: profiles and the current one. Edit with `pvecli profile ...` or by hand.\n' +
  ' Secrets are references: env:NAME, file:PATH or prompt.';

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
      text = readFileSync(path, 'utf8');
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
    validate(doc, fail);
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

  /**
   * Run `edit` keeping the file's leading comment at the top. yaml holds a comment that is not set off by a blank
   * line on the first key, so removing that key (`current`) would take the comment along, and inserting a key
   * before it (`current` again) would push the comment down.
   */
  keepingLeadingComment<T>(edit: () => T): T {
    const { isMap, isNode } = yaml();
    const firstKey = (): YamlNode | undefined => {
      const key = isMap(this.doc.contents) ? this.doc.contents.items[0]?.key : undefined;
      return isNode(key) ? key : undefined;
    };
    const before = firstKey();
    const leading = before?.commentBefore;
    const result = edit();
    const after = firstKey();
    if (leading && after !== before) {
      if (before) before.commentBefore = undefined;
      if (after) after.commentBefore = joinComments(leading, after.commentBefore);
      else this.doc.commentBefore = joinComments(this.doc.commentBefore, leading) ?? null;
    }
    return result;
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

/**
 * Read-modify-write the config file under its lock: the file is re-read inside the lock, so concurrent
 * writers never lose each other's changes; the write is atomic, 0600. `edit` may throw to abort (nothing written).
 */
export async function updateConfigFile<T>(path: string, edit: (config: ConfigFile) => T): Promise<T> {
  // Write through a symlink (dotfile managers link the config in), not over it.
  path = realTarget(path);
  try {
    return await withFileLock(path, () => {
      const config = ConfigFile.read(path);
      const result = config.keepingLeadingComment(() => edit(config));
      writeFileAtomic(path, config.toString(), 0o600);
      removeAbandonedTempFiles(path);
      return result;
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof CliError || !code) throw error;
    // EACCES, EROFS, ENOSPC...: say which file, not a stack.
    throw new CliError(`cannot write the config file ${path}: ${(error as Error).message}`, ExitCode.internal, 'set PROXMOX_CONFIG_FILE to a writable path');
  }
}

function realTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // not there yet
  }
}

/**
 * Remove item `index` of `map` with its own comment: the lines directly above it (yaml holds the first item's on
 * the map). Lines set off from it by a blank line are not about it alone and stay, above the next item.
 */
function removeWithOwnComment(map: YAMLMap, index: number): void {
  const { isNode } = yaml();
  const [pair] = map.items.splice(index, 1);
  const key = isNode(pair.key) ? pair.key : undefined;
  if (!key?.commentBefore) {
    if (index === 0) map.commentBefore = commentsSetOff(map.commentBefore);
    return;
  }
  const kept = commentsSetOff(key.commentBefore);
  if (!kept) return;
  const next = map.items[index]?.key;
  if (isNode(next)) next.commentBefore = joinComments(kept, next.commentBefore);
  // after the last item: the map's trailing comment, which needs no blank line below it
  else map.comment = joinComments(kept, map.comment)!.replace(/\n$/, '');
}

/**
 * The part of a comment block above a node that a blank line sets off from it. yaml writes blank lines inside a
 * block as empty lines, so one ending in '\n' had a blank line between it and the node.
 */
function commentsSetOff(comment: string | null | undefined): string | undefined {
  if (!comment) return undefined;
  if (comment.endsWith('\n')) return comment;
  const cut = comment.lastIndexOf('\n\n');
  return cut < 0 ? undefined : comment.slice(0, cut + 1);
}

/** Two comment blocks, one above the other, a blank line between them. */
function joinComments(first: string | null | undefined, second: string | null | undefined): string | undefined {
  if (!first) return second ?? undefined;
  if (!second) return first;
  return `${first.replace(/\n$/, '')}\n\n${second}`;
}

function keyOf(pair: Pair): unknown {
  const { isScalar } = yaml();
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

/** Check the shape against the documented keys and types; `fail` throws with the offending line. */
function validate(doc: Document, fail: (offset: number | undefined, message: string) => never): void {
  const { isMap, isScalar } = yaml();
  const offsetOf = (node: unknown): number | undefined => (node as YamlNode | undefined)?.range?.[0];
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) return; // empty file
  if (!isMap(contents)) fail(offsetOf(contents), 'expected a mapping with `current` and `profiles`');
  for (const pair of (contents as YAMLMap).items) {
    const key = keyOf(pair);
    if (typeof key !== 'string' || !TOP_LEVEL_KEYS.includes(key)) {
      fail(offsetOf(pair.key), `unknown key '${String(key)}' (expected: ${TOP_LEVEL_KEYS.join(', ')})`);
    }
    if (key === 'current' && !(isScalar(pair.value) && (typeof pair.value.value === 'string' || pair.value.value === null))) {
      fail(offsetOf(pair.value ?? pair.key), '`current` must be a profile name');
    }
    if (key === 'profiles') {
      if (isScalar(pair.value) && pair.value.value === null) continue;
      if (!isMap(pair.value)) fail(offsetOf(pair.value ?? pair.key), '`profiles` must be a mapping of profile names');
      for (const profilePair of (pair.value as YAMLMap).items) {
        const name = keyOf(profilePair);
        if (typeof name !== 'string' || !PROFILE_NAME.test(name)) {
          fail(offsetOf(profilePair.key), `invalid profile name '${String(name)}'`);
        }
        if (isScalar(profilePair.value) && profilePair.value.value === null) continue;
        if (!isMap(profilePair.value)) fail(offsetOf(profilePair.value ?? profilePair.key), `profile '${name}' must be a mapping`);
        for (const setting of (profilePair.value as YAMLMap).items) {
          const settingKey = keyOf(setting);
          if (typeof settingKey !== 'string' || !isProfileKey(settingKey)) {
            fail(offsetOf(setting.key), `unknown key '${String(settingKey)}' in profile '${name}' (expected: ${Object.keys(PROFILE_KEYS).join(', ')})`);
          }
          const value = isScalar(setting.value) ? setting.value.value : setting.value;
          if (value === null || value === undefined) continue;
          try {
            coerceProfileValue(settingKey as ProfileKey, value);
          } catch (error) {
            fail(offsetOf(setting.value ?? setting.key), `profile '${name}': ${(error as Error).message}`);
          }
        }
      }
    }
  }
}
