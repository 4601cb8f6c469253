/**
 * The real SDK clients against loopback endpoints that accept the connection and never
 * answer (Cognito and the SQS queue): each call's deadline aborts the request (the connection is
 * closed, nothing keeps running), and the trigger answers within its budget with both failure
 * metrics.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetLimits } from '../../lambda/post-confirmation/budget';
import { againstControlTimer } from '../support/control-timer';
import { captureOutput, lambdaContext, leakedSecrets, resetEvent } from './fixtures';
import { type LoopbackEndpoint, setProcessEnv, startJsonEndpoint } from './loopback-aws';

const BUDGET: BudgetLimits = {
  totalMs: 900,
  revokeMs: 400,
  handOffMs: 300,
  marginMs: 100,
};

let endpoints: LoopbackEndpoint[];
let restoreEnv: () => void;

beforeAll(async () => {
  endpoints = await Promise.all([0, 1].map(() => startJsonEndpoint(() => 'hang')));
  const [cognito, sqs] = endpoints.map((endpoint) => endpoint.url);
  restoreEnv = setProcessEnv({
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: String(cognito),
    EVENT_BUS_NAME: 'local-bus',
    NOTIFICATION_FROM: 'no-reply@example.net',
    AFTER_RESET_QUEUE_URL: `${String(sqs)}/000000000000/after-reset`,
  });
});

afterAll(async () => {
  restoreEnv();
  await Promise.all(endpoints.map((endpoint) => endpoint.close()));
});

describe('endpoints that never answer', () => {
  it('are abandoned at each call deadline, and the event comes back within the budget', async () => {
    // Prepare
    const { buildHandler } = await import('../../lambda/post-confirmation/handler');
    const handler = buildHandler({ budget: BUDGET });
    const output = captureOutput();
    const event = resetEvent();
    // Act
    const { result, overrunMs } = await againstControlTimer(BUDGET.totalMs, () =>
      handler(event, lambdaContext()),
    );
    // Assess: within the budget, as late as this process's timers run
    expect(result).toBe(event);
    expect(overrunMs).toBeLessThan(200);
    for (const endpoint of endpoints) {
      expect(endpoint.calls).toHaveLength(1);
      await expect.poll(() => endpoint.abandoned()).toBe(1);
    }
    const metrics = output.metrics();
    for (const name of ['SessionsRevokeFailed', 'HandOffFailed']) {
      expect(metrics.get(name)?.value).toBe(1);
    }
    expect(leakedSecrets(output.text())).toEqual([]);
  });
});
