/** `pvecli batch`: its help, shared by the fast path (`pvecli batch --help`) and oclif's command list. */
export const BATCH_SUMMARY = 'Run many commands through one connection: one per line from FILE or stdin (-).';

export const BATCH_EXAMPLES = [
  'pvecli batch commands.txt',
  "printf '%s\\n' 'get /nodes' 'get /cluster/resources --type vm' | pvecli batch -",
  'coproc PVE { pvecli batch -; }',
];

export const BATCH_DESCRIPTION = `Each line is a command as typed after 'pvecli' in a shell (quotes, backslashes and # comments as in sh; nothing is expanded), or a JSON line: {"verb": "get", "path": "/nodes", "params": {...}, "options": {...}} or ["get", "/nodes"].
Commands: get, set, create, delete, task wait UPID, task status UPID.
Output: one JSON object per command on stdout, {"line": N, "ok": true, "data": ...} or {"line": N, "ok": false, "exit": 7, "error": "...", "hint": "..."} (and "upid" when a task was started), written as soon as the command ends; with -o FORMAT each command's result is rendered as pvecli would render it, errors on stderr as "pvecli: line N: ...".
Global options given to batch apply to every line; a line may add rendering and task options of its own (--fields, --query, --sort, --async, --wait-timeout, --dry-run, ...) but not connection options (-p, --insecure, --tls-fingerprint, --ca-file, --schema, --otp, --trace, --request-timeout) nor -o (one output format for the run).
Flags: --stop-on-error / --no-stop-on-error (default: stop for FILE, go on for stdin); --validate-first: every line is read and checked before anything is sent.
Exit code: the first failing command's (DESIGN.md §4), 130 after Ctrl-C (the command in flight is reported, with its task's UPID).`;

/** The fast path's `pvecli batch --help`. */
export function batchHelp(): string {
  return `Usage: pvecli batch [FILE|-] [--stop-on-error|--no-stop-on-error] [--validate-first] [global options]\n\n${BATCH_SUMMARY}\n\n${BATCH_DESCRIPTION}\n\nExamples:\n${BATCH_EXAMPLES.map((e) => `  ${e}\n`).join('')}`;
}
