/**
 * One SQS batch of after-reset jobs (Lambda's SQS event source with `ReportBatchItemFailures`):
 * each job is done, retried, or set aside on its own, so that one failing job never repeats the
 * others of its batch.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describeFailure } from '../after-reset/failure';
import type { sendMessage } from '../after-reset/hand-off';
import { type AfterResetJob, type JobKind, parseJob } from '../after-reset/jobs';
import { withTimeout } from '../after-reset/with-timeout';
import type { DeliveryConfig } from './config';
import { CALL_TIMEOUT_MS, type DeliveryEffects, deliverJob } from './deliver';
import { RECORD_CALL_MS } from './once';
import { isPermanentFailure } from './permanence';

/**
 * The metric a failed attempt of each job is counted under (1 failed, 0 done), with the
 * function's own `service` dimension: a retry after an outage shows as ones, then a zero.
 */
export const ATTEMPT_METRICS: Readonly<Record<JobKind, string>> = {
  notify: 'NotificationFailed',
  publish: 'EventPublishFailed',
  revoke: 'SessionsRevokeFailed',
};

/** Jobs set aside in the dead-letter queue by the function itself (a permanent failure). */
export const DEAD_LETTERED_METRIC = 'DeadLettered';
/** Repeats of a job already done that the idempotency record stopped. */
export const DUPLICATE_METRIC = 'DuplicateSuppressed';

/** Runs `deliver` at most once per job key (Powertools Idempotency), or as it is when off. */
export type Once = (
  deliver: (job: AfterResetJob) => Promise<void>,
) => (job: AfterResetJob) => Promise<void>;

/** What the batch handler needs from outside. */
export interface BatchDependencies {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly effects: DeliveryEffects & { readonly sendMessage: typeof sendMessage };
  readonly now: () => number;
}

/** What one invocation runs with: its configuration, and the duplicate suppression it gives. */
export interface BatchRun {
  readonly config: DeliveryConfig;
  readonly once: Once;
  /** The invocation's time left (the Lambda context's `getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
}

/**
 * Time a job may need at worst: two calls at their deadline (a late sign-out, then the hand-on
 * of its event) and the two writes of its idempotency record. A record is started only with this
 * much left, so that a batch of slow jobs never runs into the function's timeout (which would
 * fail the whole batch, done jobs included); the rest go back to the queue for the next delivery.
 */
export const JOB_RESERVE_MS = 2 * CALL_TIMEOUT_MS + 2 * RECORD_CALL_MS;

/**
 * Builds the batch handler.
 *
 * @example
 * const deliverBatch = createBatchHandler({ logger, metrics, effects, now: Date.now });
 * await deliverBatch(event, { config: readDeliveryConfig(), once: everyTime });
 */
export function createBatchHandler(
  deps: BatchDependencies,
): (event: SQSEvent, run: BatchRun) => Promise<SQSBatchResponse> {
  return async function deliverBatch(event: SQSEvent, run: BatchRun): Promise<SQSBatchResponse> {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    let postponed = 0;
    for (const record of event.Records ?? []) {
      if (run.remainingMs() < JOB_RESERVE_MS) {
        postponed += 1;
        failures.push({ itemIdentifier: record.messageId });
      } else if (await handleRecord(record, run, deps)) {
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    if (postponed > 0) {
      deps.logger.warn('Too little time left for more jobs: the rest wait for the next delivery', {
        postponed,
        reserveMs: JOB_RESERVE_MS,
      });
    }
    return { batchItemFailures: failures };
  };
}

/** Does one record; `true` when SQS is to deliver it again. */
async function handleRecord(
  record: SQSRecord,
  { config, once }: BatchRun,
  deps: BatchDependencies,
): Promise<boolean> {
  const { logger, metrics } = deps;
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  let job: AfterResetJob | undefined;
  let ran = false;
  try {
    job = parseJob(record.body);
    const current = job;
    await once(async (j) => {
      ran = true;
      await deliverJob(j, { effects: deps.effects, config, now: deps.now });
    })(current);
    metrics.addMetric(ATTEMPT_METRICS[current.kind], MetricUnit.Count, 0);
    if (!ran) metrics.addMetric(DUPLICATE_METRIC, MetricUnit.Count, 1);
    logger.info(ran ? 'After-reset job done' : 'After-reset job already done: repeat dropped', {
      kind: current.kind,
      resetId: current.resetId,
      receiveCount,
    });
    return false;
  } catch (error) {
    const failure = describeFailure(error, sensitiveValuesOf(job));
    const facts = {
      kind: job?.kind ?? null,
      resetId: job?.resetId ?? null,
      receiveCount,
      ...failure,
    };
    if (job !== undefined) metrics.addMetric(ATTEMPT_METRICS[job.kind], MetricUnit.Count, 1);
    if (!isPermanentFailure(error)) {
      logger.warn(
        'After-reset job failed; SQS delivers it again after the visibility timeout',
        facts,
      );
      return true;
    }
    return !(await setAside(record, failure.errorName, config, deps, facts));
  }
}

/** Moves a job that can never succeed to the dead-letter queue; `false` when that failed too. */
async function setAside(
  record: SQSRecord,
  reason: string,
  config: DeliveryConfig,
  deps: BatchDependencies,
  facts: Record<string, unknown>,
): Promise<boolean> {
  const { logger, metrics } = deps;
  const deadLetterQueueUrl = config.deadLetterQueueUrl;
  if (deadLetterQueueUrl === undefined) {
    logger.error(
      'After-reset job failed permanently and no dead-letter queue is configured (DEAD_LETTER_QUEUE_URL); retried until the horizon',
      facts,
    );
    return false;
  }
  try {
    await withTimeout(CALL_TIMEOUT_MS, (signal) =>
      deps.effects.sendMessage(deadLetterQueueUrl, record.body, { reason }, signal),
    );
    metrics.addMetric(DEAD_LETTERED_METRIC, MetricUnit.Count, 1);
    logger.error(
      'After-reset job failed permanently: set aside in the dead-letter queue (redrive once fixed)',
      facts,
    );
    return true;
  } catch (error) {
    logger.error('Setting a failed after-reset job aside failed; SQS delivers it again', {
      ...facts,
      deadLetter: describeFailure(error, []),
    });
    return false;
  }
}

/** Values of the job that must not reach a log line. */
function sensitiveValuesOf(job: AfterResetJob | undefined): Array<string | undefined> {
  if (job === undefined) return [];
  switch (job.kind) {
    case 'notify':
      return [job.to];
    case 'publish':
      return [job.detail.userName];
    case 'revoke':
      return [job.userName];
  }
}
