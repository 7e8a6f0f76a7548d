/**
 * The promise of DESIGN.md §3–4 over every PVE 9.2 operation, through the CLI's own verb pipeline (in-process, so
 * 675 operations × mutations stay fast): a valid parameter set is sent as a dry run; an invalid one is refused
 * with exit 2 and a message naming the parameter; and a counting server sees zero requests throughout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, isolatedEnv } from '../helpers/cli';
process.env.PVECLI_SCHEMA_ROOT = join(ROOT, 'schema');
import { useStreams } from '../../src/cli/io';
import { uploadSpecOf } from '../../src/cli/file-ops';
import { runVerb } from '../../src/cli/verb';
import { pathParamNames } from '../../src/params/argv';
import { sampleArg } from '../../src/params/samples';
import { loadSchema } from '../../src/schema/load';
import { METHODS, type Operation, type PropSchema } from '../../src/schema/types';
import { verbOf } from '../../src/schema/verbs';

let server: Server;
let hits = 0;
const savedEnv = { ...process.env };

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const env = isolatedEnv({
    PROXMOX_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    PROXMOX_API_TOKEN_ID: 'root@pam!count',
    PROXMOX_API_TOKEN_SECRET: 'refusal-secret',
    PVECLI_SCHEMA_ROOT: join(ROOT, 'schema'),
    // Pinned: an unpinned run's first contact reads GET /version (DESIGN.md §2), and this file counts requests.
    PVECLI_SCHEMA: 'pve-9.2',
  });
  Object.assign(process.env, env);
});
afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
  await new Promise<void>((r) => server.close(() => r()));
});

/** Run a verb in-process with stdout captured; returns the exit code and what was printed or thrown. */
async function run(verb: ReturnType<typeof verbOf>, argv: string[]): Promise<{ code: number; out: string; error?: string }> {
  useStreams(1); // through process.stdout, which this function captures (not straight to the descriptor)
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await runVerb(verb, argv), out };
  } catch (err) {
    const e = err as { exitCode?: number; message: string; hint?: string };
    return { code: e.exitCode ?? 1, out, error: `${e.message}${e.hint ? `\n${e.hint}` : ''}` };
  } finally {
    process.stdout.write = write;
  }
}

const schema = loadSchema('pve-9.2');
const ops: Operation[] = [];
for (const [path] of schema.index.entries) for (const m of METHODS) if (schema.operation(path, m)) ops.push(schema.operation(path, m)!);

function flagFor(name: string, prop: PropSchema): string {
  return prop['x-family'] ? `${prop['x-family'].prefix}0` : name;
}

/** Concrete path and the required flags, from the schema's own samples. */
function valid(op: Operation): { path: string; argv: string[]; required: string[] } | undefined {
  const inPath = pathParamNames(op);
  const values: Record<string, string> = {};
  const argv: string[] = [];
  const required: string[] = [];
  for (const [name, prop] of Object.entries(op.parameters.properties ?? {})) {
    const isRequired = !prop.optional;
    if (!inPath.has(name) && !isRequired) continue;
    const sample = sampleArg(prop, name);
    if (sample === undefined) return undefined;
    const first = Array.isArray(sample) ? sample[0] : sample;
    if (inPath.has(name)) values[name] = first;
    else {
      required.push(name);
      for (const v of Array.isArray(sample) ? sample : [sample]) argv.push(`--${flagFor(name, prop)}`, v);
    }
  }
  // An undeclared path parameter (upstream data quirk) gets a plain value.
  const path = op.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(values[n] ?? 'x1'));
  return { path, argv, required };
}

describe('every PVE 9.2 operation through the verb pipeline', () => {
  it('675 operations', () => expect(ops.length).toBe(675));

  it('valid parameters pass as a dry run; mutations are refused with exit 2; zero requests', async () => {
    const failures: string[] = [];
    let dryRuns = 0;
    let refusals = 0;
    for (const op of ops) {
      // Where `--dry-run` is the API's own parameter (realm sync), it is sent: DESIGN.md §3.
      if ('dry-run' in (op.parameters.properties ?? {})) continue;
      const built = valid(op);
      if (!built) continue;
      const verb = verbOf(op.method);
      // An upload's dry run shows its local file, which must exist: any file does (this one).
      const argv = uploadSpecOf(op) ? built.argv.map((a, i) => (built.argv[i - 1] === '--filename' ? __filename : a)) : built.argv;
      const ok = await run(verb, [built.path, ...argv, '--dry-run']);
      if (ok.code !== 0 || !ok.out.startsWith(`${op.method} `)) failures.push(`${verb} ${built.path}: dry run exit ${ok.code} ${ok.error ?? ''}`);
      else dryRuns++;

      // Operations that declare additionalProperties (the guest agent index) take any flag, as Proxmox does.
      if (!op.parameters.additionalProperties) {
        const unknown = await run(verb, [built.path, ...built.argv, '--zz-no-such-param', '1']);
        if (unknown.code !== 2 || !/--zz-no-such-param/.test(unknown.error ?? '')) failures.push(`${verb} ${built.path}: unknown flag gave ${unknown.code}`);
        else refusals++;
      }

      if (built.required.length) {
        const name = built.required[0];
        const prop = op.parameters.properties[name];
        const flag = flagFor(name, prop);
        const without = built.argv.filter((a, i) => a !== `--${flag}` && built.argv[i - 1] !== `--${flag}`);
        const missing = await run(verb, [built.path, ...without]);
        if (missing.code !== 2 || !(missing.error ?? '').includes(name.replace('[n]', ''))) failures.push(`${verb} ${built.path}: missing --${flag} gave ${missing.code} ${missing.error ?? ''}`);
        else refusals++;
      }
      const intParam = Object.entries(op.parameters.properties).find(([n, p]) => p.type === 'integer' && !pathParamNames(op).has(n) && !p['x-family']);
      if (intParam) {
        const wrong = await run(verb, [built.path, ...built.argv, `--${intParam[0]}`, 'not-a-number']);
        if (wrong.code !== 2 || !(wrong.error ?? '').includes(intParam[0])) failures.push(`${verb} ${built.path}: wrong type for --${intParam[0]} gave ${wrong.code}`);
        else refusals++;
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(dryRuns).toBeGreaterThan(600);
    expect(refusals).toBeGreaterThan(900);
    expect(hits).toBe(0);
  }, 120_000);
});
