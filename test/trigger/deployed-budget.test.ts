/**
 * The deployed handler (`index.ts`, default budget) against AWS calls that never answer (the
 * sign-out and the hand-off to the after-reset queue): it
 * must still answer Cognito well inside its 5 s wait. Fake timers make this exact and instant;
 * the figure checked is the handler's own clock, not the machine's speed.
 */
import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, PostConfirmationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BUDGET, Deadline } from '../../lambda/post-confirmation/budget';
import {
  captureOutput,
  hang,
  lambdaContext,
  leakedSecrets,
  type OutputCapture,
  resetEvent,
} from './fixtures';

const cognito = mockClient(CognitoIdentityProviderClient);
const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);

type Handler = (event: PostConfirmationTriggerEvent, context: Context) => Promise<unknown>;
let handler: Handler;
let output: OutputCapture;

beforeAll(async () => {
  // As on Lambda: Powertools reads the initialization type when the module loads.
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  ({ handler } = (await import('../../lambda/post-confirmation/index')) as { handler: Handler });
});

beforeEach(() => {
  for (const [name, value] of Object.entries({
    AWS_REGION: 'eu-west-1',
    EVENT_BUS_NAME: 'bus',
    NOTIFICATION_FROM: 'no-reply@example.net',
    AFTER_RESET_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/after-reset',
  })) {
    vi.stubEnv(name, value);
  }
  cognito.reset();
  sqs.reset();
  eventBridge.reset();
  output = captureOutput();
});

afterEach(() => {
  vi.useRealTimers();
  expect(leakedSecrets(output.text())).toEqual([]);
});

describe('the deployed budget leaves margin under Cognito 5 s wait', () => {
  it.each([
    ['a warm start (5 s left)', 5_000],
    ['a cold start that used 1.5 s before the handler (3.5 s left)', 3_500],
  ])('%s: the sign-out, then the hand-off, each get their whole slice', (_, remainingMs) => {
    // Prepare: the deadline as the handler builds it, on an injected clock
    const clock = { now: 0 };
    const deadline = new Deadline(
      0,
      DEFAULT_BUDGET.totalMs,
      remainingMs - DEFAULT_BUDGET.marginMs,
      () => clock.now,
    );

    // Act: each call, one after the other as the handler makes them, runs to the end of its slice
    const revokeMs = deadline.slice(DEFAULT_BUDGET.revokeMs, DEFAULT_BUDGET.handOffMs);
    clock.now += revokeMs;
    const handOffMs = deadline.slice(DEFAULT_BUDGET.handOffMs);
    clock.now += handOffMs;

    // Assess
    expect(revokeMs).toBe(DEFAULT_BUDGET.revokeMs);
    expect(handOffMs).toBe(DEFAULT_BUDGET.handOffMs);
    expect(clock.now).toBeLessThanOrEqual(
      Math.min(DEFAULT_BUDGET.totalMs, remainingMs - DEFAULT_BUDGET.marginMs),
    );
    // Cognito's 5 s wait started before the cold start: at least the margin is left over.
    expect(5_000 - remainingMs + clock.now).toBeLessThanOrEqual(5_000 - DEFAULT_BUDGET.marginMs);
  });

  it('answers within the total budget when every AWS call hangs, counting both failures', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    cognito.on(AdminUserGlobalSignOutCommand).callsFake(hang);
    sqs.on(SendMessageBatchCommand).callsFake(hang);
    const event = resetEvent();
    const startedAt = Date.now();
    let answeredAt: number | undefined;
    // Act
    const answer = handler(event, lambdaContext()).then((result) => {
      answeredAt = Date.now();
      return result;
    });
    for (let elapsed = 0; answeredAt === undefined && elapsed < 10_000; elapsed += 50) {
      await vi.advanceTimersByTimeAsync(50);
    }
    // Assess
    await expect(answer).resolves.toBe(event);
    expect(answeredAt).toBeDefined();
    expect((answeredAt ?? Infinity) - startedAt).toBeLessThanOrEqual(DEFAULT_BUDGET.totalMs);
    expect(sqs).toReceiveCommandTimes(SendMessageBatchCommand, 1);
    expect(eventBridge).toReceiveCommandTimes(PutEventsCommand, 0);
    const failures = output.emf().flatMap((doc) => doc._aws.CloudWatchMetrics[0]?.Metrics ?? []);
    expect(failures.map((m) => m.Name)).toEqual(
      expect.arrayContaining(['SessionsRevokeFailed', 'HandOffFailed']),
    );
  });

  it('shrinks to the function own remaining time when that is shorter', async () => {
    // Prepare: a function configured with a 2 s timeout; the margin is kept free
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    cognito.on(AdminUserGlobalSignOutCommand).callsFake(hang);
    sqs.on(SendMessageBatchCommand).callsFake(hang);
    const startedAt = Date.now();
    let answeredAt: number | undefined;
    // Act
    const answer = handler(resetEvent(), lambdaContext(2_000)).then(() => {
      answeredAt = Date.now();
    });
    for (let elapsed = 0; answeredAt === undefined && elapsed < 10_000; elapsed += 50) {
      await vi.advanceTimersByTimeAsync(50);
    }
    await answer;
    // Assess
    expect((answeredAt ?? Infinity) - startedAt).toBeLessThanOrEqual(
      2_000 - DEFAULT_BUDGET.marginMs,
    );
  });
});

describe("Powertools' cold-start metric", () => {
  it('is emitted by the first invocation of a container only, with the service dimension', async () => {
    // This file's container has served invocations above: load a fresh copy of the module, as
    // Lambda does in a new execution environment.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    vi.resetModules();
    const fresh = (await import('../../lambda/post-confirmation/index')) as { handler: Handler };
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    // Act
    await fresh.handler(resetEvent(), lambdaContext());
    await fresh.handler(resetEvent(), lambdaContext());
    // Assess
    const coldStarts = output
      .emf()
      .filter((doc) => doc._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === 'ColdStart'));
    expect(coldStarts).toHaveLength(1);
    expect(coldStarts[0]?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'CognitoPasswordReset',
      Dimensions: [['service']],
    });
    expect(coldStarts[0]).toMatchObject({ service: 'post-confirmation', ColdStart: 1 });
  });
});
