import type { Verb } from '../schema/verbs';

/** What each verb does: oclif's command list (verb-command.ts) and the fast path's `pvecli get --help` (verb.ts). */
export const VERB_SUMMARY: Readonly<Record<Verb, string>> = {
  get: 'Read an API path (HTTP GET).',
  set: 'Change an API object (HTTP PUT).',
  create: 'Create an API object or start an action (HTTP POST).',
  delete: 'Delete an API object (HTTP DELETE).',
};

/** The summary and where the parameters come from; `lineBreak` where the fast path's help wraps it. */
export function verbDescription(verb: Verb, lineBreak = ' '): string {
  return `${VERB_SUMMARY[verb]} Parameters come from the API schema of PATH;${lineBreak}'pvecli ${verb} PATH --help' lists them.`;
}

/** `usage` and `ls` are served by the fast path, which prints their help; oclif lists the same words. */
export const USAGE_SUMMARY = 'Show how to call the operations of an API path.';
export const USAGE_EXAMPLES = ['pvecli usage /nodes/{node}/qemu --command create -v', 'pvecli usage /cluster/resources --returns'];
export const LS_EXAMPLES = ['pvecli ls /', 'pvecli ls /nodes/pve/qemu/100'];

/** The fast path's `Examples:` block. */
export function examplesText(examples: readonly string[]): string {
  return `Examples:\n${examples.map((e) => `  ${e}\n`).join('')}`;
}
