import { join } from 'node:path';
import { ExitCode, UsageError } from '../errors';
import { packageRoot, packageVersion } from '../util/package-root';
import { hoistLeadingGlobals, leadingGlobalsEnd } from './globals';
import { reportError, streamsInUse, useStreams, writeErr, writeOut } from './io';

/** Commands served without loading oclif: they are what people (and completion) run most, and startup is budgeted. */
const FAST = new Set(['get', 'set', 'create', 'delete', 'ls', 'usage', 'batch', '__complete']);

const TOPICS = ['get', 'set', 'create', 'delete', 'ls', 'usage', 'batch', 'profile', 'task', 'schema', 'mock', 'serve', 'completion', 'console', 'help'];

export async function main(argv: string[]): Promise<void> {
  process.on('SIGINT', onInterrupt);
  let code: number;
  try {
    code = await dispatch(argv);
  } catch (err) {
    code = reportError(err);
  }
  process.exitCode = code;
  // Open handles (a keep-alive socket, the in-process mock) must not keep a finished command alive; but a stream
  // whose pipe was full still holds queued output, so exit only once those have drained.
  await Promise.all(streamsInUse().map(drained));
  process.exit(code);
}

/**
 * Ctrl-C: one line and exit 130 instead of a silent death. A command that handles it itself (waiting for a task,
 * which must print the UPID) registers its own listener, and this one steps aside.
 */
function onInterrupt(): void {
  if (process.listenerCount('SIGINT') > 1) return;
  writeErr('pvecli: interrupted');
  process.exit(ExitCode.interrupted);
}

function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}

async function dispatch(rawArgv: string[]): Promise<number> {
  const argv = hoistLeadingGlobals(rawArgv);
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V' || first === 'version') {
    writeOut(`pvecli/${packageVersion()} ${process.platform}-${process.arch} node-${process.version}\n`);
    return ExitCode.ok;
  }
  if (first === 'help' && rest[0] === 'options') {
    writeOut((require('./options-help') as typeof import('./options-help')).globalOptionsText());
    return ExitCode.ok;
  }
  if (first === 'help') return dispatch(rest.length ? [...rest, '--help'] : ['--help']);
  if (first?.startsWith('-') && first !== '--help' && first !== '-h') throw strayOption(argv);
  if (first && FAST.has(first)) {
    if (first === 'ls') return (require('./ls') as typeof import('./ls')).runLs(rest);
    if (first === 'usage') return (require('./usage') as typeof import('./usage')).runUsage(rest);
    if (first === 'batch') return (require('./batch') as typeof import('./batch')).runBatch(rest);
    if (first === '__complete') return (require('./complete') as typeof import('./complete')).runComplete(rest);
    return (require('./verb') as typeof import('./verb')).runVerb(first as 'get', rest);
  }
  if (first && !first.startsWith('-') && !TOPICS.includes(first)) {
    const { nearest } = require('../util/text') as typeof import('../util/text');
    const near = nearest(first, TOPICS);
    throw new UsageError(`unknown command '${first}'`, near.length ? `did you mean ${near.join(', ')}?` : "see 'pvecli --help'");
  }
  checkSubcommand(argv);
  return runOclif(argv);
}

/** `pvecli -v`, `pvecli -o json` with no command: say so, rather than oclif's "command -v not found". */
function strayOption(argv: string[]): UsageError {
  const [first] = argv;
  if (leadingGlobalsEnd(argv) > 0) return new UsageError(`'${first}' needs a command after it`, "e.g. 'pvecli -p lab get /nodes'; 'pvecli --help' lists the commands");
  const version = /^(-v|--v|--ver|--vers|--versi|--versio)$/.test(first) ? '--version (or -V) prints the version; ' : '';
  return new UsageError(`unknown option '${first}'`, `${version}'pvecli --help' lists the commands, 'pvecli help options' the global options`);
}

/** `pvecli task lst` → exit 2 with the nearest subcommands (oclif alone would only say "task:lst not found"). */
function checkSubcommand(argv: string[]): void {
  const [topic, sub] = argv;
  if (!topic || !sub || sub.startsWith('-')) return;
  const { readManifest } = require('./oclif-errors') as typeof import('./oclif-errors');
  const commands = readManifest();
  const ids = Object.keys(commands);
  const command = commands[`${topic}:${sub}`];
  // oclif would look for a command `topic:sub:word` and say only "not found".
  const extra = argv[2];
  const takesNone = command?.strict !== false && Object.keys(command?.args ?? {}).length === 0;
  if (command && takesNone && extra !== undefined && !extra.startsWith('-')) {
    throw new UsageError(`'${topic} ${sub}' takes no arguments (got '${extra}')`, `see 'pvecli ${topic} ${sub} --help'`);
  }
  if (!ids.some((id) => id.startsWith(`${topic}:`)) || command) return;
  const { nearest } = require('../util/text') as typeof import('../util/text');
  const subs = ids.filter((id) => id.startsWith(`${topic}:`)).map((id) => id.slice(topic.length + 1));
  const near = nearest(sub, subs);
  throw new UsageError(`unknown command '${topic} ${sub}'`, near.length ? `did you mean ${near.map((n) => `'${topic} ${n}'`).join(', ')}?` : `commands: ${subs.join(', ')}`);
}

/** Everything else (topics, help) goes through oclif. */
async function runOclif(argv: string[]): Promise<number> {
  // oclif writes through process.stdout/stderr: keep ours on the same streams, in order.
  useStreams(1, 2);
  const oclif = require('@oclif/core') as typeof import('@oclif/core');
  try {
    await oclif.run(argv, join(packageRoot(), 'package.json'));
    await oclif.flush();
    if (isListingHelp(argv)) writeOut('\n' + (require('./options-help') as typeof import('./options-help')).globalOptionsBlock('GLOBAL OPTIONS'));
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    const e = err as { oclif?: { exit?: number } };
    if (e?.oclif?.exit === 0) return 0;
    const { usageErrorOfOclif } = require('./oclif-errors') as typeof import('./oclif-errors');
    return reportError(usageErrorOfOclif(err, argv));
  }
}

/**
 * `pvecli --help` (or bare `pvecli`) and a topic's help (`pvecli profile --help`, or bare `pvecli profile`) list
 * commands, not flags: they get the global options.
 */
function isListingHelp(argv: string[]): boolean {
  const asked = argv.includes('--help') || argv.includes('-h');
  const words = argv.filter((a) => !a.startsWith('-'));
  if (words.length === 0) return asked || argv.length === 0;
  if (words.length > 1 || !(asked || argv.length === 1)) return false;
  const { readManifest } = require('./oclif-errors') as typeof import('./oclif-errors');
  const commands = readManifest();
  return !commands[words[0]] && Object.keys(commands).some((id) => id.startsWith(`${words[0]}:`));
}
