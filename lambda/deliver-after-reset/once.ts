/**
 * Duplicate suppression for after-reset jobs with Powertools Idempotency on DynamoDB. SQS and
 * Cognito both deliver at least once (a trigger invocation Cognito repeats, a message SQS
 * delivers twice, a batch that timed out after a send), so a job key (`[kind, resetId]`) that
 * completed once is not done again while its record lives.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Context } from 'aws-lambda';
import type { AfterResetJob } from '../after-reset/jobs';
import type { Once } from './batch';

/**
 * How long a completed job's record suppresses repeats: SQS's longest retention (14 days), so
 * no copy the queue or the dead-letter queue can still deliver is done twice. The table's TTL
 * deletes the record after.
 */
export const IDEMPOTENCY_TTL_SECONDS = 14 * 24 * 3600;

/**
 * The longest one read or write of a job's record may take, its one retry included (a 1 s
 * request timeout, two attempts): Powertools calls the table outside the job's own deadline.
 */
export const RECORD_CALL_MS = 2_000;

/** A {@link Once} kept in a table, and how each invocation tells it its Lambda context. */
export interface IdempotentOnce {
  readonly once: Once;
  readonly registerContext: (context: Context) => void;
}

/**
 * The Powertools-backed {@link Once} for `tableName`, created once per container; the Lambda
 * context is registered per invocation so that a job cut off by a timeout is not locked out
 * until its record expires.
 *
 * @example
 * const { once, registerContext } = idempotentOnce('idempotency-table');
 */
export function idempotentOnce(tableName: string): IdempotentOnce {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[kind, resetId]',
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: new DynamoDBClient({
      maxAttempts: 2,
      requestHandler: new NodeHttpHandler({
        connectionTimeout: RECORD_CALL_MS / 4,
        requestTimeout: RECORD_CALL_MS / 2,
        throwOnRequestTimeout: true,
      }),
    }),
  });
  return {
    once: (deliver) => (job: AfterResetJob) =>
      makeIdempotent(deliver, { persistenceStore, config })(job),
    registerContext: (context) => config.registerLambdaContext(context),
  };
}

/** No suppression: each delivery does the job (at least once only). */
export const everyTime: Once = (deliver) => deliver;
