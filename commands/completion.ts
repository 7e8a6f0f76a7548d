import { Args, Command } from '@oclif/core';

export default class Completion extends Command {
  static summary = 'Print a shell completion script (bash, zsh or fish).';
  static description =
    'Completes verbs and topics, API paths segment by segment (values such as {node}, {vmid}, {storage} or {snapname} live from the current profile, where the API lists them), the flags of the operation, enum values and profile names. The bash script leaves COMP_WORDBREAKS as it is.';
  static args = { shell: Args.string({ options: ['bash', 'zsh', 'fish'], required: true }) };
  static examples = ['eval "$(pvecli completion bash)"', 'pvecli completion fish > ~/.config/fish/completions/pvecli.fish'];
  async run(): Promise<void> {
    const { args } = await this.parse(Completion);
    const { completionScript } = require('../src/cli/complete') as typeof import('../src/cli/complete');
    process.stdout.write(completionScript(args.shell as 'bash'));
  }
}
