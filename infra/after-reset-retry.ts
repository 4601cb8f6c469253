/**
 * The after-reset queue's retry policy in numbers, free of CDK (settings.ts is too) so that the
 * local stack runs the same policy (scaled in time) as the deployed queue.
 */

import { FUNCTION_TIMEOUT_SECONDS } from './settings';

/**
 * Seconds between two deliveries of a failed job: the queue's visibility timeout. AWS asks for
 * at least six times the function's timeout (checked below) so that a batch still running
 * never shows its messages again; five minutes also spaces the retries of a long outage.
 */
export const RETRY_INTERVAL_SECONDS = 300;
if (RETRY_INTERVAL_SECONDS < 6 * FUNCTION_TIMEOUT_SECONDS['deliver-after-reset']) {
  throw new Error('the queue visibility timeout must be at least 6 x the worker timeout');
}

/** SQS's longest retention: the dead-letter queue keeps a job this long from its first enqueue. */
export const RETENTION_DAYS = 14;

/** SQS's largest `maxReceiveCount` in a redrive policy (valid values 1 to 1,000). */
export const SQS_MAX_RECEIVE_COUNT = 1_000;

/**
 * The longest retry horizon the queue can keep, in whole hours: 1,000 deliveries, one per
 * interval (83 h at 300 s). A longer one would synth, then fail to deploy.
 */
export const MAX_RETRY_HOURS = Math.floor((SQS_MAX_RECEIVE_COUNT * RETRY_INTERVAL_SECONDS) / 3_600);

/**
 * Deliveries before SQS dead-letters a job: the retry horizon divided by the interval, rounded
 * up (24 h: 288).
 *
 * @throws {RangeError} for a horizon outside 1 to {@link MAX_RETRY_HOURS} hours
 * @example
 * maxReceiveCount(24); // 288
 */
export function maxReceiveCount(retryHours: number): number {
  const count = Math.ceil((retryHours * 3_600) / RETRY_INTERVAL_SECONDS);
  if (!(count >= 1 && count <= SQS_MAX_RECEIVE_COUNT)) {
    throw new RangeError(
      `a retry horizon of ${retryHours} h needs ${count} deliveries; SQS allows 1 to ${SQS_MAX_RECEIVE_COUNT} (at most ${MAX_RETRY_HOURS} h)`,
    );
  }
  return count;
}
