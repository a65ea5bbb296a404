import * as z from 'zod';
import { nullOr } from './schema-helpers.js';

/** Python `int(x)` for the scalar JSON values a recording can hold, or null when it raises. */
function pythonInt(value: unknown): number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
  if (typeof value === 'string' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) return Number(value.replace(/_/g, ''));
  return null;
}

function pythonStr(value: unknown): unknown {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return value;
}

/**
 * The original coerces a two-item `coordinates` before validation: both to int when both
 * parse as int, otherwise both to str.
 */
function coerceCoordinates(value: unknown): unknown {
  if (!Array.isArray(value) || value.length !== 2) return value;
  const [x, y] = value;
  const ix = pythonInt(x);
  const iy = pythonInt(y);
  if (ix !== null && iy !== null) return [ix, iy];
  return [pythonStr(x), pythonStr(y)];
}

/** Fields shared by every locator-driven interaction (click_element, input_text, ...). */
export const BASE_ACTION_FIELDS = {
  xpath: nullOr(z.string()),
  coordinates: z
    .preprocess(coerceCoordinates, z.union([z.tuple([z.int(), z.int()]), z.tuple([z.string(), z.string()])]).nullable())
    .default(null),
  keyword: nullOr(z.string()),
  command: nullOr(z.string()),
  prompt_instructions: z.string().default(''),
  skip_command: z.boolean().default(false),
  skip_prompt: z.boolean().default(false),
  assert_locator_presence: z.boolean().default(false),
  recording_screenshot: nullOr(z.string()),
  bounding_box_variables: nullOr(
    z.array(z.string()).length(4, 'must have exactly 4 elements: [x1_var, y1_var, x2_var, y2_var]'),
  ),
};

type BaseActionInput = {
  xpath?: string | null;
  command?: string | null;
  assert_locator_presence?: boolean;
};

/**
 * The command as the original keeps it after validation: a command of only whitespace
 * becomes null. The other BaseAction rules look at the command before that step.
 */
export function effectiveCommand(command: string | null | undefined): string | null {
  if (command === null || command === undefined || command.trim() === '') return null;
  return command;
}

export function checkBaseAction(value: BaseActionInput, ctx: z.core.$RefinementCtx): void {
  const hasCommand = value.command !== null && value.command !== undefined;
  if (hasCommand && value.xpath !== null && value.xpath !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['xpath'], message: 'xpath and command are mutually exclusive; both are set' });
  }
  if (value.assert_locator_presence === true && !hasCommand) {
    ctx.addIssue({ code: 'custom', path: ['command'], message: 'required when assert_locator_presence is true' });
  }
}

export function normalizeCommand<T extends { command: string | null }>(value: T): T {
  return { ...value, command: effectiveCommand(value.command) };
}
