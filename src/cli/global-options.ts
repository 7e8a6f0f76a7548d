import { OUTPUT_FORMATS, type OutputFormat } from '../output/render';

export interface GlobalOptions {
  profile?: string;
  outputFormat?: OutputFormat;
  noborder?: boolean;
  noheader?: boolean;
  humanReadable?: boolean;
  fields?: string[];
  /** Set by withDefaultShape: `fields` are a command's default columns. */
  defaultFields?: boolean;
  sort?: string;
  /** Set by withDefaultShape: text and table keep the command's row order. */
  keepOrder?: boolean;
  query?: string;
  expand?: boolean;
  input?: string;
  /** `--dry-run`: true (the request as text, or as data with -o json|yaml) or `curl` (`--dry-run=curl`). */
  dryRun?: boolean | 'curl';
  trace?: boolean;
  requestTimeout?: number;
  waitTimeout?: number;
  async?: boolean;
  insecure?: boolean;
  tlsFingerprint?: string;
  caFile?: string;
  quiet?: boolean;
  schema?: string;
  outFile?: string;
  validateReply?: boolean;
  help?: boolean;
  otp?: string;
  /** --watch [SECONDS]: re-run a GET every so many seconds. */
  watch?: number;
  /** --where KEY=VALUE, repeated: filters of a many-target pattern. */
  where?: string[];
  /** --parallel N: how many targets at once. */
  parallel?: number;
  /** --yes: no confirmation before acting on many targets. */
  yes?: boolean;
}

/**
 * boolean: a bare flag; string: one word; list: a,b,c; seconds: a positive number, fractions allowed, within a
 * timer's range; query: a JMESPath expression, its syntax checked as it is parsed (before anything is sent);
 * interval: seconds whose value may be left out (`--watch` alone: `fallback`); repeated: each use adds a value;
 * count: a whole number from 1.
 */
export type GlobalKind = 'boolean' | 'string' | 'list' | 'seconds' | 'query' | 'interval' | 'repeated' | 'count';

export interface GlobalSpec {
  name: string;
  short?: string;
  kind: GlobalKind;
  key: keyof GlobalOptions;
  help: string;
  /** The only values accepted. */
  options?: readonly string[];
  /** The environment variable that sets the same thing when the option is not given (src/config reads it). */
  env?: string;
  /**
   * `all`: every command takes it. `verbs`: only the commands the fast path parses (verbs, ls, usage); an oclif
   * command that needs one adds it with globalFlag() (`task wait --wait-timeout`); oclif has its own --help.
   */
  scope: 'all' | 'verbs';
  /** A boolean that also takes one of these words inline (`--dry-run=curl`); GlobalOptions then holds the word. */
  inlineWords?: readonly string[];
  /** oclif offers --no-NAME (the fast path takes --no-NAME for every boolean, as for API booleans). */
  negatable?: boolean;
  /** An `interval`'s value when the flag is given bare. */
  fallback?: number;
}

/**
 * The global options of DESIGN.md §3: the one list both parsers are made from (globals.ts for the fast path,
 * oclif-flags.ts for oclif's commands). Their long names are chosen so no bundled schema uses them (tested).
 */
