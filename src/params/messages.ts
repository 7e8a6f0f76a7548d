/**
 * ajv errors → one-line messages that name what is allowed (the caller prefixes `--param: `). With `secret` (a
 * credential's value) a message describes the problem without the value.
 */
import type { PropSchema } from '../schema/types';
import { BARE, claim, show, VALUE } from './text';
import { formatCheck, splitList } from './formats';
import type { AjvError } from './validators';

const ARTICLE: Record<string, string> = { integer: 'an integer', array: 'an array', object: 'an object' };

/** The message for one ajv error; `prop` is the Proxmox schema at the error's location, `value` the bad value. */
export function ajvMessage(err: AjvError, prop: PropSchema | undefined, value: unknown, secret = false): string {
  const p = err.params;
  switch (err.keyword) {
    case 'type': {
      const t = String(p.type);
      return claim(value, `is not ${ARTICLE[t] ?? `a ${t}`}`, secret, VALUE);
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]) ?? [];
      const list = allowed.length > 15 ? `${allowed.slice(0, 15).join(', ')}, ...` : allowed.join(', ');
      return claim(value, `is not one of ${list}`, secret);
    }
    case 'minimum':
    case 'exclusiveMinimum':
      return claim(value, `is below the minimum ${String(p.limit)}`, secret, BARE);
    case 'maximum':
    case 'exclusiveMaximum':
      return claim(value, `is above the maximum ${String(p.limit)}`, secret, BARE);
    case 'minLength':
      return claim(value, `is shorter than ${String(p.limit)} characters`, secret);
    case 'maxLength':
      return claim(value, `is longer than ${String(p.limit)} characters`, secret);
    case 'pattern':
      return claim(value, `does not match the pattern ${prop?.pattern ?? String(p.pattern)}`, secret);
    case 'format':
      return formatMessage(String(p.format), value, prop, secret);
    case 'minItems':
      return `needs at least ${String(p.limit)} values`;
    case 'maxItems':
      return `takes at most ${String(p.limit)} values`;
    case 'anyOf':
    case 'oneOf':
      return claim(value, 'matches none of the allowed forms', secret, VALUE);
    default:
      return claim(value, `is invalid (${err.keyword})`, secret, VALUE);
  }
}

/** `'x' is not a valid pve-node`, naming the bad item of a `-list` and the syntax when the data gives one. */
export function formatMessage(format: string, value: unknown, prop?: PropSchema, secret = false): string {
  let msg = claim(value, `is not a valid ${format}`, secret);
  const list = /^(.+)-list$/.exec(format);
  if (list && typeof value === 'string' && !secret) {
    const item = formatCheck(list[1]);
    const bad = item && splitList(value).find((v) => !item(v));
    if (bad !== undefined) msg += ` ('${show(bad)}' is not a valid ${list[1]})`;
  }
  const syntax = prop?.format_description ?? prop?.typetext;
  if (typeof syntax === 'string' && syntax && !/^<?(string|array)>?$/.test(syntax)) msg += `; expected ${syntax}`;
  return msg;
}
