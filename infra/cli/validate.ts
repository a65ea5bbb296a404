import { errorMessage } from '../../lib/errors.js';
import { runValidate } from '../local/run-validate.js';
import { parseValidateArgs, VALIDATE_USAGE } from '../local/validate-args.js';
import { EXIT, wantsHelp, type Command } from './args.js';

const USAGE = `${VALIDATE_USAGE.replace('npm run validate --', 'optexity-worker validate')}

Examples:
  optexity-worker validate automations/example_login.json
  optexity-worker validate --json automations/*.json`;

/** `validate`: `npm run validate` under the CLI's name (same checks, output and exit statuses). */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check recordings offline, as the worker does when it accepts a task',
  usage: USAGE,
  async run(argv, io) {
    if (wantsHelp(argv)) {
      io.out(`${USAGE}\n`);
      return EXIT.ok;
    }
    // Checked here first so a bad command line shows this command's usage, not npm's.
    try {
      parseValidateArgs(argv);
    } catch (error) {
      io.err(`${errorMessage(error)}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    return runValidate(argv, { write: io.out, writeError: io.err });
  },
};
