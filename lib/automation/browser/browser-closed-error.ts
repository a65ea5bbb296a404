/**
 * What a task that was running in a browser that crashed or was killed ends with. Kept apart from
 * the provider so that code which must not load playwright-core can recognise it.
 */
export class BrowserClosedError extends Error {
  constructor() {
    super('The browser closed unexpectedly (it crashed or was killed)');
    this.name = 'BrowserClosedError';
  }
}
