import { verbCommand } from '../src/cli/verb-command';

export default verbCommand('delete');
