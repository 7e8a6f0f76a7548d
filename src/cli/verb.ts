import { UsageError } from '../errors';
import type { ParamValue } from '../params';
import type { ApiRequest, DescribedRequest } from '../http';
import type { Verb } from '../schema/verbs';
import { fillTemplate } from '../schema/load';
import { isSecretParam } from '../util/secret-param';
import { printResult } from './context';
import { schemaForRequest } from './schema-match';
import { splitGlobals, type GlobalOptions } from './globals';
import { readInput } from './input';
import { writeOut } from './io';
import { operationsOf, usageText } from './usage';
import { openConnection } from './connection';
import { isDownload, uploadSpecOf } from './file-ops';
import { examplesText, verbDescription } from './verb-summary';
import { resolveSecretArgs } from './secret-args';

/** One example of each verb, whichever verb's help is asked for. */
const VERB_HELP_EXAMPLES = [
  'pvecli get /nodes/pve/status',
  'pvecli create /nodes/pve/qemu --vmid 100 --memory 2048 --net0 virtio,bridge=vmbr0',
  'pvecli set /nodes/pve/qemu/100/config --memory 4096 --delete net1',
  'pvecli delete /nodes/pve/qemu/100',
];

function verbHelp(verb: Verb): string {
  return `Usage: pvecli ${verb} PATH [--PARAM VALUE ...] [global options]\n\n${verbDescription(verb, '\n')}\n\n${examplesText(VERB_HELP_EXAMPLES)}`;
}

/** get/set/create/delete: resolve → parse → validate → (dry run | send) → wait for a task → render. */
export async function runVerb(verb: Verb, argv: string[]): Promise<number> {
  const first = splitGlobals(argv);
  const path = first.positionals[0];
  if (!path) {
    if (first.globals.help) {
      writeOut(verbHelp(verb));
      return 0;
    }
    throw new UsageError('missing API path', `e.g. 'pvecli ${verb} /nodes' (list paths with 'pvecli ls /')`);
  }
  const schema = await schemaForRequest(first.globals);
  const resolved = schema.resolve(path);
  const [op] = operationsOf(schema, path, verb);
  const { globals, positionals, rest } = splitGlobals(argv, new Set(Object.keys(op.parameters.properties ?? {})));
  if (positionals.length > 1) throw strayWord(argv, positionals[1], op.path);
  if (globals.help) {
    writeOut(usageText([op], { verbose: true }));
    return 0;
  }

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
  const connection = await openConnection(globals, { needServer: !globals.dryRun });
  try {
    if (globals.dryRun) {
      const { describeRequest } = require('../http') as typeof import('../http');
      const described = describeRequest(connection.settings, request);
      writeOut(dryRunText(upload ? upload.describe(request, described) : described));
      return 0;
    }
    if (download) return await download.runDownload(connection.client(), request, globals);
    const data = upload ? await upload.send(connection.client(), request, globals) : await connection.client().request(request);
    if (globals.validateReply) (require('./reply-check') as typeof import('./reply-check')).checkReply(schema, op, data);
    const { isUpid } = require('../tasks/upid') as typeof import('../tasks/upid');
    if (op.method !== 'GET' && isUpid(data) && !globals.async) {
      const { waitForTask } = require('./task-wait') as typeof import('./task-wait');
      return await waitForTask(connection.client(), data, globals);
    }
    // --async: the UPID is the result, the one handle on the task, so --quiet does not hide it.
    const shown = globals.async && isUpid(data) ? { ...globals, quiet: false } : globals;
    printResult(data, shown, op.returns, `${op.method} ${resolved.concrete}`);
    return 0;
  } finally {
    await connection.close();
  }
}

function dryRunText(d: DescribedRequest): string {
  const lines = [`${d.method} ${d.url}`];
  // Not a header: where the request would go first, as curl -v says it.
  if (d.proxy) lines.push(`# via proxy ${d.proxy}`);
  for (const [k, v] of Object.entries(d.headers)) lines.push(`${k}: ${v}`);
  if (d.body !== undefined) lines.push('', d.body);
  return lines.join('\n') + '\n';
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
