import { UsageError } from '../errors';
import type { ParamValue } from '../params';
import type { ApiClient, ApiRequest } from '../http';
import type { Operation } from '../schema/types';
import type { Verb } from '../schema/verbs';
import { fillTemplate, type Schema } from '../schema/load';
import { isSecretParam } from '../util/secret-param';
import { printResult, schemaFor } from './context';
import { splitGlobals, type GlobalOptions } from './globals';
import { readInput } from './input';
import { writeOut } from './io';
import { operationsOf, usageText } from './usage';
import { openConnection, type Connection } from './connection';
import { isDownload, uploadSpecOf } from './file-ops';
import { examplesText, verbDescription } from './verb-summary';
import { globalOptionsBlock } from './options-help';
import { resolveSecretArgs } from './secret-args';
import { isManyTargets, whereWithoutPattern } from './targets-expand';

/** One example of each verb, whichever verb's help is asked for. */
const VERB_HELP_EXAMPLES = [
  'pvecli get /nodes/pve/status',
  'pvecli create /nodes/pve/qemu --vmid 100 --memory 2048 --net0 virtio,bridge=vmbr0',
  'pvecli set /nodes/pve/qemu/100/config --memory 4096 --delete net1',
  'pvecli delete /nodes/pve/qemu/100',
];

/** `pvecli get --help`, or with the operation `pvecli get /nodes --help`; both end with the global options. */
function verbHelp(verb: Verb, op?: Operation): string {
  const body = op ? usageText([op], { verbose: true }) : `Usage: pvecli ${verb} PATH [--PARAM VALUE ...] [global options]\n\n${verbDescription(verb, '\n')}\n\n${examplesText(VERB_HELP_EXAMPLES)}`;
  return `${body}\n${globalOptionsBlock()}`;
}

/** A verb invocation parsed and validated: everything needed to send it, nothing sent yet. */
export interface PreparedCall {
  verb: Verb;
  globals: GlobalOptions;
  schema: ReturnType<typeof schemaFor>;
  op: Operation;
  request: ApiRequest;
  /** An upload's streamed file part, checked before anything is sent. */
  upload?: ReturnType<typeof import('./upload').startUpload>;
  /** Set when the reply is a file to save rather than data to render. */
  download?: typeof import('./download');
}

/** get/set/create/delete: prepare (resolve → parse → validate) → connect → (dry run | send → wait → render). */
export async function runVerb(verb: Verb, argv: string[]): Promise<number> {
  if (isManyTargets(argv)) return (require('./targets') as typeof import('./targets')).runTargets(verb, argv);
  const first = splitGlobals(argv);
  // A run that sends a request matches the schema to the server first (one GET /version on a cold cache).
  const schema = first.positionals[0] && !first.globals.help ? await (require('./schema-match') as typeof import('./schema-match')).schemaForRequest(first.globals) : undefined;
  const prepared = prepareCall(verb, argv, {}, schema);
  if (typeof prepared === 'string') {
    writeOut(prepared);
    return 0;
  }
  if (prepared.globals.where) throw whereWithoutPattern();
  const watching = prepared.globals.watch !== undefined && (require('./watch-verb') as typeof import('./watch-verb'));
  if (watching) watching.checkWatchable(prepared);
  const connection = await openConnection(prepared.globals, { needServer: !prepared.globals.dryRun });
  try {
    if (watching && !prepared.globals.dryRun) return await watching.watchCall(prepared, connection);
    return await runPrepared(prepared, connection);
  } finally {
    await connection.close();
  }
}

/**
 * Parse and validate one invocation without touching the network: a `PreparedCall`, or the help text asked for.
 * Invalid input throws a UsageError naming the parameter (nothing is sent). `base`: global options the words'
 * own override (`pvecli batch -o json` for each of its lines). `matched`: the schema already chosen for the run.
 */
