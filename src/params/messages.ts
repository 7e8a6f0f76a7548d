/** ajv errors → one-line messages that name what is allowed (the caller prefixes `--param: `). */
import type { PropSchema } from '../schema/types';
import { show } from './coerce';
import { formatCheck, splitList } from './formats';
import type { AjvError } from './validators';

const ARTICLE: Record<string, string> = { integer: 'an integer', array: 'an array', object: 'an object' };

/** The message for one ajv error; `prop` is the Proxmox schema at the error's location, `value` the bad value. */
export function ajvMessage(err: AjvError, prop: PropSchema | undefined, value: unknown): string {
  const p = err.params;
  switch (err.keyword) {
    case 'type': {
      const t = String(p.type);
      return `value '${show(value)}' is not ${ARTICLE[t] ?? `a ${t}`}`;
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]) ?? [];
      const list = allowed.length > 15 ? `${allowed.slice(0, 15).join(', ')}, ...` : allowed.join(', ');
      return `'${show(value)}' is not one of ${list}`;
    }
    case 'minimum':
    case 'exclusiveMinimum':
      return `${show(value)} is below the minimum ${String(p.limit)}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `${show(value)} is above the maximum ${String(p.limit)}`;
    case 'minLength':
      return `'${show(value)}' is shorter than ${String(p.limit)} characters`;
    case 'maxLength':
      return `'${show(value)}' is longer than ${String(p.limit)} characters`;
    case 'pattern':
      return `'${show(value)}' does not match the pattern ${prop?.pattern ?? String(p.pattern)}`;
    case 'format':
      return formatMessage(String(p.format), value, prop);
    case 'minItems':
      return `needs at least ${String(p.limit)} values`;
    case 'maxItems':
      return `takes at most ${String(p.limit)} values`;
    case 'anyOf':
    case 'oneOf':
      return `value '${show(value)}' matches none of the allowed forms`;
    default:
      return `value '${show(value)}' is invalid (${err.keyword})`;
  }
}

/** `'x' is not a valid pve-node`, naming the bad item of a `-list` and the syntax when the data gives one. */
export function formatMessage(format: string, value: unknown, prop?: PropSchema): string {
  let msg = `'${show(value)}' is not a valid ${format}`;
  const list = /^(.+)-list$/.exec(format);
  if (list && typeof value === 'string') {
    const item = formatCheck(list[1]);
    const bad = item && splitList(value).find((v) => !item(v));
    if (bad !== undefined) msg += ` ('${show(bad)}' is not a valid ${list[1]})`;
  }
  const syntax = prop?.format_description ?? prop?.typetext;
  if (typeof syntax === 'string' && syntax && !/^<?(string|array)>?$/.test(syntax)) msg += `; expected ${syntax}`;
  return msg;
}
