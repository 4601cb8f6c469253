/**
 * The post-confirmation trigger when one of the two services it calls in the request misbehaves
 * (issue 7, faults; issue 13; contract section 4): Cognito's sign-out or the SQS hand-off.
 * Whatever fails, the trigger returns the event unchanged well inside Cognito's 5 s, never
 * throws, counts the failure as its metric, queues what a retry needs (a failed sign-out goes on
 * the durable path), and works again once the service recovers. It calls SES and EventBridge
 * not at all: those are the worker's (after-reset-delivery-faults.test.ts).
 */
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { FaultServer } from '../support/fault-server';
import { watchEachTest } from '../support/fault-watch';
import { lambdaContext, now } from '../support/lambda-context';
import { activeTimers, settle } from '../support/leaks';
import { emittedMetrics } from '../support/log-capture';
import { useTriggerFakes } from '../support/suite-fakes';
import { postConfirmationEvent, TRIGGER_EMAIL } from '../support/trigger-events';
import {
  ADDED_LATENCY,
  ERROR_429,
  ERROR_500,
  ERROR_503,
  HANG,
  MALFORMED_JSON,
  type NamedFault,
  PROXY_502,
  REFUSED,
  RESET,
  SLOW_DRIP,
  THROTTLING,
  TRUNCATED_JSON,
} from './fault-catalogue';

/** Cognito fails the user's request when the trigger takes longer than this. */
const COGNITO_TRIGGER_LIMIT_MS = 5_000;
/** The function's own remaining time at the start (its deployed timeout is at least this). */
const REMAINING_MS = 5_000;
const MAX_ATTEMPTS = 3;

interface Effect {
  readonly name: string;
  readonly server: () => FaultServer;
  readonly operation: string;
  readonly failureMetric: string;
  /** The jobs handed to the queue when this step fails (kinds, in order; SDK retries repeat them). */
  readonly queued: readonly string[];
}

const aws = useTriggerFakes();

const EFFECTS: readonly Effect[] = [
  {
    name: 'revoking sessions (Cognito AdminUserGlobalSignOut)',
    server: () => aws.cognito,
    operation: 'AdminUserGlobalSignOut',
    failureMetric: 'SessionsRevokeFailed',
    queued: ['notify', 'revoke'],
  },
  {
    name: 'the hand-off (SQS SendMessageBatch)',
    server: () => aws.sqs,
    operation: 'SendMessageBatch',
    failureMetric: 'HandOffFailed',
    // tried, and refused: the log line and the metric say this reset's notice and event are lost
    queued: ['notify', 'publish'],
  },
];

const FAULTS: readonly NamedFault[] = [
  HANG,
  REFUSED,
  RESET,
  ERROR_500,
  ERROR_503,
  PROXY_502,
  ERROR_429,
  THROTTLING,
  MALFORMED_JSON,
  TRUNCATED_JSON,
  SLOW_DRIP,
];

const FAILURE_METRICS = EFFECTS.map((effect) => effect.failureMetric);

/** The kinds of the jobs handed to SQS, in order, each once (an SDK retry repeats a batch). */
function queuedJobs(): string[] {
  const kinds = aws.sqs.requests
    .filter((request) => request.operation === 'SendMessageBatch')
    .flatMap((request) =>
      ((request.body as { Entries?: { Id?: string }[] } | undefined)?.Entries ?? []).map((entry) =>
        String(entry.Id),
      ),
    );
  return [...new Set(kinds)];
}

interface Invocation {
  readonly event: PostConfirmationTriggerEvent;
  readonly pristine: PostConfirmationTriggerEvent;
  readonly result: PostConfirmationTriggerEvent;
  readonly elapsedMs: number;
  readonly answeredBeforeDeadline: boolean;
}

async function invoke(): Promise<Invocation> {
  const event = postConfirmationEvent({ requestId: `req-${Math.random().toString(36).slice(2)}` });
  const pristine = structuredClone(event);
  const context = lambdaContext({ remainingMs: REMAINING_MS, functionName: 'post-confirmation' });
  const started = now();
  const result = await aws.handler(event, context);
  const answeredAt = now();
  return {
    event,
    pristine,
    result,
    elapsedMs: answeredAt - started,
    answeredBeforeDeadline: answeredAt < context.deadlineAt,
  };
}

const watch = watchEachTest(aws.recover);

