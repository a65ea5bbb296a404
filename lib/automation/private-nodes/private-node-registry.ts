import type { BrowserContext, Page } from 'playwright-core';
import type * as z from 'zod';
import type { Logger } from '../../log/logger.js';

/** What a handler may use while it runs: the page commands act on, and the task's folders. */
export type PrivateNodeContext = {
  page: Page;
  context: BrowserContext;
  taskId: string;
  downloadsDirectory: string;
  logger: Logger;
  /** Aborted when the task is stopped; long handlers should pass it on. */
  signal: AbortSignal | undefined;
};

/**
 * One handler addressable from a `private_node` by `name`. When `inputs` is given, the node's
 * inputs (after variable substitution) are parsed with it first, so `run` never sees a malformed
 * payload. The returned value becomes the node's outputs (see `output_variable_names`).
 */
export type PrivateNodeHandler<TInputs = Record<string, unknown>> = {
  name: string;
  inputs?: z.ZodType<TInputs>;
  run(inputs: TInputs, context: PrivateNodeContext): Promise<unknown>;
};

/** Handlers contributed in code; a recording naming any other handler is refused at acceptance. */
export class PrivateNodeRegistry {
  readonly #handlers = new Map<string, PrivateNodeHandler<never>>();

  register<TInputs>(handler: PrivateNodeHandler<TInputs>): this {
    if (this.#handlers.has(handler.name)) throw new Error(`private node handler "${handler.name}" is already registered`);
    this.#handlers.set(handler.name, handler as PrivateNodeHandler<never>);
    return this;
  }

  get(name: string): PrivateNodeHandler<unknown> | undefined {
    return this.#handlers.get(name) as PrivateNodeHandler<unknown> | undefined;
  }

  names(): string[] {
    return [...this.#handlers.keys()].sort();
  }
}
