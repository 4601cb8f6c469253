/**
 * Issue 13: nothing is lost after a reset. The real trigger and the real worker run against
 * the local stack's own SQS (visibility timeout, receive counts, redrive policy, dead-letter
 * queue, message move task; timings scaled by 0.001, so a 5-minute retry takes 0.3 s) and its
 * event source mapping, with Powertools Idempotency on the local table, and fault servers for
 * SES and EventBridge. A dependency that fails for a while delivers once it recovers, once; a
 * permanent rejection and a job past the horizon end in the dead-letter queue, and the redrive
 * delivers them; the trigger's answer does not wait for any of it.
 */
import { SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS } from '../../lambda/after-reset/clients';
import { LocalEventSourceMapping } from '../../local/sqs-event-source';
import { startFakeCognito, startFakeEventBridge, startFakeSes } from '../support/aws-fakes';
import type { FaultServer } from '../support/fault-server';
import { loadTriggerHandler, loadWorkerHandler, restoreEnv } from '../support/handlers';
import { lambdaContext, now } from '../support/lambda-context';
import { captureLogs, emittedMetrics, type LogCapture } from '../support/log-capture';
import { postConfirmationEvent, TRIGGER_EMAIL } from '../support/trigger-events';
import { type LoopbackSqs, startLoopbackSqs } from '../trigger/loopback-aws';

/** SQS's timings times this: the deployed 300 s retry interval becomes 0.3 s. */
const TIME_SCALE = 0.001;
/** A horizon of one hour: 12 deliveries, 3.6 s here. */
const RETRY_HOURS = 1;
/** How long "eventually" may take on a busy machine: a bound on delivery, not a speed goal. */
const EVENTUALLY = { timeout: 60_000, interval: 50 } as const;
/** Cognito fails the user's request when the trigger takes longer than this. */
const COGNITO_TRIGGER_LIMIT_MS = 5_000;

let sqs: LoopbackSqs;
let cognito: FaultServer;
let ses: FaultServer;
let eventBridge: FaultServer;
let mapping: LocalEventSourceMapping;
let trigger: Awaited<ReturnType<typeof loadTriggerHandler>>;
let logs: LogCapture;

beforeAll(async () => {
  sqs = await startLoopbackSqs({ timeScale: TIME_SCALE, retryHours: RETRY_HOURS });
  [cognito, ses, eventBridge] = await Promise.all([
    startFakeCognito(),
    startFakeSes(),
    startFakeEventBridge(),
  ]);
  const env = {
    cognitoUrl: cognito.url,
    sesUrl: ses.url,
    eventBridgeUrl: eventBridge.url,
    sqsUrl: sqs.url,
    queueUrl: sqs.queueUrl,
  };
  const worker = await loadWorkerHandler({
    ...env,
    deadLetterQueueUrl: sqs.deadLetterQueueUrl,
    idempotencyTableName: 'after-reset-idempotency',
    dynamoDbUrl: sqs.url,
  });
  trigger = await loadTriggerHandler(env);
  mapping = new LocalEventSourceMapping({
    queues: sqs.queues,
    queueName: 'after-reset',
    queueArn: sqs.queueArn,
    region: 'eu-west-1',
    invoke: (event) => worker(event, lambdaContext({ remainingMs: 30_000 }) as unknown as Context),
    idlePollMs: 20,
  });
  mapping.start();
});

afterAll(async () => {
  await mapping.stop();
  restoreEnv();
  await Promise.all([sqs.close(), cognito.stop(), ses.stop(), eventBridge.stop()]);
});

afterEach(async () => {
  logs?.restore();
  await Promise.all([cognito.recover(), ses.recover(), eventBridge.recover()]);
  await expect.poll(() => sqs.queues.counts('after-reset').total, EVENTUALLY).toBe(0);
  ses.clear();
  eventBridge.clear();
  cognito.clear();
});

