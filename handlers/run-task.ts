import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getQueuedTaskRunner } from '../lib/worker/queued-task-registry.js';

/** The SQS task runner: runs each queued Task; answers the messages SQS should deliver again. */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return (await getQueuedTaskRunner()).runRecords(event.Records, () => context.getRemainingTimeInMillis());
}
