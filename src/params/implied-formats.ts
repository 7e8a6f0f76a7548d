import type { PropSchema } from '../schema/types';
import { claim } from './text';

/**
 * Parameters the upstream schema leaves as plain strings although their form is fixed, checked by name so a bad
 * value is refused before it is sent (`get /nodes/pve/tasks/abc/status`). A task id is `UPID:node:pid:…:` with
 * five fields after the pid on PVE and PMG, six on PBS and PDM (their task number); every field ends with ':'.
 */
const IMPLIED: Record<string, { format: string; re: RegExp; sample: string }> = {
  upid: {
    format: 'UPID',
    re: /^UPID:[A-Za-z0-9][A-Za-z0-9.-]*:[0-9A-Fa-f]{8}:(?:[^:\s]*:){5,6}$/,
    sample: 'UPID:pve:00000001:00000001:00000001:task:id:root@pam:',
  },
};

/** The implied form of parameter `name`, when the schema gives it a plain string (no format, no pattern). */
function impliedFor(name: string, prop: PropSchema): (typeof IMPLIED)[string] | undefined {
  const implied = Object.prototype.hasOwnProperty.call(IMPLIED, name) ? IMPLIED[name] : undefined;
  return implied && prop.type === 'string' && !prop.format && !prop.pattern ? implied : undefined;
}

/** A valid value for a parameter whose form its name implies (for samples), else undefined. */
export function impliedSample(name: string | undefined, prop: PropSchema): string | undefined {
  return name === undefined ? undefined : impliedFor(name, prop)?.sample;
}

/** A message when `value` does not have the form its parameter name implies; undefined when it does, or none is implied. */
export function impliedFormatProblem(name: string, prop: PropSchema, value: unknown, secret: boolean): string | undefined {
  const implied = impliedFor(name, prop);
  if (!implied || typeof value !== 'string') return undefined;
  return implied.re.test(value) ? undefined : claim(value, `is not a valid ${implied.format} (UPID:node:pid:pstart:starttime:type:id:user:)`, secret);
}
