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
import { everyTime, idempotentOnce } from './once';
import { logger, metrics } from './powertools';

/**
 * Builds the Lambda handler. The idempotency store is made on first use from
 * `IDEMPOTENCY_TABLE_NAME`, so that tests can set the environment before the first batch.
 *
 * @example
 * export const handler = buildHandler();
 */
export function buildHandler(): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  let store: ReturnType<typeof idempotentOnce> | undefined;
  let storeTable: string | undefined;
  const storeFor = (tableName: string | undefined) => {
    if (tableName === undefined) return undefined;
    if (store === undefined || storeTable !== tableName) {
      store = idempotentOnce(tableName);
      storeTable = tableName;
    }
    return store;
  };
  let current: Once = everyTime;
  const batch = createBatchHandler({
    logger,
    metrics,
    effects: { revokeSessions, sendNotification, publishResetCompleted, handOff, sendMessage },
    config: () => readDeliveryConfig(process.env),
    once: (deliver) => current(deliver),
    now: Date.now,
  });
  return middy<SQSEvent, SQSBatchResponse, Error, Context>(
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
      const idempotency = storeFor(readDeliveryConfig(process.env).idempotencyTableName);
      idempotency?.registerContext(context);
      current = idempotency?.once ?? everyTime;
      return batch(event);
    },
  ).use([...loggingMiddlewares({ logger, metrics })]);
}
