/**
 * Parameters from the schema: argv → typed values, validation (ajv standalone code generated at build time, with
 * the Proxmox formats), property strings, and the wire encoding. Used by the CLI and by the mock server.
 */
import type { Schema } from '../schema/load';
import type { Operation } from '../schema/types';
import { validateValues, type ParamError } from './validate';

export { parseArgs, pathParamNames, type ParamValue } from './argv';
export { encodeParams } from './encode';
export {
  formatPropertyString,
  parsePropertyString,
  propertyFormatOf,
  PropertyStringError,
  type PropertyFormat,
} from './property-string';
export type { ParamError } from './validate';

/** A Proxmox (Perl) or PBS/PDM (Rust `/…/`) pattern as an anchored JavaScript regex source. */
export function translatePattern(pattern: string): string {
  return (require('./perl-regex') as typeof import('./perl-regex')).translatePattern(pattern);
}

/** Validate typed params (plus path params, which may be strings) against the operation; [] when valid. */
export function validateParams(schema: Schema, op: Operation, params: Record<string, unknown>): ParamError[] {
  return validateValues(schema, op, params);
}

/** For the mock server: wire values (query/form strings, repeated keys as arrays, or a JSON body) → `{param: message}`. */
export function validateWire(schema: Schema, op: Operation, wire: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of validateValues(schema, op, wire)) out[e.param] ??= e.message;
  return out;
}

/** One way a reply's `data` breaks the operation's `returns`: where (`/0/vmid`, '' for the whole) and what. */
export interface ReplyViolation {
  path: string;
  message: string;
}

/**
 * A reply's `data` against the operation's `returns` with the validator generated at build time: [] when it fits,
 * undefined when the operation declares nothing to check.
 */
export function validateReply(schema: Schema, op: Operation, data: unknown): ReplyViolation[] | undefined {
  const validate = (require('./validators') as typeof import('./validators')).validatorsFor(schema, op).returns();
  if (!validate) return undefined;
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => ({ path: e.instancePath, message: (e as { message?: string }).message ?? e.keyword }));
}

/** The one line the CLI prints for a parameter error: `--vmid: 99 is below the minimum 100`. */
export function paramErrorLine(e: ParamError): string {
  return e.message === 'missing required parameter' ? `missing required parameter --${e.param}` : `--${e.param}: ${e.message}`;
}