describe.each(EFFECTS)('post-confirmation when $name fails', (effect) => {
  it.each(FAULTS.map((fault) => ({ name: fault.name, fault })))(
    '$name: returns the event in time, counts the failure, reports it, recovers',
    async ({ fault }) => {
      // Prepare
      await settle(10);
      const timersBefore = activeTimers();
      await fault.apply(effect.server(), effect.operation);

      // Act
      const invocation = await invoke();

      // Assess: the event back, unchanged, well inside Cognito's limit
      expect(invocation.result).toBe(invocation.event);
      expect(invocation.result).toEqual(invocation.pristine);
      expect(invocation.elapsedMs).toBeLessThan(COGNITO_TRIGGER_LIMIT_MS - 1_000);
      expect(invocation.answeredBeforeDeadline).toBe(true);

      // Assess: the failure counted (this one only), bounded attempts
      const metrics = emittedMetrics(watch.logs.records());
      expect(metrics).toContain(effect.failureMetric);
      for (const other of FAILURE_METRICS.filter((name) => name !== effect.failureMetric)) {
        expect(metrics).not.toContain(other);
      }
      if (fault !== REFUSED)
        expect(effect.server().count(effect.operation)).toBeGreaterThanOrEqual(1);
      expect(effect.server().count(effect.operation)).toBeLessThanOrEqual(MAX_ATTEMPTS);

      // Assess: what a retry needs was handed to the queue (REFUSED: the connection never opened)
      if (effect.server() !== aws.sqs || fault !== REFUSED) {
        expect(queuedJobs()).toEqual(effect.queued);
      }
      expect(aws.ses.count('SendEmail')).toBe(0);
      expect(aws.eventBridge.count('PutEvents')).toBe(0);

      // Assess: logs name the user by sub only
      expect(watch.logs.text()).not.toContain(TRIGGER_EMAIL);

      // Assess: the trigger gave up its call rather than leaving it running
      await settle();
      expect(effect.server().pendingRequests, 'a call left running after the answer').toBe(0);

      // Assess: nothing left behind
      await aws.recover();
      await watch.expectNothingLeftBehind(timersBefore);

      // Assess: the next reset after recovery hands off the notice and the event
      aws.sqs.clear();
      watch.logs.clear();
      const next = await invoke();
      expect(next.result).toBe(next.event);
      expect(queuedJobs()).toEqual(['notify', 'publish']);
      expect(
        emittedMetrics(watch.logs.records()).filter((name) => FAILURE_METRICS.includes(name)),
      ).toEqual([]);
    },
  );

  it('added latency (150 ms): every effect still succeeds', async () => {
    // Prepare
    await ADDED_LATENCY.apply(effect.server(), effect.operation);

    // Act
    const invocation = await invoke();

    // Assess
    expect(invocation.result).toBe(invocation.event);
    expect(queuedJobs()).toEqual(['notify', 'publish']);
    expect(
      emittedMetrics(watch.logs.records()).filter((name) => FAILURE_METRICS.includes(name)),
    ).toEqual([]);
  });
});

describe('post-confirmation when every service hangs at once', () => {
  it('still returns the event inside the budget with both failures counted', async () => {
    // Prepare
    for (const effect of EFFECTS) effect.server().inject(effect.operation, { kind: 'hang' });

    // Act
    const invocation = await invoke();

    // Assess
    expect(invocation.result).toBe(invocation.event);
    expect(invocation.result).toEqual(invocation.pristine);
    expect(invocation.elapsedMs).toBeLessThan(COGNITO_TRIGGER_LIMIT_MS - 1_000);
    expect(emittedMetrics(watch.logs.records())).toEqual(expect.arrayContaining(FAILURE_METRICS));
    await aws.recover();
    await settle();
    expect(watch.rejections.reasons).toEqual([]);
  });
});

describe('post-confirmation with little time left (a slow cold start) when every service hangs', () => {
  it('returns the event before its own deadline', async () => {
    // Prepare
    for (const effect of EFFECTS) effect.server().inject(effect.operation, { kind: 'hang' });
    const event = postConfirmationEvent({ requestId: 'req-late' });
    const context = lambdaContext({ remainingMs: 1_200, functionName: 'post-confirmation' });

    // Act
    const result = await aws.handler(event, context);

    // Assess
    expect(now()).toBeLessThan(context.deadlineAt);
    expect(result).toBe(event);
    await aws.recover();
    await settle();
    expect(watch.rejections.reasons).toEqual([]);
  });
});
