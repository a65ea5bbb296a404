import type { Page } from 'playwright-core';
import { snapshotPage, type PageSnapshot } from '../../../llm/page-snapshot.js';
import { currentPage, type RunState } from '../run-state.js';

export type PageForModel = { page: Page; snapshot: PageSnapshot; screenshot: Buffer | undefined };

/**
 * What a model is shown of the page commands run on (the last tab): the indexed snapshot, and
 * a viewport screenshot when the step's `source` asks for one.
 */
export async function pageForModel(state: RunState, options: { screenshot: boolean }): Promise<PageForModel> {
  const page = currentPage(state);
  const [snapshot, screenshot] = await Promise.all([
    snapshotPage(page, { maxChars: state.services.pageSnapshotMaxChars }),
    options.screenshot ? page.screenshot({ type: 'png', timeout: 10_000 }) : Promise.resolve(undefined),
  ]);
  return { page, snapshot, screenshot };
}
