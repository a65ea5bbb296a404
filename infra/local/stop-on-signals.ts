import type { Logger } from '../../lib/log/logger.js';

/**
 * SIGINT/SIGTERM run `close` once (for the worker: the graceful drain), then exit: 0 once it has
 * finished, 1 when it failed. A repeated signal does not cut the drain short; the grace period
 * already bounds it.
 */
export function stopOnSignals(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.info('already shutting down', { signal });
      return;
    }
    stopping = true;
    logger.info('shutting down', { signal });
    close().then(
      () => {
        logger.info('shut down');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
