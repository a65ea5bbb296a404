import { parseArgs } from 'node:util';

export type ValidateCliArgs = { files: string[]; json: boolean; help: boolean; allowCodeSteps: boolean };

export const VALIDATE_USAGE = `Usage: npm run validate -- [--json] [--allow-code-steps] RECORDING.json [MORE.json ...]

  --json               print [{"file", "ok", "problems": [{"path", "message"}], "needs": [{"path", "needs"}]}]
  --allow-code-steps   check as a worker with ALLOW_CODE_STEPS=true (javascript_action allowed)
  -h, --help           show this help

Checks each recording as the worker does when it accepts a task (schema, locator commands,
conditions, supported features) and prints "ok FILE" or "refused FILE" followed by one
"  PATH: MESSAGE" line per problem. An accepted recording that needs something when it runs
(an LLM, a secret store, a person) gets one "  needs: PATH: WHAT" line per such step. A file
holds an Automation or {"automation": {...}}; paths are inside the automation. Needs no
settings and starts nothing.

Exit status: 0 when every recording is accepted, 1 when any is refused, 2 when the command
line is wrong or a file cannot be read or is not JSON (said on stderr).`;

/** Flags of `npm run validate`; throws with a readable message on a bad command line. */
export function parseValidateArgs(argv: string[]): ValidateCliArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      'allow-code-steps': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!values.help && positionals.length === 0) throw new Error('Name at least one recording file.');
  return { files: positionals, json: values.json, help: values.help, allowCodeSteps: values['allow-code-steps'] };
}
