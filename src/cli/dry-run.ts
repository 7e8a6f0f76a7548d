/**
 * `--dry-run` (issue 16): the request that would be sent, nothing sent and no login made. Three forms: text (the
 * request line, headers and body, as curl -v shows them), data (`-o json|json-pretty|yaml`: method, url, headers,
 * body, proxy), and `--dry-run=curl`, a curl command that sends the same request, credentials taken from shell
 * variables so that no secret is printed.
 */
import type { ConnectionSettings } from '../config/types';
import type { ApiRequest, DescribedRequest } from '../http';
import { cookieName, tokenAuthorization } from '../http/auth';
import { isSecretParam } from '../http/redact';
import { paramsInQuery, targetUrl } from '../http/url';
import { shellQuote } from '../util/shell-quote';
import { uploadSpecOf, type UploadSpec } from './file-ops';
import type { GlobalOptions } from './global-options';
import type { PreparedCall } from './verb';

/** The variables the curl command reads its credentials from: DESIGN.md §5's names where there is one. */
export const CURL_VARIABLES = {
  tokenId: 'PROXMOX_API_TOKEN_ID',
  tokenSecret: 'PROXMOX_API_TOKEN_SECRET',
  username: 'PROXMOX_API_USERNAME',
  password: 'PROXMOX_API_PASSWORD',
  proxyPassword: 'PROXY_PASSWORD',
} as const;

/** `--dry-run` in text: the request line, where it would go first, headers, then the body after a blank line. */
export function dryRunText(d: DescribedRequest): string {
  const lines = [`${d.method} ${d.url}`];
  // Not a header: where the request would go first, as curl -v says it.
  if (d.proxy) lines.push(`# via proxy ${d.proxy}`);
  for (const [k, v] of Object.entries(d.headers)) lines.push(`${k}: ${v}`);
  if (d.body !== undefined) lines.push('', d.body);
  return lines.join('\n') + '\n';
}

/** `--dry-run -o json` and the other data formats: the described request as one object, keys in a fixed order. */
export function dryRunData(d: DescribedRequest): Record<string, unknown> {
  const data: Record<string, unknown> = { method: d.method, url: d.url, headers: d.headers };
  if (d.body !== undefined) data.body = d.body;
  if (d.proxy !== undefined) data.proxy = d.proxy;
  return data;
}