export const GLOBAL_OPTIONS = [
  { name: 'profile', short: 'p', kind: 'string', key: 'profile', help: 'profile to use', env: 'PVECLI_PROFILE', scope: 'all' },
  { name: 'output-format', short: 'o', kind: 'string', key: 'outputFormat', help: 'output format', options: OUTPUT_FORMATS, scope: 'all' },
  { name: 'noborder', kind: 'boolean', key: 'noborder', help: 'no table borders', scope: 'all' },
  { name: 'noheader', kind: 'boolean', key: 'noheader', help: 'no table header', scope: 'all' },
  { name: 'human-readable', kind: 'boolean', key: 'humanReadable', help: 'bytes, durations and times for people', scope: 'all', negatable: true },
  { name: 'fields', kind: 'list', key: 'fields', help: 'columns or keys to keep: a,b,c', scope: 'all' },
  {
    name: 'sort',
    kind: 'string',
    key: 'sort',
    help: 'sort rows by KEY, descending with a leading - (--sort -mem); numbers by value, text naturally (pve2 before pve10)',
    scope: 'all',
  },
  { name: 'query', kind: 'query', key: 'query', help: "JMESPath applied to the result before rendering, e.g. \"[?status=='running'].upid\"", scope: 'all' },
  { name: 'expand', kind: 'boolean', key: 'expand', help: 'property strings as objects', scope: 'verbs' },
  { name: 'input', kind: 'string', key: 'input', help: 'parameters from a JSON or YAML file (- for stdin); flags win', scope: 'verbs' },
  {
    name: 'dry-run',
    kind: 'boolean',
    key: 'dryRun',
    help: 'print the request, send nothing (-o json: as JSON; --dry-run=curl: as a curl command)',
    inlineWords: ['curl'],
    scope: 'verbs',
  },
  { name: 'trace', kind: 'boolean', key: 'trace', help: 'trace requests and replies on stderr (secrets redacted)', scope: 'all' },
  { name: 'request-timeout', kind: 'seconds', key: 'requestTimeout', help: 'seconds for one request', env: 'PROXMOX_API_TIMEOUT', scope: 'all' },
  { name: 'wait-timeout', kind: 'seconds', key: 'waitTimeout', help: 'seconds to wait for a task at most', scope: 'verbs' },
  { name: 'async', kind: 'boolean', key: 'async', help: "return a task's UPID at once instead of waiting", scope: 'verbs' },
  { name: 'insecure', kind: 'boolean', key: 'insecure', help: 'do not verify the TLS certificate', scope: 'all' },
  { name: 'tls-fingerprint', kind: 'string', key: 'tlsFingerprint', help: 'pin the server certificate (SHA-256)', env: 'PROXMOX_API_FINGERPRINT', scope: 'all' },
  { name: 'ca-file', kind: 'string', key: 'caFile', help: 'trust this CA file', env: 'PROXMOX_API_CA_FILE', scope: 'all' },
  { name: 'quiet', short: 'q', kind: 'boolean', key: 'quiet', help: 'no output on success', scope: 'all' },
  { name: 'schema', kind: 'string', key: 'schema', help: 'bundled schema, e.g. pve-9.1', env: 'PVECLI_SCHEMA', scope: 'all' },
  { name: 'out-file', kind: 'string', key: 'outFile', help: 'write a file-type reply (a download) to FILE, or - for stdout', scope: 'verbs' },
  {
    name: 'validate-reply',
    kind: 'boolean',
    key: 'validateReply',
    help: "check the reply's data against the operation's returns schema (exit 7 on violations)",
    scope: 'verbs',
  },
  { name: 'help', short: 'h', kind: 'boolean', key: 'help', help: 'show help', scope: 'verbs' },
  { name: 'otp', kind: 'string', key: 'otp', help: 'TFA code for a password login (or PROXMOX_API_OTP)', env: 'PROXMOX_API_OTP', scope: 'all' },
  {
    name: 'watch',
    kind: 'interval',
    key: 'watch',
    fallback: 2,
    help: 'GET again every SECONDS (default 2): redrawn in place on a terminal, one document per change otherwise; Ctrl-C ends',
    scope: 'verbs',
  },
  {
    name: 'where',
    kind: 'repeated',
    key: 'where',
    help: "with a '*' path: only guests whose /cluster/resources entry matches KEY=VALUE, KEY!=VALUE, KEY~REGEX or KEY!~REGEX (repeatable)",
    scope: 'verbs',
  },
  { name: 'parallel', kind: 'count', key: 'parallel', help: 'with several targets: how many at once (default 4)', scope: 'verbs' },
  { name: 'yes', kind: 'boolean', key: 'yes', help: 'with several targets: act without asking first', scope: 'verbs' },
] as const satisfies readonly GlobalSpec[];
