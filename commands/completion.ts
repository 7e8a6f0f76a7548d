import { Args, Command } from '@oclif/core';

export default class Completion extends Command {
  static summary = 'Print a shell completion script (bash, zsh or fish).';
  static description =
    "Completes verbs and topics, API paths segment by segment (values such as {node}, {vmid}, {storage} or {snapname} live from the current profile, where the API lists them), the flags of the operation and their values (enums; nodes, guests, storages, bridges, pools, content types live; property-string keys such as --net0 virtio,bridge=), and profile names. The script runs 'pvecli', so pvecli must be on PATH (npm install -g . in the clone); completion of 'npx pvecli …' lines is not offered. The zsh script runs compinit if the shell has not. The bash script leaves COMP_WORDBREAKS as it is.";
  static args = { shell: Args.string({ options: ['bash', 'zsh', 'fish'], required: true }) };
  static examples = ['eval "$(pvecli completion bash)"', 'eval "$(pvecli completion zsh)"', 'pvecli completion fish > ~/.config/fish/completions/pvecli.fish'];
  async run(): Promise<void> {
    const { args } = await this.parse(Completion);
    const { completionScript, commandOnPath } = require('../src/cli/complete') as typeof import('../src/cli/complete');
    process.stdout.write(completionScript(args.shell as 'bash'));
    // Run through npx (or by path), the script's calls to `pvecli` would find nothing, silently.
    if (!commandOnPath('pvecli')) {
      process.stderr.write(
        "pvecli: note: 'pvecli' is not on PATH, and the script runs it to complete; put it there with 'npm install -g .' (or 'npm link') in the pvecli folder. Lines typed as 'npx pvecli …' are not completed: the shell completes the command npx.\n",
      );
    }
  }
}
