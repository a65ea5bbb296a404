import { randomUUID } from 'node:crypto';
import type { Frame, Locator, Page } from 'playwright-core';
import { collectFrameItems, STAMP_ATTRIBUTE, type FrameItem } from './collect-frame-items.js';
import { formatElement, formatText, truncateLines, type SnapshotLine } from './format-snapshot.js';
import { withDeadline } from '../automation/runner/wait.js';

/**
 * How to reach an element the model picked. Our in-page script stamps each listed element with
 * `data-optexity-index="<snapshot id>-<frame>-<n>"`; the locator is that attribute selector in
 * the element's own frame. Playwright's CSS engine pierces open shadow roots, so one selector
 * works inside them too, and the snapshot id means a stamp from an older snapshot never matches.
 * A stamp survives re-renders that keep the node but not ones that replace it, and a newer
 * snapshot of the frame removes the older stamps: either way the element is reported gone and
 * the caller should act on the newest snapshot.
 */
export type ElementRef = { index: number; frame: Frame; stamp: string; role: string; name: string; locator: Locator };

export type PageSnapshot = { text: string; elements: Map<number, ElementRef> };

export type SnapshotOptions = { maxChars: number; frameTimeoutMs?: number };

// A frame that is mid-navigation or hung must not stall the whole snapshot.
const DEFAULT_FRAME_TIMEOUT_MS = 5_000;

export class ElementIndexError extends Error {
  constructor(
    readonly code: 'ELEMENT_INDEX_UNKNOWN' | 'ELEMENT_GONE',
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'ElementIndexError';
  }
}

type PendingLine = SnapshotLine & { ref?: Omit<ElementRef, 'index'> };

/** Indexed text of the visible, interactive and text content of the page and all its frames. */
export async function snapshotPage(page: Page, options: SnapshotOptions): Promise<PageSnapshot> {
  const snapshotId = randomUUID().slice(0, 8);
  const timeoutMs = options.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS;
  const lines: PendingLine[] = [];
  let frameOrdinal = 0;
  let nextIndex = 1;

  const visit = async (frame: Frame, depth: number): Promise<void> => {
    const indent = '  '.repeat(depth);
    const prefix = `${snapshotId}-${frameOrdinal++}-`;
    const items = await withDeadline(frame.evaluate(collectFrameItems, { prefix, attribute: STAMP_ATTRIBUTE }), timeoutMs).catch(() => null);
    if (items === null) {
      lines.push({ text: `${indent}(frame content could not be read)`, index: null, counts: false });
      return;
    }
    for (const item of items) lines.push(toLine(item, frame, indent, () => nextIndex++));
    for (const child of frame.childFrames()) {
      if (!(await isFrameShown(child))) continue;
      const origin = sameOrigin(frame.url(), child.url()) ? 'same-origin' : 'cross-origin';
      lines.push({ text: `${indent}--- iframe ${JSON.stringify(child.url())} (${origin}) ---`, index: null, counts: false });
      await visit(child, depth + 1);
      lines.push({ text: `${indent}--- end iframe ---`, index: null, counts: false });
    }
  };
  await visit(page.mainFrame(), 0);

  const { text, kept } = truncateLines(lines, options.maxChars);
  const elements = new Map<number, ElementRef>();
  for (const line of kept as PendingLine[]) {
    if (line.index !== null && line.ref) elements.set(line.index, { index: line.index, ...line.ref });
  }
  return { text, elements };
}

/**
 * The locator for an element of the snapshot. Async because it checks that the element is
 * still there, so the caller gets an error naming the index instead of a locator timeout.
 */
export async function locatorForIndex(snapshot: PageSnapshot, index: number): Promise<Locator> {
  const ref = snapshot.elements.get(index);
  if (!ref) throw new ElementIndexError('ELEMENT_INDEX_UNKNOWN', index, `Element [${index}] is not in the page snapshot`);
  const count = ref.frame.isDetached() ? 0 : await ref.locator.count().catch(() => 0);
  if (count !== 1) {
    throw new ElementIndexError('ELEMENT_GONE', index, `Element [${index}] (${ref.role} "${ref.name}") is no longer on the page; take a new snapshot`);
  }
  return ref.locator;
}

function toLine(item: FrameItem, frame: Frame, indent: string, takeIndex: () => number): PendingLine {
  if (item.kind === 'text') return { text: `${indent}${formatText(item)}`, index: null, counts: true };
  const index = takeIndex();
  const locator = frame.locator(`[${STAMP_ATTRIBUTE}="${item.stamp}"]`);
  return { text: `${indent}${formatElement(index, item)}`, index, counts: true, ref: { frame, stamp: item.stamp, role: item.role, name: item.name, locator } };
}

/** A display:none or zero-size iframe shows nothing, so neither does anything inside it. */
async function isFrameShown(frame: Frame): Promise<boolean> {
  const element = await frame.frameElement().catch(() => null);
  if (!element) return false;
  try {
    return await element.isVisible();
  } finally {
    await element.dispose().catch(() => undefined);
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

