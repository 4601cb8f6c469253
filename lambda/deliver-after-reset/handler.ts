/**
 * The middy stack around the batch handler, with the logging middlewares every function uses,
 * and Powertools Idempotency when a table is configured.
 */
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { publishResetCompleted, revokeSessions, sendNotification } from '../after-reset/effects';
import { handOff, sendMessage } from '../after-reset/hand-off';
import { loggingMiddlewares } from '../shared/powertools-middleware';
import { createBatchHandler, type Once } from './batch';
import { readDeliveryConfig } from './config';
import { everyTime, type IdempotentOnce, idempotentOnce } from './once';
import { logger, metrics } from './powertools';

/**
 * Builds the Lambda handler. The configuration is read once per invocation; the idempotency
 * store is made on first use from `IDEMPOTENCY_TABLE_NAME` (so that tests can set the
 * environment before the first batch) and kept for the container while the table stays the same.
 *
 * @example
 * export const handler = buildHandler();
 */
export function buildHandler(): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const deliverBatch = createBatchHandler({
    logger,
    metrics,
    effects: { revokeSessions, sendNotification, publishResetCompleted, handOff, sendMessage },
    now: Date.now,
  });
  let idempotency: { readonly tableName: string; readonly store: IdempotentOnce } | undefined;
  const onceFor = (tableName: string | undefined, context: Context): Once => {
    if (tableName === undefined) return everyTime;
    if (idempotency?.tableName !== tableName) {
      idempotency = { tableName, store: idempotentOnce(tableName) };
    }
    idempotency.store.registerContext(context);
    return idempotency.store.once;
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>(
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
      const config = readDeliveryConfig(process.env);
      return deliverBatch(event, {
        config,
        once: onceFor(config.idempotencyTableName, context),
        remainingMs: () => context.getRemainingTimeInMillis(),
      });
    },
  ).use([...loggingMiddlewares({ logger, metrics })]);
}
