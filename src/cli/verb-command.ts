import { Args, Command } from '@oclif/core';
import type { Verb } from '../schema/verbs';
import { VERB_SUMMARY, verbDescription } from './verb-summary';

const EXAMPLES: Record<Verb, string[]> = {
  get: ['pvecli get /nodes', 'pvecli get /cluster/resources --type vm -o json', 'pvecli get /nodes/pve/qemu/100/config'],
  set: ['pvecli set /nodes/pve/qemu/100/config --memory 4096', 'pvecli set /nodes/pve/qemu/100/config --delete net1'],
  create: ['pvecli create /nodes/pve/qemu --vmid 100 --memory 2048 --net0 virtio,bridge=vmbr0', 'pvecli create /nodes/pve/qemu/100/status/start'],
  delete: ['pvecli delete /nodes/pve/qemu/100', 'pvecli delete /pools/dev'],
};

/**
 * The oclif face of a verb (for help listings); bin/run.js normally runs verbs without oclif.
 * Flags come from the schema of the path, so oclif does not parse them (strict = false).
 */
export function verbCommand(verb: Verb): typeof Command {
  return class VerbCommand extends Command {
    static summary = VERB_SUMMARY[verb];
    static description = verbDescription(verb);
    static strict = false;
    static args = { path: Args.string({ description: 'API path, e.g. /nodes/pve/qemu/100', required: false }) };
    static examples = EXAMPLES[verb];
    async run(): Promise<void> {
      const { runVerb } = require('./verb') as typeof import('./verb');
      process.exitCode = await runVerb(verb, this.argv);
    }
  };
}
