import { recordingOf } from '../../lib/automation/recording-of.js';
import { recordingRequirements } from '../../lib/automation/recording-requirements.js';
import { validateRecording } from '../../lib/automation/validate-recording.js';
import { BASE_CAPABILITIES } from '../../lib/automation/worker-capabilities.js';
import { errorMessage } from '../../lib/errors.js';
import { readJsonFile, type ReadText } from './read-json-file.js';
import { parseValidateArgs, VALIDATE_USAGE, type ValidateCliArgs } from './validate-args.js';
import { type FileVerdict, formatVerdictAsText, formatVerdictsAsJson } from './validation-report.js';

export type ValidateIo = { write: (text: string) => void; writeError: (text: string) => void; readText?: ReadText };

/** Exit statuses of `npm run validate`. */
export const VALIDATE_EXIT = { accepted: 0, refused: 1, usage: 2 } as const;

/**
 * `npm run validate`: every file is checked even after a bad one, so one run lists everything;
 * the exit status is the worst outcome. Returns the exit status instead of exiting, for tests.
 */
export function runValidate(argv: string[], io: ValidateIo): number {
  let args: ValidateCliArgs;
  try {
    args = parseValidateArgs(argv);
  } catch (error) {
    io.writeError(`${errorMessage(error)}\n\n${VALIDATE_USAGE}\n`);
    return VALIDATE_EXIT.usage;
  }
  if (args.help) {
    io.write(`${VALIDATE_USAGE}\n`);
    return VALIDATE_EXIT.accepted;
  }

  const verdicts: FileVerdict[] = [];
  let unreadable = false;
  for (const file of args.files) {
    const read = readJsonFile(file, io.readText);
    if (!read.ok) {
      unreadable = true;
      io.writeError(`${read.error}\n`);
      continue;
    }
    const result = validateRecording(recordingOf(read.value), { ...BASE_CAPABILITIES, allowCodeSteps: args.allowCodeSteps });
    const verdict = { file, ok: result.ok, problems: result.ok ? [] : result.problems, needs: result.ok ? recordingRequirements(result.automation) : [] };
    verdicts.push(verdict);
    // Text goes out file by file, so it interleaves with the read errors on stderr in order.
    if (!args.json) io.write(formatVerdictAsText(verdict));
  }

  if (args.json) io.write(formatVerdictsAsJson(verdicts));
  if (unreadable) return VALIDATE_EXIT.usage;
  return verdicts.every((verdict) => verdict.ok) ? VALIDATE_EXIT.accepted : VALIDATE_EXIT.refused;
}
