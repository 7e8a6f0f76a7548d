import { Command, Flags } from '@oclif/core';
import { globalFlags } from '../../src/cli/oclif-flags';
import { UsageError } from '../../src/errors';
import { MockStateFileError, MockTokenSpecError } from '../../src/mock/mock-error';

/** Why the mock could not start, as a usage error naming the flag to change; other errors pass through. */
export function serveError(e: unknown, host: string, port: number): unknown {
  if (e instanceof MockTokenSpecError) return new UsageError(`--token ${e.message}`, "for example --token 'ci@pve!ci=<secret>'");
  if (e instanceof MockStateFileError) {
    // Only a damaged mock state is for removing; any other file is the wrong --state (/etc/passwd must stay).
    return new UsageError(e.message, e.damagedState ? 'fix the file, or remove it to start from the demo cluster' : '--state takes a file that pvecli mock serve wrote, or a new path (it is created there)');
  }
  const where = `${host}:${port}`;
  switch ((e as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new UsageError(`cannot listen on ${where}: the port is in use`, 'choose another --port, or --port 0 for any free port');
    case 'EACCES':
      return new UsageError(`cannot listen on ${where}: permission denied`, 'ports below 1024 need privileges; choose --port 1024 or above');
    case 'EADDRNOTAVAIL':
      return new UsageError(`cannot listen on ${where}: no such local address`, 'use an address of this machine, such as 127.0.0.1 or 0.0.0.0');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UsageError(`cannot listen on ${where}: unknown host '${host}'`, 'use an address of this machine, such as 127.0.0.1 or 0.0.0.0');
    default:
      return e;
  }
}

const PRODUCT_TITLES = { PVE: 'Proxmox VE', PBS: 'Proxmox Backup Server', PMG: 'Proxmox Mail Gateway', PDM: 'Proxmox Datacenter Manager' } as const;

export default class MockServe extends Command {
  static summary = 'Run the built-in Proxmox VE mock server until Ctrl-C.';
  static description =
    'HTTPS with a self-signed certificate made on first start (kept under $XDG_STATE_HOME/pvecli); prints the URL and the ' +
    "certificate's SHA-256 fingerprint so a profile can pin it. root@pam's password is 'pvecli-demo' unless --password is given.";
  static flags = {
    'output-format': globalFlags['output-format'],
    host: Flags.string({ description: 'address to listen on', default: '127.0.0.1' }),
    port: Flags.integer({ description: "TCP port (0: any free port; default: the product's, 8006 for PVE and PMG, 8007 PBS, 8443 PDM)", min: 0, max: 65535 }),
    schema: Flags.string({
      description: 'serve this schema, e.g. pve-8.4 (reported at /version), or pbs-4, pmg-6.3, pdm-1.1 for that product\'s auth, UPIDs and port',
      default: 'pve-9.2',
    }),
    http: Flags.boolean({ description: 'plain HTTP instead of HTTPS' }),
    state: Flags.string({ description: 'keep the state in this JSON file, created if missing (default: in memory)' }),
    seed: Flags.integer({ description: 'seed for generated replies', default: 0 }),
    password: Flags.string({ description: "root@pam's password (default: pvecli-demo)" }),
    token: Flags.string({ description: 'add an API token USER@REALM!NAME=SECRET, or =env:NAME / =file:PATH to keep the secret out of ps (repeatable)', multiple: true }),
    privsep: Flags.boolean({ description: 'tokens from --token are privilege-separated (PVEAuditor on / only)' }),
    'task-duration': Flags.integer({ description: 'milliseconds a task runs', default: 1000, min: 0 }),
  };
  static examples = [
    'pvecli mock serve',
    'pvecli mock serve --port 0 -o json',
    'pvecli mock serve --schema pve-8.4',
    'pvecli mock serve --schema pbs-4 --port 0',
    "pvecli mock serve --token 'root@pam!ci=s3cret' --state ./mock.json",
  ];

  async run(): Promise<void> {
    const { flags } = await this.parse(MockServe);
    const { startMockServer } = require('../../src/mock') as typeof import('../../src/mock');
    const { stateDir } = require('../../src/config/paths') as typeof import('../../src/config/paths');
    const { tokens, password, literal } = secretsOf(flags.token, flags.password);
    const { loadSchema } = require('../../src/schema/load') as typeof import('../../src/schema/load');
    const { productName, productPort } = require('../../src/mock/product') as typeof import('../../src/mock/product');
    const schemaId = loadSchema(flags.schema).id;
    const port = flags.port ?? productPort(schemaId);
    const server = await startMockServer({
      schemaId,
      host: flags.host,
      port,
      http: flags.http,
      stateFile: flags.state,
      seed: flags.seed,
      password,
      tokens,
      privsep: flags.privsep,
      taskDuration: flags['task-duration'],
      certDir: stateDir(),
      // A bug in the mock: answered with 500, and shown here with its stack.
      onError: (e) => process.stderr.write(`pvecli mock: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`),
    }).catch((e: unknown) => {
      throw serveError(e, flags.host, port);
    });
    // After the start, so a refused --token is one error line, not a warning and an error.
    const { warnVisibleSecret } = require('../../src/cli/secret-args') as typeof import('../../src/cli/secret-args');
    for (const what of literal) warnVisibleSecret(what, what.startsWith('--password') ? '--password env:NAME or file:PATH' : '--token ID=env:NAME or ID=file:PATH');
    const format = flags['output-format'];
    if (format === 'json' || format === 'json-pretty') {
      process.stdout.write(JSON.stringify({ url: server.url, fingerprint: server.fingerprint ?? null, schema: schemaId }, null, format === 'json-pretty' ? 2 : undefined) + '\n');
    } else {
      process.stdout.write(`${PRODUCT_TITLES[productName(schemaId)]} mock (schema ${schemaId}) listening on ${server.url}\n`);
      if (server.fingerprint) process.stdout.write(`certificate fingerprint (SHA-256): ${server.fingerprint}\n`);
      // A demo password is no secret; one given with --password is not echoed.
      process.stdout.write(`login: root@pam with ${flags.password ? 'the --password given' : "password 'pvecli-demo'"}\n`);
      for (const t of flags.token ?? []) process.stdout.write(`token: ${t.split('=')[0]}${flags.privsep ? ' (privilege-separated)' : ''}\n`);
      process.stdout.write('Press Ctrl-C to stop.\n');
    }
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
  }
}

/**
 * --token ID=SECRET and --password as given, or with the secret named (`ID=env:NAME`, `ID=file:PATH`, `env:NAME`)
 * so that it stays out of the process list; `literal` names the secrets typed in clear, to be warned about.
 */
function secretsOf(tokenArgs: string[] | undefined, passwordArg: string | undefined): { tokens?: string[]; password?: string; literal: string[] } {
  const { secretFromReference } = require('../../src/cli/secret-args') as typeof import('../../src/cli/secret-args');
  const literal: string[] = [];
  const tokens = tokenArgs?.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq < 0) return spec; // refused by the mock's own parser, with its message
    const secret = secretFromReference(`--token ${spec.slice(0, eq)}`, spec.slice(eq + 1), process.env);
    if (secret !== undefined) return `${spec.slice(0, eq)}=${secret}`;
    literal.push(`the secret of --token ${spec.slice(0, eq)}`);
    return spec;
  });
  const password = passwordArg === undefined ? undefined : secretFromReference('--password', passwordArg, process.env);
  if (passwordArg !== undefined && password === undefined) literal.push('--password');
  return { tokens, password: password ?? passwordArg, literal };
}
