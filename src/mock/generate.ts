/**
 * Schema-driven values: a reply for any operation without a hand-written handler, generated from its `returns`
 * schema, deterministic for a seed and a path. Strings with a format or pattern come from the CLI's own samples
 * (src/params), so replies pass the same checks the CLI applies.
 */
import { formatCheck } from '../params/formats';
import { patternRegExp } from '../params/perl-regex';
import { sampleArg } from '../params/samples';
import type { PropSchema } from '../schema/types';
import { type Rng, intBetween, pick } from './random';

export interface GenerateContext {
  rng: Rng;
  /** Builds a UPID for string results that are tasks (mutating operations). */
  upid?: () => string;
  /** Values known from the request (path parameters), reused for same-named properties. */
  known?: Record<string, string>;
}

/** Plain strings named like these get realistic values rather than 'demo…'. */
const NAME_SAMPLES: Record<string, string> = {
  node: 'pve',
  storage: 'local',
  digest: '0123456789abcdef0123456789abcdef01234567',
  type: 'qemu',
  name: 'demo',
  status: 'ok',
  volid: 'local-lvm:vm-100-disk-0',
  userid: 'root@pam',
  username: 'root@pam',
  comment: 'demo',
  path: '/',
  iface: 'eth0',
  bridge: 'vmbr0',
  version: '9.2.0',
  release: '9.2',
  arch: 'amd64',
  devpath: '/dev/sda',
  health: 'PASSED',
  model: 'QEMU HARDDISK',
  vendor: 'ATA',
  serial: 'S5Y1NX0R123456',
  used: 'LVM',
  wwn: '0x5002538f00000001',
  hostname: 'pve',
  description: 'demo',
  state: 'enabled',
  mode: 'default',
  service: 'pveproxy',
  unit: 'pveproxy.service',
  method: 'static',
  family: 'inet',
  content: 'images',
  format: 'raw',
};

const BYTES = /(^|[-_])(size|mem|memory|maxmem|disk|maxdisk|bytes|total|used|avail|free)$/;
const EPOCH = /(time|ctime|mtime|starttime|endtime|last-run|next-run)$/;

const MAX_DEPTH = 8;

export function generateValue(schema: PropSchema | undefined, ctx: GenerateContext, name = '', depth = 0): unknown {
  if (!schema || depth > MAX_DEPTH) return null;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return pick(ctx.rng, schema.enum);
  switch (schema.type) {
    case 'null':
      return null;
    case 'boolean':
      return ctx.rng() < 0.5 ? 0 : 1; // Proxmox writes booleans as 0/1
    case 'integer':
      return generateInteger(schema, ctx, name);
    case 'number': {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? (min <= 1 && name === 'cpu' ? 1 : min + 100);
      return Math.round((min + ctx.rng() * (max - min)) * 1000) / 1000;
    }
    case 'array': {
      const items = schema.items ?? { type: 'string' };
      const count = intBetween(ctx.rng, 1, 3);
      const out: unknown[] = [];
      for (let i = 0; i < count; i++) out.push(generateValue(items, ctx, name, depth + 1));
      return out;
    }
    case 'object':
      return generateObject(schema, ctx, depth);
    case 'string':
      return generateString(schema, ctx, name);
    default:
      // 'any' or no type: an empty object is valid and what Proxmox usually sends
      return schema.properties ? generateObject(schema, ctx, depth) : null;
  }
}

function generateInteger(schema: PropSchema, ctx: GenerateContext, name: string): number {
  if (schema.format === 'pve-vmid' || name === 'vmid') {
    const known = Number(ctx.known?.vmid);
    return Number.isInteger(known) && known >= 100 ? known : 100 + intBetween(ctx.rng, 0, 20);
  }
  if (schema.maximum === undefined && (schema.minimum ?? 0) <= 0) {
    if (BYTES.test(name)) return intBetween(ctx.rng, 1, 64) * 1024 ** 3;
    if (EPOCH.test(name)) return 1_760_000_000 + intBetween(ctx.rng, 0, 10_000_000);
  }
  const min = schema.minimum ?? 0;
  const max = schema.maximum ?? min + 1000;
  return min + Math.floor(ctx.rng() * (Math.min(max, Number.MAX_SAFE_INTEGER) - min + 1));
}

function generateObject(schema: PropSchema, ctx: GenerateContext, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (/\[n\]$/.test(key)) {
      out[key.replace('[n]', '0')] = generateValue(prop, ctx, key, depth + 1);
      continue;
    }
    out[key] = generateValue(prop, ctx, key, depth + 1);
  }
  return out;
}

function generateString(schema: PropSchema, ctx: GenerateContext, name: string): string {
  const known = ctx.known?.[name];
  if (known !== undefined && passesChecks(schema, known)) return known;
  if (schema.format || schema.pattern) {
    // The CLI's own samples: they pass its format, pattern and property-string checks by construction.
    const sample = sampleArg(schema);
    if (typeof sample === 'string') return sample;
  }
  if (name === 'upid' && ctx.upid) return ctx.upid();
  let value = Object.hasOwn(NAME_SAMPLES, name) ? NAME_SAMPLES[name] : `demo${intBetween(ctx.rng, 1, 99)}`;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) value = value.slice(0, schema.maxLength);
  if (schema.minLength !== undefined && value.length < schema.minLength) value = value.padEnd(schema.minLength, 'x');
  return value;
}

/** Does `value` pass the same format and pattern checks the CLI's validator applies? */
function passesChecks(schema: PropSchema, value: string): boolean {
  if (typeof schema.format === 'string') {
    const check = formatCheck(schema.format);
    if (check && !check(value)) return false;
  }
  if (schema.pattern) {
    const re = patternRegExp(schema.pattern);
    if (re && !re.test(value)) return false;
  }
  return true;
}

/** A return value declared as a task id: PBS and PDM give the UPID's pattern (`/^UPID:(?P<node>…`), PVE a format. */
function declaresUpid(returns: PropSchema): boolean {
  return returns.type === 'string' && (returns.format === 'pve-upid' || (typeof returns.pattern === 'string' && /^\/?\^?UPID:/.test(returns.pattern)));
}

/** The reply of an operation without a handler: from its return schema; mutating calls returning a string get a UPID. */
export function generateReply(returns: PropSchema | undefined, ctx: GenerateContext, method: string): unknown {
  if (!returns) return null;
  const plainString =
    returns.type === 'string' && !returns.format && !returns.pattern && !returns.enum;
  if ((plainString || declaresUpid(returns)) && method !== 'GET' && ctx.upid) return ctx.upid();
  return generateValue(returns, ctx);
}
