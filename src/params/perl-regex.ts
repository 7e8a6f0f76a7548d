/**
 * Proxmox patterns in JavaScript. PVE/PMG patterns are Perl regexes that Proxmox matches whole (`^(?:…)$`);
 * PBS/PDM patterns are Rust regexes written `/…/` and matched as written (they carry their own anchors).
 * The result is a plain JS source string (no flags: ajv's `pattern` keyword takes none), so case-insensitive
 * groups are expanded into explicit character alternatives.
 */

const POSIX_CLASSES: Record<string, string> = {
  cntrl: '\\x00-\\x1f\\x7f',
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  space: '\\s',
  upper: 'A-Z',
  lower: 'a-z',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
  print: '\\x20-\\x7e',
  word: '\\w',
};

/** Translate a Proxmox pattern to an anchored JS regex source. */
export function translatePattern(pattern: string): string {
  const rust = pattern.length >= 2 && pattern.startsWith('/') && pattern.endsWith('/');
  let body = rust ? pattern.slice(1, -1) : pattern;
  let multiline = false;
  if (body.startsWith('(?m)')) {
    multiline = true;
    body = body.slice(4);
  }
  let out = convert(body, false);
  if (multiline) out = out.replace(/^\^/, '(?:^|(?<=\\n))').replace(/\$$/, '(?=\\n|$)');
  return rust ? out : `^(?:${out})$`;
}

/** Compile a translated pattern; undefined if JavaScript cannot parse it. */
export function patternRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(translatePattern(pattern));
  } catch {
    return undefined;
  }
}

/**
 * Walk the regex once, rewriting Perl/Rust-only syntax:
 * `(?^flags:` and `(?flags:` groups (i → case expansion), `(?P<name>`, POSIX classes, `{,n}`, `\A \z \Z`.
 */
function convert(src: string, caseless: boolean): string {
  let out = '';
  // Stack of case-insensitivity per open group.
  const stack: boolean[] = [];
  let ci = caseless;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const next = src[i + 1] ?? '';
      i++;
      if (next === 'A') out += '^';
      else if (next === 'z' || next === 'Z') out += '$';
      else if (ci && /[a-zA-Z]/.test(next) && !/[dDwWsSbBnrtfvx0cuk]/.test(next)) out += caseAlternatives(next);
      else out += '\\' + next;
      continue;
    }
    if (c === '[') {
      const end = classEnd(src, i);
      out += convertClass(src.slice(i, end + 1), ci);
      i = end;
      continue;
    }
    if (c === '(') {
      const m = /^\(\?\^?([a-zA-Z]*)(?:-[a-zA-Z]*)?:/.exec(src.slice(i));
      if (m && src[i + 2] !== '<' && src[i + 2] !== '=' && src[i + 2] !== '!') {
        stack.push(ci);
        // `(?^…:` resets to defaults, then applies the listed flags.
        const reset = src[i + 2] === '^';
        ci = m[1].includes('i') ? true : reset ? false : ci;
        out += '(?:';
        i += m[0].length - 1;
        continue;
      }
      const flagsOnly = /^\(\?([a-zA-Z]+)\)/.exec(src.slice(i));
      if (flagsOnly) {
        if (flagsOnly[1].includes('i')) ci = true;
        i += flagsOnly[0].length - 1;
        continue;
      }
      if (src.startsWith('(?P<', i)) {
        stack.push(ci);
        out += '(?<';
        i += 3;
        continue;
      }
      stack.push(ci);
      out += '(';
      continue;
    }
    if (c === ')') {
      ci = stack.pop() ?? caseless;
      out += ')';
      continue;
    }
    if (c === '{') {
      const q = /^\{,(\d+)\}/.exec(src.slice(i));
      if (q) {
        out += `{0,${q[1]}}`;
        i += q[0].length - 1;
        continue;
      }
    }
    if (ci && /[a-zA-Z]/.test(c)) {
      out += caseAlternatives(c);
      continue;
    }
    out += c;
  }
  return out;
}

function caseAlternatives(ch: string): string {
  const lo = ch.toLowerCase();
  const up = ch.toUpperCase();
  return lo === up ? ch : `[${lo}${up}]`;
}

/** Index of the `]` closing the class opened at `start`, honouring escapes and POSIX `[:name:]`. */
function classEnd(src: string, start: number): number {
  let i = start + 1;
  if (src[i] === '^') i++;
  if (src[i] === ']') i++;
  for (; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '[' && src[i + 1] === ':') {
      const close = src.indexOf(':]', i + 2);
      if (close > 0) i = close + 1;
    } else if (src[i] === ']') return i;
  }
  return src.length - 1;
}

/** Rewrite one bracket class: POSIX names, a nested `[[:^cntrl:]]` negation, and case expansion. */
function convertClass(cls: string, ci: boolean): string {
  // A class that is only a negated POSIX class: [[:^cntrl:]]
  const onlyNeg = /^\[\[:\^(\w+):\]\]$/.exec(cls);
  if (onlyNeg && POSIX_CLASSES[onlyNeg[1]]) return `[^${POSIX_CLASSES[onlyNeg[1]]}]`;
  let body = cls.slice(1, -1).replace(/\[:(\^?)(\w+):\]/g, (whole, neg: string, name: string) =>
    POSIX_CLASSES[name] && !neg ? POSIX_CLASSES[name] : whole,
  );
  if (ci) {
    let extra = '';
    for (const m of body.matchAll(/(?<!\\)([a-zA-Z])-([a-zA-Z])/g)) {
      const [, a, b] = m;
      const flip = (s: string) => (s === s.toLowerCase() ? s.toUpperCase() : s.toLowerCase());
      extra += `${flip(a)}-${flip(b)}`;
    }
    for (const m of body.replace(/(?<!\\)[a-zA-Z]-[a-zA-Z]/g, '').matchAll(/(?<!\\)([a-zA-Z])/g)) {
      const ch = m[1];
      extra += ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
    }
    // Put the added ranges first so they cannot join a trailing '-' into a bogus range.
    body = body.startsWith('^') ? `^${extra}${body.slice(1)}` : extra + body;
  }
  return `[${body}]`;
}
