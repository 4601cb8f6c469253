/**
 * The after-reset queue's retry policy in numbers, free of CDK so that the local stack runs the
 * same policy (scaled in time) as the deployed queue.
 */

/**
 * Seconds between two deliveries of a failed job: the queue's visibility timeout. AWS asks for
 * at least six times the function's timeout (30 s) so that a batch still running never shows
 * its messages again; five minutes also spaces the retries of a long outage.
 */
export const RETRY_INTERVAL_SECONDS = 300;

/** SQS's longest retention: the dead-letter queue keeps a job this long from its first enqueue. */
export const RETENTION_DAYS = 14;

/**
 * Deliveries before SQS dead-letters a job: the retry horizon divided by the interval, rounded
 * up (24 h: 288).
 *
 * @example
 * maxReceiveCount(24); // 288
 */
export function maxReceiveCount(retryHours: number): number {
  return Math.ceil((retryHours * 3_600) / RETRY_INTERVAL_SECONDS);
}
