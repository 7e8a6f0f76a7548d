import { Flags } from '@oclif/core';
import type { GlobalOptions } from './globals';
import { OUTPUT_FORMATS, type OutputFormat } from '../output/render';
import { parseSeconds } from './seconds';

/** A duration flag, parsed as the fast path parses --request-timeout and --wait-timeout (0.5 allowed). */
export const secondsFlag = Flags.custom<number>({
  helpValue: 'SECONDS',
  parse: async (input, _ctx, opts) => parseSeconds(opts.name, input),
});

/** The global options (DESIGN.md §3) as oclif flags, for the topic commands oclif parses. */
export const globalFlags = {
  profile: Flags.string({ char: 'p', description: 'profile to use', helpGroup: 'GLOBAL' }),
  'output-format': Flags.string({ char: 'o', description: 'output format', options: [...OUTPUT_FORMATS], helpGroup: 'GLOBAL' }),
  noborder: Flags.boolean({ description: 'no table borders', helpGroup: 'GLOBAL' }),
  noheader: Flags.boolean({ description: 'no table header', helpGroup: 'GLOBAL' }),
  'human-readable': Flags.boolean({ description: 'bytes, durations and times for people', allowNo: true, helpGroup: 'GLOBAL' }),
  fields: Flags.string({ description: 'columns or keys to keep: a,b,c', helpGroup: 'GLOBAL' }),
  sort: Flags.string({
    description: 'sort rows by KEY, descending with a leading - (--sort -mem); numbers by value, text naturally (pve2 before pve10)',
    helpGroup: 'GLOBAL',
  }),
  query: Flags.string({ description: "JMESPath applied to the result before rendering, e.g. \"[?status=='running'].upid\"", helpGroup: 'GLOBAL' }),
  trace: Flags.boolean({ description: 'trace requests and replies on stderr (secrets redacted)', helpGroup: 'GLOBAL' }),
  'request-timeout': secondsFlag({ description: 'seconds for one request', helpGroup: 'GLOBAL' }),
  insecure: Flags.boolean({ description: 'do not verify the TLS certificate', helpGroup: 'GLOBAL' }),
  'tls-fingerprint': Flags.string({ description: 'pin the server certificate (SHA-256)', helpGroup: 'GLOBAL' }),
  'ca-file': Flags.string({ description: 'trust this CA file', helpGroup: 'GLOBAL' }),
  quiet: Flags.boolean({ char: 'q', description: 'no output on success', helpGroup: 'GLOBAL' }),
  schema: Flags.string({ description: 'bundled schema, e.g. pve-9.1', helpGroup: 'GLOBAL' }),
  otp: Flags.string({ description: 'TFA code for a password login (or PROXMOX_API_OTP)', helpGroup: 'GLOBAL' }),
};

/** oclif's parsed flags → the same GlobalOptions the fast path builds. */
export function toGlobals(flags: Record<string, unknown>): GlobalOptions {
  return {
    profile: flags.profile as string | undefined,
    outputFormat: flags['output-format'] as OutputFormat | undefined,
    noborder: flags.noborder as boolean | undefined,
    noheader: flags.noheader as boolean | undefined,
    humanReadable: flags['human-readable'] as boolean | undefined,
    fields: typeof flags.fields === 'string' ? flags.fields.split(',').filter(Boolean) : undefined,
    sort: flags.sort as string | undefined,
    query: flags.query as string | undefined,
    trace: flags.trace as boolean | undefined,
    requestTimeout: flags['request-timeout'] as number | undefined,
    insecure: flags.insecure as boolean | undefined,
    tlsFingerprint: flags['tls-fingerprint'] as string | undefined,
    caFile: flags['ca-file'] as string | undefined,
    quiet: flags.quiet as boolean | undefined,
    schema: flags.schema as string | undefined,
    otp: flags.otp as string | undefined,
  };
}