/** One reset: the trigger, as Cognito calls it; resolves with its answer time. */
async function reset(requestId = `req-${Math.random().toString(36).slice(2)}`): Promise<number> {
  logs = captureLogs();
  const event = postConfirmationEvent({ requestId });
  const started = now();
  const result = await trigger(event, lambdaContext({ remainingMs: 5_000 }));
  expect(result).toBe(event);
  return now() - started;
}

/**
 * Requests answered normally since `recoverNow` (a fault server's recovery also clears its
 * record, so whatever it records afterwards met a healthy service).
 */
function delivered(server: FaultServer, operation: string): number {
  return server.count(operation);
}

async function recoverNow(server: FaultServer): Promise<void> {
  await server.recover();
}

describe('SES failing for a while, then recovering', () => {
  it('retries the notice at each visibility timeout; once SES is back the email arrives, once', async () => {
    // Prepare
    ses.inject('SendEmail', { kind: 'error', status: 503, type: 'ServiceUnavailable' });
    // Act
    const answerMs = await reset();
    await expect.poll(() => ses.count('SendEmail'), EVENTUALLY).toBeGreaterThanOrEqual(3);
    await recoverNow(ses);
    // Assess: delivered once, after the outage; the event did not wait for it
    await expect.poll(() => delivered(ses, 'SendEmail'), EVENTUALLY).toBe(1);
    await expect.poll(() => sqs.queues.counts('after-reset').total, EVENTUALLY).toBe(0);
    expect(delivered(ses, 'SendEmail')).toBe(1);
    expect(eventBridge.count('PutEvents')).toBe(1);
    expect(sqs.queues.counts('after-reset-dlq').total).toBe(0);
    expect(emittedMetrics(logs.records())).toContain('NotificationFailed');
    expect(answerMs).toBeLessThan(COGNITO_TRIGGER_LIMIT_MS - 1_000);
    expect(logs.text()).not.toContain(TRIGGER_EMAIL);
  });
});

describe('EventBridge failing for a while, then recovering', () => {
  it('retries the event; once EventBridge is back it is put, once, and the email was not repeated', async () => {
    // Prepare
    eventBridge.inject('PutEvents', { kind: 'error', status: 500, type: 'InternalException' });
    // Act
    await reset();
    await expect.poll(() => eventBridge.count('PutEvents'), EVENTUALLY).toBeGreaterThanOrEqual(3);
    await recoverNow(eventBridge);
    // Assess
    await expect.poll(() => delivered(eventBridge, 'PutEvents'), EVENTUALLY).toBe(1);
    await expect.poll(() => sqs.queues.counts('after-reset').total, EVENTUALLY).toBe(0);
    expect(delivered(eventBridge, 'PutEvents')).toBe(1);
    expect(ses.count('SendEmail')).toBe(1);
    expect(emittedMetrics(logs.records())).toContain('EventPublishFailed');
  });
});

describe('a sign-out that fails in the request', () => {
  it('is retried on the durable path, and the event, put after it, says when the sessions ended', async () => {
    // Prepare: the request's attempt (and its SDK retry) fail; the durable retry works
    cognito.inject(
      'AdminUserGlobalSignOut',
      { kind: 'error', status: 500, type: 'InternalErrorException' },
      2,
    );
    // Act
    const before = new Date().toISOString();
    await reset();
    // Assess
    await expect.poll(() => eventBridge.count('PutEvents'), EVENTUALLY).toBe(1);
    expect(cognito.count('AdminUserGlobalSignOut')).toBe(3);
    const body = eventBridge.requests[0]?.body as { Entries?: { Detail?: string }[] } | undefined;
    const detail = JSON.parse(body?.Entries?.[0]?.Detail ?? '{}') as Record<string, unknown>;
    expect(detail).toMatchObject({ sessionsRevoked: true, notified: true });
    expect(String(detail.sessionsRevokedAt) >= before).toBe(true);
    expect(String(detail.sessionsRevokedAt) >= String(detail.occurredAt)).toBe(true);
    expect(ses.count('SendEmail')).toBe(1);
  });
});

