import { Flags, type Interfaces } from '@oclif/core';
import { GLOBAL_OPTIONS, type GlobalOptions, type GlobalSpec } from './global-options';
import { parseGlobalValue } from './globals';
import { parseSeconds } from './seconds';

/** A duration flag, parsed as the fast path parses --request-timeout and --wait-timeout (0.5 allowed). */
export const secondsFlag = Flags.custom<number>({
  helpValue: 'SECONDS',
  parse: async (input, _ctx, opts) => parseSeconds(opts.name, input),
});

type Spec = (typeof GLOBAL_OPTIONS)[number];
type ValueOf<K extends GlobalSpec['kind']> = K extends 'seconds' | 'interval' | 'count' ? number : K extends 'list' | 'repeated' ? string[] : string;
type FlagOf<S extends Spec> = S['kind'] extends 'boolean' ? Interfaces.BooleanFlag<boolean> : Interfaces.OptionFlag<ValueOf<S['kind']> | undefined>;
type Overrides = { description?: string; helpGroup?: string };

/** One global option of the table as an oclif flag; `overrides` for a command that words it its own way. */
export function globalFlag<N extends Spec['name']>(name: N, overrides: Overrides = {}): FlagOf<Extract<Spec, { name: N }>> {
  const spec: GlobalSpec = GLOBAL_OPTIONS.find((s) => s.name === name)!;
  const common = {
    ...(spec.short ? { char: spec.short as Interfaces.AlphabetLowercase } : {}),
    description: spec.help,
    helpGroup: 'GLOBAL',
    ...overrides,
  };
  if (spec.kind === 'boolean') return Flags.boolean({ ...common, ...(spec.negatable ? { allowNo: true } : {}) }) as never;
  if (spec.kind === 'seconds' || spec.kind === 'interval') return secondsFlag(common) as never;
  if (spec.kind === 'count') return Flags.integer({ ...common, min: 1 }) as never;
  if (spec.kind === 'repeated') return Flags.string({ ...common, multiple: true }) as never;
  if (spec.kind === 'list') return Flags.custom<string[]>({ parse: async (input) => parseGlobalValue(spec, input) as string[] })(common) as never;
  // oclif checks the choices itself (and lists them in the help) before parse() sees the value.
  const options = spec.options ? { options: [...spec.options] } : {};
  return Flags.custom<string>({ ...options, parse: async (input) => parseGlobalValue(spec, input) as string })(common) as never;
}

type GlobalFlags = { [S in Extract<Spec, { scope: 'all' }> as S['name']]: FlagOf<S> };

/** The global options (DESIGN.md §3) every oclif command takes: the table's entries of scope `all`. */
export const globalFlags = Object.fromEntries(
  GLOBAL_OPTIONS.filter((s) => s.scope === 'all').map((s) => [s.name, globalFlag(s.name)]),
) as unknown as GlobalFlags;

/** oclif's parsed flags → the same GlobalOptions the fast path builds (the flags parsed their values already). */
export function toGlobals(flags: Record<string, unknown>): GlobalOptions {
  const globals: Record<string, unknown> = {};
  for (const spec of GLOBAL_OPTIONS) {
    if (flags[spec.name] !== undefined) globals[spec.key] = flags[spec.name];
  }
  return globals as GlobalOptions;
}