export interface CurlInput {
  settings: ConnectionSettings;
  request: ApiRequest;
  /** The proxy the request would go through, as the core resolved it (its password masked). */
  proxy?: string;
  /** Set for an upload: the form's fields and its file part. */
  upload?: UploadSpec;
  /** The environment, for the proxy variables curl would read on its own. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A curl command for POSIX shells: words single-quoted (so `!` in a token ID is safe from bash's history
 * expansion), credentials as "$VARIABLES" in double quotes, one option a line. Lines starting with `#` say what
 * curl cannot express (a pinned certificate fingerprint) or what to set first.
 */
export function curlCommand({ settings, request, proxy, upload, env = process.env }: CurlInput): string {
  const notes: string[] = [];
  const setup: string[] = [];
  // The dry run of the built-in mock names a stand-in host (src/cli/connection.ts): nothing listens there.
  if (new URL(settings.url).hostname.endsWith('.invalid')) {
    notes.push("# the built-in mock runs only inside pvecli: for curl, start one with 'pvecli mock serve' and set PROXMOX_API_URL");
  }
  const args: string[] = ['curl --silent --show-error --fail-with-body'];
  const inQuery = paramsInQuery(request.method);
  if (request.method !== 'GET') args.push('-X', request.method);
  if (inQuery && Object.keys(request.params ?? {}).length) args.push('--get');
  args.push(shellQuote(targetUrl(settings, request.path, '').href));
  args.push('-H', shellQuote('Accept: application/json'));
  args.push(...tlsArgs(settings, notes));
  args.push(...proxyArgs(proxy, env, notes));
  const needs: string[] = [];
  if (settings.tokenId) {
    needs.push(CURL_VARIABLES.tokenId, CURL_VARIABLES.tokenSecret);
    const header = tokenAuthorization(settings.service, `$${CURL_VARIABLES.tokenId}`, `$${CURL_VARIABLES.tokenSecret}`);
    args.push('-H', `"Authorization: ${header}"`);
  } else if (settings.username) {
    needs.push(CURL_VARIABLES.username, CURL_VARIABLES.password);
    setup.push(...loginLines(settings, [...tlsArgs(settings, []), ...proxyArgs(proxy, env, [])]));
    args.push('-b', `"${cookieName(settings.service)}=$TICKET"`);
    if (request.method !== 'GET') args.push('-H', '"CSRFPreventionToken: $CSRF"');
  }
  args.push(...(upload ? uploadArgs(request, upload, needs) : dataArgs(request, request.json === true, needs)));
  const header = [`# set ${[...new Set(needs)].join(', ')} before running this`].filter(() => needs.length);
  return [...header, ...notes, ...setup, joinLines(args)].join('\n') + '\n';
}

/** Trust as the profile has it: a CA file, no verification, or a pinned fingerprint curl cannot take. */
function tlsArgs(settings: ConnectionSettings, notes: string[]): string[] {
  if (!settings.url.startsWith('https:')) return [];
  if (settings.fingerprint) {
    notes.push(
      `# the profile pins the server certificate's SHA-256 fingerprint ${settings.fingerprint}; curl cannot: its`,
      '# --pinnedpubkey takes a hash of the public key, not of the certificate. Give curl the certificate with',
      '# --cacert FILE (or, knowing the risk, --insecure).',
    );
    return [];
  }
  if (!settings.verifyTls) return ['--insecure'];
  if (settings.caFile) return ['--cacert', shellQuote(settings.caFile)];
  return [];
}

/**
 * The proxy the request would take; none: `--noproxy '*'` when curl would otherwise take one from the environment
 * (pvecli's NO_PROXY or its own settings decided against it).
 */
function proxyArgs(proxy: string | undefined, env: NodeJS.ProcessEnv, notes: string[]): string[] {
  if (!proxy) {
    const curlWouldProxy = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'].some((name) => env[name]);
    return curlWouldProxy ? ['--noproxy', shellQuote('*')] : [];
  }
  const url = new URL(proxy);
  if (!url.username) return ['--proxy', shellQuote(proxy)];
  const user = decodeURIComponent(url.username);
  url.username = '';
  url.password = '';
  notes.push(`# set ${CURL_VARIABLES.proxyPassword} to the password of the proxy user ${user}`);
  return ['--proxy', shellQuote(url.href), '--proxy-user', `${shellQuote(`${user}:`)}"$${CURL_VARIABLES.proxyPassword}"`];
}

/** For a password login: POST /access/ticket first, its ticket and CSRF token read out with sed (no jq needed). */
function loginLines(settings: ConnectionSettings, connectArgs: string[]): string[] {
  const login = [
    'curl',
    '--silent',
    '--show-error',
    '--fail-with-body',
    ...connectArgs,
    '--data-urlencode',
    `"username=$${CURL_VARIABLES.username}"`,
    '--data-urlencode',
    `"password=$${CURL_VARIABLES.password}"`,
    shellQuote(targetUrl(settings, '/access/ticket', '').href),
  ];
  const field = (name: string) => `$(printf '%s' "$LOGIN" | sed -n 's/.*"${name}" *: *"\\([^"]*\\)".*/\\1/p')`;
  return [
    '# a password login: get a ticket first (a second factor is not handled here)',
    `LOGIN=$(${login.join(' ')})`,
    `TICKET=${field('ticket')}`,
    `CSRF=${field('CSRFPreventionToken')}`,
  ];
}

/** Parameters as curl sends them: each `--data-urlencode 'name=value'`; a secret from a variable named after it. */
function dataArgs(request: ApiRequest, json: boolean, needs: string[]): string[] {
  const params = request.params ?? {};
  if (json) {
    const values = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, isSecretParam(k, request.path) ? `$${variableOf(k)}` : v]));
    const secrets = Object.keys(params).filter((k) => isSecretParam(k, request.path));
    needs.push(...secrets.map(variableOf));
    const body = JSON.stringify(values);
    // A JSON body holding variables goes in double quotes, its own double quotes escaped for the shell.
    const quoted = secrets.length ? `"${body.replace(/["\\`]/g, (c) => `\\${c}`)}"` : shellQuote(body);
    return ['-H', shellQuote('Content-Type: application/json'), '--data-raw', quoted];
  }
  const args: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (isSecretParam(name, request.path)) {
        needs.push(variableOf(name));
        args.push('--data-urlencode', `${shellQuote(`${name}=`)}"$${variableOf(name)}"`);
      } else {
        args.push('--data-urlencode', shellQuote(`${name}=${one}`));
      }
    }
  }
  return args;
}

