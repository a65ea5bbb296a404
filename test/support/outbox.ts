import type { ControlPlaneClient } from '../../lib/control-plane/control-plane-client.js';
import { silentLogger, type Logger } from '../../lib/log/logger.js';
import { createReportDelivery } from '../../lib/worker/outbox/deliver-report.js';
import { Outbox } from '../../lib/worker/outbox/outbox.js';
import { tempDir } from './task-fixture.js';

/** An outbox in a fresh temp folder that delivers to `controlPlane`, retrying quickly. */
export function testOutbox(controlPlane: ControlPlaneClient, options: { directory?: string; logger?: Logger; baseDelayMs?: number } = {}): Outbox {
  const logger = options.logger ?? silentLogger;
  return new Outbox({
    directory: options.directory ?? tempDir('outbox-test-'),
    deliver: createReportDelivery({ controlPlane, logger }),
    logger,
    baseDelayMs: options.baseDelayMs ?? 20,
    maxDelayMs: 200,
  });
}
