import { resolve } from 'node:path';
import { formatProblem } from '../../lib/automation/format-problem.js';
import { recordingOf } from '../../lib/automation/recording-of.js';
import type { StepSummary } from '../../lib/automation/runner/step-summary.js';
import { validateRecording } from '../../lib/automation/validate-recording.js';
import { capabilitiesFromSettings } from '../../lib/automation/worker-capabilities.js';
import { AppError } from '../../lib/errors.js';
import { chooseLogFormat, createLogger } from '../../lib/log/logger.js';
import { taskPaths } from '../../lib/schemas/wire/task.js';
import { timedOut, TaskStoppedError, type TaskRunOutcome } from '../../lib/worker/task-runner.js';
import { acceptTask } from '../../lib/worker/accept-task.js';
import { readJsonFile } from '../local/read-json-file.js';
import { EXIT, onePositional, parseCommandArgs, parsePairs, withUsage, type Command, type Io } from './args.js';
import { buildLocalTask, parseSecureValue } from './local-task.js';
import { runLocally } from './run-locally.js';
import { reportRun } from './run-report.js';
import { runServicesFromSettings } from '../../lib/worker/run-services-from-settings.js';
import { settingsOrReport } from './settings.js';
import { formatStepLine } from './step-progress.js';

const USAGE = `Usage: optexity-worker run RECORDING.json [--input NAME=VALUE ...] [--secure NAME=JSON ...] [--out DIR] [--json] [--verbose]

Runs one recording in headless Chromium, with no worker server and no control plane: the
recording is checked as the worker checks a task, the browser is launched as the worker
launches it, and LLM steps, secret stores and code steps use the settings (ENV_PATH and the
environment) as the worker does.

  --input NAME=VALUE    an input parameter (a string); repeat a name for a list:
                        --input report_ids=r1 --input report_ids=r2
  --secure NAME=JSON    a secure parameter as recordings declare them, repeatable:
                        --secure otp='{"totp": {"totp_secret": "JBSWY3DPEHPK3PXP"}}'
  --out DIR             where the task folder DIR/<task_id> is kept (default ./runs)
  --json                one compact JSON line on stdout (with the task folder's paths), and
                        each step as a JSON line on stderr
  --verbose             the worker's log lines on stderr too (at LOG_LEVEL; default: warnings only)
  -h, --help            show this help

Every input the recording declares must be given. Progress goes to stderr, one line per step
(index, action, node path, duration, outcome). The result goes to stdout as JSON:
{"status", "error", "output_data", "downloads", "token_usage"}. The task folder keeps
logs/ (per-step state and screenshots, steps.json, trace.zip) and downloads/.

Exit status: 0 when the run succeeded, 1 when it failed (or the recording is refused),
2 when the command line is wrong (a missing input included) or the file cannot be read.

Examples:
  optexity-worker run automations/example_login.json --input username=alice --input password=open-sesame
  optexity-worker run recording.json --input ids=a --input ids=b --out /tmp/runs --json`;

/** The worker's limit for a task with no max_timeout_in_minutes. */
const DEFAULT_TIMEOUT_MINUTES = 10;

export const runCommand: Command = {
  name: 'run',
  summary: 'run one recording locally in Chromium and print its outputs as JSON',
  usage: USAGE,
  run: (argv, io) => withUsage(io, USAGE, () => runRecordingFile(argv, io)),
};

async function runRecordingFile(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    input: { type: 'string', multiple: true },
    secure: { type: 'string', multiple: true },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  });
  if (values.help) {
    io.out(`${USAGE}\n`);
    return EXIT.ok;
  }
  const file = onePositional(positionals, 'recording file');
  const inputs = parsePairs<string>('input', values.input as string[] | undefined);
  const secure = parsePairs('secure', values.secure as string[] | undefined, parseSecureValue);
  const read = readJsonFile(file);
  if (!read.ok) {
    io.err(`${read.error}\n`);
    return EXIT.usage;
  }
  const settings = settingsOrReport(io);
  if (!settings) return EXIT.failed;

  const capabilities = capabilitiesFromSettings(settings);
  const raw = recordingOf(read.value);
  const checked = validateRecording(raw, capabilities);
  if (!checked.ok) {
    io.err(`refused ${file}\n${checked.problems.map((problem) => `  ${formatProblem(problem)}\n`).join('')}`);
    return EXIT.failed;
  }
  const task = buildLocalTask({
    file,
    document: read.value,
    raw: raw as Record<string, unknown>,
    automation: checked.automation,
    inputs,
    secure,
    saveDirectory: resolve(String(values.out ?? 'runs')),
    apiKey: settings.API_KEY,
  });
  let accepted;
  try {
    accepted = await acceptTask(task, capabilities);
  } catch (error) {
    if (!(error instanceof AppError) || error.problems.length === 0) throw error;
    io.err(`refused ${file}\n${error.problems.map((problem) => `  ${formatProblem(problem)}\n`).join('')}`);
    return EXIT.failed;
  }

  const json = values.json === true;
  const logger = createLogger({ level: values.verbose ? settings.LOG_LEVEL : 'warn', format: chooseLogFormat(settings.LOG_FORMAT) }).child({ task_id: task.task_id });
  const paths = taskPaths(task);
  if (settings.ALLOW_CODE_STEPS) io.err('ALLOW_CODE_STEPS is on: javascript_action steps run code from the recording in this process.\n');
  io.err(`running ${file} as task ${task.task_id} (folder ${paths.taskDirectory})\n`);
  const onStep = (step: StepSummary) => io.err(json ? `${JSON.stringify(step)}\n` : formatStepLine(step));

  // Ctrl-C and the time limit stop the run as the worker stops a task: the browser context is
  // closed, and the run ends cancelled or killed with the reason.
  const stop = new AbortController();
  const minutes = task.max_timeout_in_minutes ?? DEFAULT_TIMEOUT_MINUTES;
  const timer = setTimeout(() => stop.abort(timedOut(minutes)), minutes * 60_000);
  const onSignal = () => stop.abort(new TaskStoppedError('cancelled', 'Interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let outcome: TaskRunOutcome;
  try {
    outcome = await runLocally({ accepted, settings, services: runServicesFromSettings(settings, { privateNodes: capabilities.privateNodes }), logger, signal: stop.signal, onStep });
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  reportRun(io, { outcome, paths, taskId: task.task_id, json });
  return outcome.status === 'success' ? EXIT.ok : EXIT.failed;
}
