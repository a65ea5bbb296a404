import * as z from 'zod';
import { BASE_ACTION_FIELDS, checkBaseAction, effectiveCommand, normalizeCommand } from './base-action.js';
import { KEY_NAMES } from './key-names.js';
import { EVEN_WITH_NESTED_PROBLEMS, newDownloadFilename, nullOr } from './schema-helpers.js';

/** The original fills a uuid4 filename whenever a download is expected and none is named. */
function withDownloadFilename<T extends { expect_download: boolean; download_filename: string | null }>(value: T): T {
  if (!value.expect_download || value.download_filename !== null) return value;
  return { ...value, download_filename: newDownloadFilename() };
}

const DOWNLOAD_FIELDS = {
  expect_download: z.boolean().default(false),
  download_filename: nullOr(z.string()),
  download_metadata: nullOr(z.record(z.string(), z.unknown())),
};

export const ClickElementAction = z
  .object({
    ...BASE_ACTION_FIELDS,
    ...DOWNLOAD_FIELDS,
    double_click: z.boolean().default(false),
    button: z.enum(['left', 'right', 'middle']).default('left'),
    mouse_click: z.boolean().default(false),
    mouse_click_deviation: nullOr(z.record(z.string(), z.number())),
    force: z.boolean().default(false),
  })
  .superRefine((value, ctx) => {
    checkBaseAction(value, ctx);
    const extra = Object.keys(value.mouse_click_deviation ?? {}).filter((key) => key !== 'x' && key !== 'y');
    if (extra.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['mouse_click_deviation'],
        message: `may only contain keys x, y; got ${extra.join(', ')}`,
      });
    }
  })
  .transform((value) => withDownloadFilename(normalizeCommand(value)));
export type ClickElementAction = z.output<typeof ClickElementAction>;

export const InputTextAction = z
  .object({
    ...BASE_ACTION_FIELDS,
    input_text: nullOr(z.string()),
    is_slider: z.boolean().default(false),
    fill_or_type: z.enum(['fill', 'type', 'key_press']).default('fill'),
    press_enter: z.boolean().default(false),
    click_before_input: z.boolean().default(true),
  })
  .superRefine((value, ctx) => {
    checkBaseAction(value, ctx);
    // Checked after the whitespace-only command was turned into null, as in the original.
    if (value.press_enter && effectiveCommand(value.command) === null) {
      ctx.addIssue({ code: 'custom', path: ['command'], message: 'required when press_enter is true' });
    }
  })
  .transform(normalizeCommand);
export type InputTextAction = z.output<typeof InputTextAction>;

export const SelectOptionAction = z
  .object({ ...BASE_ACTION_FIELDS, ...DOWNLOAD_FIELDS, select_values: nullOr(z.array(z.string())) })
  .superRefine(checkBaseAction)
  .transform((value) => withDownloadFilename(normalizeCommand(value)));
export type SelectOptionAction = z.output<typeof SelectOptionAction>;

const PlainLocatorAction = z.object(BASE_ACTION_FIELDS).superRefine(checkBaseAction).transform(normalizeCommand);

export const CheckAction = PlainLocatorAction;
export type CheckAction = z.output<typeof CheckAction>;
export const UncheckAction = PlainLocatorAction;
export type UncheckAction = z.output<typeof UncheckAction>;
export const HoverAction = PlainLocatorAction;
export type HoverAction = z.output<typeof HoverAction>;

export const UploadFileAction = z
  .object({ ...BASE_ACTION_FIELDS, file_path: nullOr(z.string()), file_url: nullOr(z.string()) })
  .superRefine((value, ctx) => {
    checkBaseAction(value, ctx);
    // Truthiness, as in the original: an empty string counts as unset.
    if (Boolean(value.file_path) === Boolean(value.file_url)) {
      const state = value.file_path ? 'both are set' : 'neither is set';
      ctx.addIssue({ code: 'custom', message: `exactly one of file_path or file_url must be set; ${state}` });
    }
  }, EVEN_WITH_NESTED_PROBLEMS)
  .transform(normalizeCommand);
export type UploadFileAction = z.output<typeof UploadFileAction>;

function checkKeyName(key: string, path: PropertyKey[], ctx: z.core.$RefinementCtx): void {
  if (!KEY_NAMES.has(key)) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `${JSON.stringify(key)} is not a known key name; key names are lowercase pyautogui names such as "enter", "tab", "esc", "f5", "a"`,
    });
  }
}

export const KeyPressAction = z
  .object({ ...BASE_ACTION_FIELDS, type: z.union([z.string(), z.array(z.string())]) })
  .superRefine((value, ctx) => {
    checkBaseAction(value, ctx);
    if (typeof value.type === 'string') checkKeyName(value.type, ['type'], ctx);
    else value.type.forEach((key, index) => checkKeyName(key, ['type', index], ctx));
  })
  .transform(normalizeCommand);
export type KeyPressAction = z.output<typeof KeyPressAction>;