describe('a permanent SES rejection', () => {
  it('goes to the dead-letter queue at once (counted), and the redrive delivers it once fixed', async () => {
    // Prepare
    ses.inject('SendEmail', {
      kind: 'error',
      status: 400,
      type: 'MessageRejected',
      message: `Email address is not verified: ${TRIGGER_EMAIL}`,
    });
    // Act
    await reset();
    // Assess: set aside after one attempt, the dead-letter queue's depth (the alarm's metric) is 1
    await expect.poll(() => sqs.queues.counts('after-reset-dlq').total, EVENTUALLY).toBe(1);
    expect(ses.count('SendEmail')).toBe(1);
    expect(emittedMetrics(logs.records())).toContain('DeadLettered');
    expect(logs.text()).not.toContain(TRIGGER_EMAIL);
    // Act: the cause fixed, the documented redrive (aws sqs start-message-move-task)
    await recoverNow(ses);
    await redrive();
    // Assess
    await expect.poll(() => delivered(ses, 'SendEmail'), EVENTUALLY).toBe(1);
    await expect.poll(() => sqs.queues.counts('after-reset-dlq').total, EVENTUALLY).toBe(0);
    expect(eventBridge.count('PutEvents')).toBe(1);
  });
});

describe('a dependency failing past the horizon', () => {
  it(`moves the job to the dead-letter queue after ${RETRY_HOURS * 12} deliveries; the redrive delivers it`, async () => {
    // Prepare
    ses.inject('SendEmail', { kind: 'error', status: 503, type: 'ServiceUnavailable' });
    // Act
    await reset();
    // Assess: SQS's redrive policy moved it, after exactly maxReceiveCount deliveries (each
    // one call of the SDK's attempts)
    await expect.poll(() => sqs.queues.counts('after-reset-dlq').total, EVENTUALLY).toBe(1);
    expect(ses.count('SendEmail')).toBe(RETRY_HOURS * 12 * MAX_ATTEMPTS);
    expect(sqs.queues.counts('after-reset').total).toBe(0);
    // Act: recovered, redriven
    await recoverNow(ses);
    await redrive();
    // Assess
    await expect.poll(() => delivered(ses, 'SendEmail'), EVENTUALLY).toBe(1);
    await expect.poll(() => sqs.queues.counts('after-reset-dlq').total, EVENTUALLY).toBe(0);
  });
});

describe('repeats of one reset', () => {
  it('deliver the email and the event once: Cognito repeating the trigger is suppressed by the idempotency record', async () => {
    // Act: the same reset (same requestId, so the same resetId) twice, as a repeated trigger
    await reset('req-repeated');
    await expect.poll(() => ses.count('SendEmail'), EVENTUALLY).toBe(1);
    await reset('req-repeated');
    // Assess
    await expect.poll(() => sqs.queues.counts('after-reset').total, EVENTUALLY).toBe(0);
    expect(ses.count('SendEmail')).toBe(1);
    expect(eventBridge.count('PutEvents')).toBe(1);
    expect(emittedMetrics(logs.records())).toContain('DuplicateSuppressed');
  });
});

describe('the trigger while SES and EventBridge hang', () => {
  it('answers within its budget: it waits for neither', async () => {
    // Prepare
    ses.inject('SendEmail', { kind: 'hang' });
    eventBridge.inject('PutEvents', { kind: 'hang' });
    // Act
    const answerMs = await reset();
    // Assess
    expect(answerMs).toBeLessThan(COGNITO_TRIGGER_LIMIT_MS - 1_000);
    expect(emittedMetrics(logs.records())).not.toContain('HandOffFailed');
    await expect.poll(() => ses.count('SendEmail'), EVENTUALLY).toBeGreaterThanOrEqual(1);
  });
});

async function redrive(): Promise<void> {
  const client = new SQSClient({
    region: 'eu-west-1',
    endpoint: sqs.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new StartMessageMoveTaskCommand({
        SourceArn: sqs.deadLetterQueueArn,
        DestinationArn: sqs.queueArn,
      }),
    );
  } finally {
    client.destroy();
  }
}
