import { errorMessage } from '../../lib/errors.js';
import { EXIT, processIo, type Command, type Io } from './args.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { tasksCommand } from './tasks.js';
import { validateCommand } from './validate.js';

const COMMANDS: Command[] = [serveCommand, runCommand, validateCommand, tasksCommand];

const USAGE = `Usage: optexity-worker COMMAND [OPTIONS]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)}${command.summary}`).join('\n')}

Run "optexity-worker COMMAND --help" for a command's options and examples.
Settings come from the env file named by ENV_PATH and the environment (see README).

Examples:
  optexity-worker serve
  optexity-worker run automations/example_login.json --input username=alice --input password=open-sesame
  optexity-worker validate automations/*.json
  optexity-worker tasks list --status failed`;

/** Dispatches to a subcommand; the exit status is undefined while a server keeps running. */
async function main(argv: string[], io: Io = processIo): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(`Name a command.\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const command = COMMANDS.find((candidate) => candidate.name === rest[0]);
    io.out(`${command ? command.usage : USAGE}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`${name.startsWith('-') ? `Unknown option "${name}"` : `Unknown command "${name}"`}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  return command.run(rest, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`optexity-worker: ${errorMessage(error)}\n`);
    process.exitCode = EXIT.failed;
  },
);
