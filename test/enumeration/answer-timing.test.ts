/**
 * Timing (issue 7 for forgot, issue 11 item 4 for confirm; contract section 3): an answer's time
 * must not tell an existing user from an unknown one. The fake Cognito reproduces the real
 * difference in kind, scaled down: for an existing user Cognito does real work (forgot: a code
 * and a message; confirm: the user's lookup and the code check, then a mismatch), for an unknown
 * one it simulates and is quicker: existing 15-30 ms, unknown 3-8 ms. With the floor reduced to
 * 60 ms (plus the contract's 0-50 ms jitter) the two answer-time samples must be
 * indistinguishable by a two-sample Kolmogorov-Smirnov test; with the floor off, the same test
 * must tell them apart, which shows it has the power to.
 *
 * This is a statistical assertion about distributions, not a timed unit test: the threshold is a
 * significance level (alpha = 0.001 both ways), not a duration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmEvent, forgotEvent } from '../support/api-events';
import { startFakeCognito, startFakeSecretsManager } from '../support/aws-fakes';
import type { Answer, FaultServer, RecordedRequest } from '../support/fault-server';
import { loadApiHandler, restoreEnv } from '../support/handlers';
import { lambdaContext, now } from '../support/lambda-context';
import { captureLogs } from '../support/log-capture';
import { type GroupSamples, sampleInterleaved } from './interleaved-samples';
import { type KsResult, quantile, twoSampleKs } from './kolmogorov-smirnov';

const SAMPLES_PER_GROUP = 250;
const CONCURRENCY = 8;
const FLOOR_MS = 60;
const ALPHA = 0.001;
const EXISTING = 'existing-user@example.test';
const UNKNOWN = 'unknown-user@example.test';

let cognito: FaultServer;
let secretsManager: FaultServer;
const results: Record<string, unknown> = {};

function uniformBetween(low: number, high: number): number {
  return low + Math.random() * (high - low);
}

/** The existing/unknown latency difference, around whatever Cognito answers. */
function realisticLatency(answer: Answer) {
  return (request: RecordedRequest) => {
    const username = (request.body as { Username?: string } | undefined)?.Username;
    const delay = username === EXISTING ? uniformBetween(15, 30) : uniformBetween(3, 8);
    return new Promise<Answer>((resolve) => setTimeout(() => resolve(answer), delay));
  };
}

/** Each operation with the request it times and the one answer both groups must get. */
const OPERATIONS = [
  {
    name: 'forgot-password',
    event: (username: string) => forgotEvent(username),
    status: 202,
    rejected: () => forgotEvent(''),
  },
  {
    name: 'confirm-forgot-password',
    event: (username: string) => confirmEvent(username, '000000'),
    status: 400,
    rejected: () => confirmEvent('', '000000'),
  },
] as const;
type Operation = (typeof OPERATIONS)[number];

type Samples = GroupSamples;

/** Answer times for both groups, interleaved at random so that drift hits both alike. */
async function measure(operation: Operation, floorMs: number): Promise<Samples> {
  const handler = await loadApiHandler(operation.name, {
    cognitoUrl: cognito.url,
    secretsManagerUrl: secretsManager.url,
    minResponseMs: floorMs,
  });
  const logs = captureLogs();
  try {
    return await sampleInterleaved({
      call: (username) => handler(operation.event(username), lambdaContext({ remainingMs: 5_000 })),
      existing: EXISTING,
      unknown: UNKNOWN,
      expectedStatus: operation.status,
      samplesPerGroup: SAMPLES_PER_GROUP,
      concurrency: CONCURRENCY,
      warmUps: 20,
    });
  } finally {
    logs.restore();
  }
}

function summary(samples: Samples, ks: KsResult) {
  const describeSample = (values: number[]) => ({
    p50: Number(quantile(values, 0.5).toFixed(1)),
    p90: Number(quantile(values, 0.9).toFixed(1)),
    p99: Number(quantile(values, 0.99).toFixed(1)),
  });
  return {
    existing: describeSample(samples.existing),
    unknown: describeSample(samples.unknown),
    ksStatistic: Number(ks.statistic.toFixed(4)),
    pValue: Number(ks.pValue.toPrecision(3)),
    sizes: ks.sizes,
  };
}

beforeAll(async () => {
  cognito = await startFakeCognito({
    ForgotPassword: realisticLatency({
      body: {
        CodeDeliveryDetails: {
          AttributeName: 'email',
          DeliveryMedium: 'EMAIL',
          Destination: 'e***@e***',
        },
      },
    }),
    // With PreventUserExistenceErrors, a wrong code and an unknown user both answer a mismatch.
    ConfirmForgotPassword: realisticLatency({
      status: 400,
      body: {
        __type: 'CodeMismatchException',
        message: 'Invalid verification code provided, please try again.',
      },
    }),
  });
  secretsManager = await startFakeSecretsManager();
});

afterAll(async () => {
  restoreEnv();
  await cognito.stop();
  await secretsManager.stop();
  const directory = join(import.meta.dirname, '..', '..', 'test-results');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'answer-timing.json'), `${JSON.stringify(results, null, 2)}\n`);
});

describe.each(OPERATIONS)(
  '$name answer time: existing vs unknown user (two-sample Kolmogorov-Smirnov)',
  (operation) => {
    it(`with the floor (${FLOOR_MS} ms + 0-50 ms jitter): indistinguishable at alpha ${ALPHA}`, async () => {
      // Act
      const samples = await measure(operation, FLOOR_MS);
      const ks = twoSampleKs(samples.existing, samples.unknown);
      results[`${operation.name} with floor`] = summary(samples, ks);

      // Assess
      expect(ks.pValue, JSON.stringify(results[`${operation.name} with floor`])).toBeGreaterThan(
        ALPHA,
      );
      expect(Math.min(...samples.existing, ...samples.unknown)).toBeGreaterThanOrEqual(FLOOR_MS);
    }, 60_000);

    it(`without the floor: the same test tells them apart at alpha ${ALPHA}`, async () => {
      // Act
      const samples = await measure(operation, 0);
      const ks = twoSampleKs(samples.existing, samples.unknown);
      results[`${operation.name} without floor`] = summary(samples, ks);

      // Assess
      expect(ks.pValue, JSON.stringify(results[`${operation.name} without floor`])).toBeLessThan(
        ALPHA,
      );
    }, 60_000);

    it('holds rejected requests to the floor too (errors included)', async () => {
      // Prepare
      const handler = await loadApiHandler(operation.name, {
        cognitoUrl: cognito.url,
        secretsManagerUrl: secretsManager.url,
        minResponseMs: FLOOR_MS,
      });
      const logs = captureLogs();
      const elapsed: number[] = [];
      try {
        // Act
        for (let index = 0; index < 10; index += 1) {
          const started = now();
          const result = await handler(operation.rejected(), lambdaContext());
          elapsed.push(now() - started);
          expect(result.statusCode).toBe(400);
        }
      } finally {
        logs.restore();
      }

      // Assess
      expect(Math.min(...elapsed)).toBeGreaterThanOrEqual(FLOOR_MS);
    });
  },
);
