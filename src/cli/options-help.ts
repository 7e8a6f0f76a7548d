import { GLOBAL_OPTIONS, type GlobalSpec } from './global-options';

/**
 * The global options in help (issue 16): every help page ends with a short block of the common ones and a pointer
 * to `pvecli help options`, which lists them all with their environment variables (like `kubectl options`).
 */

/** The ones a new user reaches for first, in this order. */
const COMMON = ['profile', 'output-format', 'fields', 'sort', 'query', 'dry-run', 'trace', 'quiet', 'async', 'insecure'];

/** What an option's value is called in help. */
const VALUE_NAMES: Record<string, string> = {
  profile: 'NAME', 'output-format': 'FORMAT', sort: 'KEY', query: 'EXPR', input: 'FILE', schema: 'ID', 'ca-file': 'PATH',
  'tls-fingerprint': 'FP', 'out-file': 'FILE', otp: 'CODE',
};

function signature(o: GlobalSpec): string {
  const value = o.kind === 'boolean' ? '' : o.kind === 'seconds' ? ' S' : o.kind === 'list' ? ' a,b' : ` ${VALUE_NAMES[o.name] ?? 'VALUE'}`;
  return `${o.short ? `-${o.short}, ` : '    '}--${o.name}${value}`;
}

/** `full`: the whole help with the environment variable and scope; else its first clause. */
function lines(options: readonly GlobalSpec[], full: boolean): string {
  const sigs = options.map(signature);
  const pad = Math.min(32, Math.max(...sigs.map((s) => s.length)) + 2);
  return options
    .map((o, i) => {
      const text = o.options ? `${o.help}: ${o.options.join(', ')}` : o.help;
      const notes = full ? [o.env && !text.includes(o.env) ? `env ${o.env}` : '', o.scope === 'verbs' && o.name !== 'help' ? 'verbs, ls and usage only' : ''].filter(Boolean) : [];
      const help = full ? (notes.length ? `${text} (${notes.join('; ')})` : text) : text.split(/ \(|, e\.g\.|; /)[0];
      return sigs[i].length + 2 > pad ? `  ${sigs[i]}\n  ${' '.repeat(pad)}${help}\n` : `  ${sigs[i].padEnd(pad)}${help}\n`;
    })
    .join('');
}

/** The short block at the end of a help page; `heading` in the page's own style (oclif: GLOBAL OPTIONS). */
export function globalOptionsBlock(heading = 'Global options:'): string {
  const common = COMMON.map((name) => GLOBAL_OPTIONS.find((o) => o.name === name)!).filter(Boolean);
  return `${heading}\n${lines(common, false)}  'pvecli help options' lists all ${GLOBAL_OPTIONS.length} global options.\n`;
}

/** `pvecli help options`: every global option, its environment variable and where it applies. */
export function globalOptionsText(): string {
  return (
    'Global options: accepted before or after the command (pvecli -p lab get /nodes, pvecli get /nodes -p lab).\n' +
    'Where an API operation has a parameter of the same long name, the long name is the API\'s there; the option is\n' +
    'then reached by its short form or its environment variable.\n\n' +
    lines(GLOBAL_OPTIONS, true)
  );
}
