import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PdfExtraction } from '../../../schemas/automation/extraction-sub-actions.js';
import { buildAnswerFormatFromRecorded } from '../../../llm/extraction-format-schema.js';
import { chooseStepModel } from '../../../llm/model-route.js';
import { askLlm } from '../llm/ask-llm.js';
import type { RunState } from '../run-state.js';
import { llmUnavailable } from '../step-needs.js';

/** Downloads still being written when the step starts get this long to land. */
const PENDING_DOWNLOADS_WAIT_MS = 10_000;

/**
 * extraction_action.pdf as the original: the run's download whose name contains `filename`
 * (else the only download) goes to the model as a file, with the instructions as the prompt.
 * The OutputData is named after the file.
 */
export async function runPdfExtraction(state: RunState, action: PdfExtraction): Promise<void> {
  const what = 'extraction_action.pdf';
  const model = chooseStepModel(action, state.task);
  const missing = llmUnavailable(state, what, model);
  if (missing) throw missing;
  await state.downloads.settle(PENDING_DOWNLOADS_WAIT_MS);
  const names = await downloadedFiles(state.paths.downloadsDirectory);
  const name = names.find((n) => n.includes(action.filename)) ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined) {
    const found = names.length === 0 ? 'nothing has been downloaded' : `the downloads are ${names.map((n) => JSON.stringify(n)).join(', ')}`;
    throw new Error(`${state.nodePath} (${what}): no downloaded file matches ${JSON.stringify(action.filename)}; ${found}`);
  }
  const reply = await askLlm(state, {
    what,
    system: 'Extract the information from the attached PDF file and answer in the JSON format given, following the instructions.',
    prompt: action.extraction_instructions,
    format: buildAnswerFormatFromRecorded(action.extraction_format),
    model,
    pdf: { data: await readFile(join(state.paths.downloadsDirectory, name)), filename: name },
  });
  state.outputData.push({ unique_identifier: name, json_data: reply.answer });
}

async function downloadedFiles(directory: string): Promise<string[]> {
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => e.name).sort();
  } catch {
    return [];
  }
}