export function prepareCall(verb: Verb, argv: string[], base: GlobalOptions = {}, matched?: Schema): PreparedCall | string {
  const first = splitGlobals(argv);
  first.globals = { ...base, ...first.globals };
  const path = first.positionals[0];
  if (!path) {
    if (first.globals.help) return verbHelp(verb);
    throw new UsageError('missing API path', `e.g. 'pvecli ${verb} /nodes' (list paths with 'pvecli ls /')`);
  }
  // Without a schema matched to the server just now: the offline choice (flag, environment, profile, cached match).
  const schema = matched ?? schemaFor(first.globals);
  const resolved = schema.resolve(path);
  const [op] = operationsOf(schema, path, verb);
  const split = splitGlobals(argv, new Set(Object.keys(op.parameters.properties ?? {})));
  const { positionals, rest } = split;
  const globals = { ...base, ...split.globals };
  if (positionals.length > 1) throw strayWord(argv, positionals[1], op.path);
  if (globals.help) return verbHelp(verb, op);

  const params = require('../params') as typeof import('../params');
  const input = globals.input ? readInput(globals.input) : undefined;
  // A template path (`/nodes/{node}/qemu`) may have its open parameters given as flags (`--node pve`).
  const open = new Set([...params.pathParamNames(op)].filter((name) => !(name in resolved.params)));
  const values = params.parseArgs(op, rest, { input, open });
  resolveSecretArgs(op, values, rest, process.env);
  const uploadSpec = uploadSpecOf(op);
  const upload = uploadSpec && (require('./upload') as typeof import('./upload')).startUpload(uploadSpec, values);
  for (const name of open) {
    if (values[name] === undefined) {
      throw new UsageError(`the path leaves {${name}} open`, `fill it in, or give --${name} (${fillTemplate(resolved.template, { ...resolved.params, [name]: name.toUpperCase() })})`);
    }
    resolved.params[name] = String(values[name]);
    delete values[name];
  }
  if (open.size) resolved.concrete = fillTemplate(resolved.template, resolved.params);
  // Path values are checked against the parameters the operation declares; a few upstream operations leave a
  // path parameter undeclared (SDN prefix-list entries' {url_seq}), and those travel in the path unchecked.
  const declared = op.parameters.properties ?? {};
  const pathValues = Object.fromEntries(Object.entries(resolved.params).filter(([name]) => name in declared));
  const errors = params.validateParams(schema, op, { ...pathValues, ...values });
  if (errors.length > 0) {
    const [firstError, ...more] = errors.map(params.paramErrorLine);
    throw new UsageError(firstError, more.length ? more.join('; ') : undefined);
  }
  const request: ApiRequest = { method: op.method, path: resolved.concrete, params: params.encodeParams(op, values as Record<string, ParamValue>) };
  // Checked before anything is sent: the local file of an upload; where a file reply would go.
  upload?.check(request);
  const download = op.method === 'GET' && (globals.outFile !== undefined || isDownload(op, values)) ? (require('./download') as typeof import('./download')) : undefined;
  if (download && !globals.dryRun) download.checkDownloadTarget(globals);
  return { verb, globals, schema, op, request, upload: upload || undefined, download };
}

/** The request's reply data (an upload streams its file); the reply checked against the schema with --validate-reply. */
export async function sendPrepared(call: PreparedCall, client: ApiClient): Promise<unknown> {
  const data = call.upload ? await call.upload.send(client, call.request, call.globals) : await client.request(call.request);
  if (call.globals.validateReply) (require('./reply-check') as typeof import('./reply-check')).checkReply(call.schema, call.op, data);
  return data;
}

/** Dry run, download, or send → wait for the task it started → render; the exit code. */
export async function runPrepared(call: PreparedCall, connection: Connection): Promise<number> {
  const { globals, request, download } = call;
  if (globals.dryRun) {
    // Over ssh or locally the request is a pvesh command line: that is what a dry run shows.
    const backendLine = connection.describeBackend(request, { upload: Boolean(call.upload) });
    if (backendLine !== undefined) {
      writeOut(backendLine);
      return 0;
    }
    const shown = (require('./dry-run') as typeof import('./dry-run')).dryRunOutput(call, connection.settings);
    // --quiet hides results, but a dry run was asked for: it is shown anyway.
    if ('text' in shown) writeOut(shown.text);
    else printResult(shown.data, { ...globals, quiet: false });
    return 0;
  }
  if (download) return await download.runDownload(connection.client(), request, globals);
  const data = await sendPrepared(call, connection.client());
  const { isUpid } = require('../tasks/upid') as typeof import('../tasks/upid');
  if (request.method !== 'GET' && isUpid(data) && !globals.async) {
    const { waitForTask } = require('./task-wait') as typeof import('./task-wait');
    return await waitForTask(connection.client(), data, globals);
  }
  // --async: the UPID is the result, the one handle on the task, so --quiet does not hide it.
  const shown = globals.async && isUpid(data) ? { ...globals, quiet: false } : globals;
  printResult(data, shown, call.op.returns, `${request.method} ${request.path}`);
  return 0;
}

export type { GlobalOptions };

/**
 * `--password my secret`: the second word of an unquoted value lands here. After a secret parameter it is part of
 * a credential, so it is not repeated (DESIGN.md: secrets never reach stderr).
 */
function strayWord(argv: string[], word: string, path: string): UsageError {
  const at = argv.lastIndexOf(word);
  const flag = argv.slice(0, Math.max(0, at)).reverse().find((a) => a.startsWith('--'))?.slice(2).split('=')[0];
  if (flag && isSecretParam(flag, path)) {
    return new UsageError(`unexpected argument after --${flag}`, 'a value with spaces must be quoted');
  }
  return new UsageError(`unexpected argument '${word}'`, 'parameters are given as --name value');
}