/** An upload as a multipart form: the fields as literal strings, then the file part from the local path. */
function uploadArgs(request: ApiRequest, spec: UploadSpec, needs: string[]): string[] {
  const params = request.params ?? {};
  const args: string[] = [];
  for (const name of spec.fields) {
    const value = params[name];
    if (value === undefined) continue;
    const one = Array.isArray(value) ? value[value.length - 1] : value;
    if (isSecretParam(name, request.path)) {
      needs.push(variableOf(name));
      args.push('--form-string', `${shellQuote(`${name}=`)}"$${variableOf(name)}"`);
    } else {
      args.push('--form-string', shellQuote(`${name}=${one}`));
    }
  }
  const file = params[spec.file];
  const path = Array.isArray(file) ? file[file.length - 1] : file;
  // curl's -F reads `;type=…` and `,` after a file name: such a name goes in double quotes, as curl documents.
  const named = path !== undefined && /[;,"\\]/.test(path) ? `"${path.replace(/["\\]/g, (c) => `\\${c}`)}"` : path;
  if (named !== undefined) args.push('--form', shellQuote(`${spec.file}=@${named}`));
  return args;
}

/** `new-password` → `NEW_PASSWORD`: the shell variable a secret parameter is read from. */
function variableOf(param: string): string {
  return param.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** One option (with its value) a line, joined by backslash-newlines. */
function joinLines(args: string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const takesValue = arg.startsWith('-') && !/^--(insecure|get)$/.test(arg) && i + 1 < args.length;
    lines.push(takesValue ? `${arg} ${args[++i]}` : arg);
  }
  return lines.join(' \\\n  ');
}

/** The dry run in the form asked: `--dry-run=curl`, data with `-o json|json-pretty|yaml|table`, else text. */
export function dryRunForm(globals: GlobalOptions): 'curl' | 'data' | 'text' {
  if (globals.dryRun === 'curl') return 'curl';
  return (globals.outputFormat ?? 'text') === 'text' ? 'text' : 'data';
}

/**
 * The dry run of a prepared call in the form its options ask for: text to print as it is, or data to render
 * with -o (the caller writes either: it owns stdout).
 */
export function dryRunOutput(call: PreparedCall, settings: ConnectionSettings): { text: string } | { data: Record<string, unknown> } {
  const { describeRequest } = require('../http') as typeof import('../http');
  const { request, upload, globals } = call;
  const described = describeRequest(settings, request);
  const form = dryRunForm(globals);
  if (form === 'curl') return { text: curlCommand({ settings, request, proxy: described.proxy, upload: upload ? uploadSpecOf(call.op) : undefined }) };
  const shown = upload ? upload.describe(request, described) : described;
  return form === 'text' ? { text: dryRunText(shown) } : { data: dryRunData(shown) };
}
