/**
 * Issue 15: Cognito runs the CustomMessage trigger only for users that exist, so a cold trigger
 * makes an existing user's ForgotPassword slower than an unknown user's. The forgot timing floor
 * must still hide it. The latency model (`latency-model.ts`: the trigger's cold and warm figures
 * from `npm run bench`, Cognito's and the Lambda platform's as stated assumptions) is checked two
 * ways, each with the two-sample Kolmogorov-Smirnov statistic D and its p-value:
 *
 * - at full scale, by the product's own floor arithmetic (`floorDelayMs`, the function every
 *   answer waits by) over a seeded sample of the model: deterministic, so that it shows which
 *   floor the figures need, and that the old 400 ms one does not hide a cold trigger;
 * - through the real forgot handler and a fake Cognito over loopback, with the model and the
 *   floor scaled down together (as `answer-timing.test.ts` does) so that the run stays short.
 *
 * A statistical assertion about distributions, not a timed unit test: its thresholds are a
 * significance level (alpha = 0.001) and the model's own figures, never a duration of this run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../infra/config';
import { floorDelayMs } from '../../lambda/shared/http-responder';
import { forgotEvent } from '../support/api-events';
import { startFakeCognito, startFakeSecretsManager } from '../support/aws-fakes';
import type { Answer, FaultServer, RecordedRequest } from '../support/fault-server';
import { loadApiHandler, restoreEnv } from '../support/handlers';
import { lambdaContext } from '../support/lambda-context';
import { captureLogs } from '../support/log-capture';
import { type GroupSamples, sampleInterleaved } from './interleaved-samples';
import { quantile, twoSampleKs } from './kolmogorov-smirnov';
import {
  cognitoForgotMs,
  MEASURED_TRIGGER,
  type Random,
  seeded,
  slowestExistingMs,
} from './latency-model';

const ALPHA = 0.001;
const DEFAULT_FLOOR_MS = CONFIG_DEFAULTS.forgotMinResponseMs as number;
/** The default before issue 15. */
const PREVIOUS_FLOOR_MS = 400;
const MODEL_SAMPLES = 5_000;
const results: Record<string, unknown> = {};

/** One answer time at full scale: Cognito's latency, then the floor's hold (product code). */
function answerMs(random: Random, floorMs: number, existing: boolean, coldShare: number): number {
  const work = cognitoForgotMs(random, { existing, coldShare });
  return (
    work +
    floorDelayMs({
      startedAt: 0,
      deadline: 10_000,
      minResponseMs: floorMs,
      now: work,
      random: (max) => Math.floor(random() * (max + 1)),
    })
  );
}

function modelRun(floorMs: number, coldShare: number, seed: number) {
  const random = seeded(seed);
  const existing: number[] = [];
  const unknown: number[] = [];
  for (let index = 0; index < MODEL_SAMPLES; index += 1) {
    existing.push(answerMs(random, floorMs, true, coldShare));
    unknown.push(answerMs(random, floorMs, false, coldShare));
  }
  const ks = twoSampleKs(existing, unknown);
  const summary = {
    floorMs,
    coldShare,
    existingP99: Number(quantile(existing, 0.99).toFixed(1)),
    unknownP99: Number(quantile(unknown, 0.99).toFixed(1)),
    D: Number(ks.statistic.toFixed(4)),
    p: Number(ks.pValue.toPrecision(3)),
  };
  results[`model floor ${floorMs} ms, cold share ${coldShare}`] = summary;
  return { ks, summary };
}

afterAll(() => {
  const directory = join(import.meta.dirname, '..', '..', 'test-results');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'trigger-timing.json'), `${JSON.stringify(results, null, 2)}\n`);
});

describe('the latency model', () => {
  it('uses the measured trigger figures (npm run bench, variant message)', () => {
    expect(MEASURED_TRIGGER.coldFirstRequestMs).toBeGreaterThan(MEASURED_TRIGGER.coldInitMs);
    expect(MEASURED_TRIGGER.warmP99Ms).toBeGreaterThanOrEqual(MEASURED_TRIGGER.warmP50Ms);
    expect(MEASURED_TRIGGER.coldInitMs).toBeGreaterThan(0);
  });

  it('puts the slowest existing user (every range at its top, trigger cold) under the default floor', () => {
    expect(slowestExistingMs()).toBeLessThan(DEFAULT_FLOOR_MS);
  });
});

describe('forgot answer time at full scale, existing vs unknown (Kolmogorov-Smirnov)', () => {
  it.each([
    [1, 151],
    [0.5, 152],
    [0, 153],
  ])(
    `with the default floor: indistinguishable at alpha ${ALPHA} (cold share %d)`,
    (coldShare, seed) => {
      const { ks, summary } = modelRun(DEFAULT_FLOOR_MS, coldShare, seed);
      expect(ks.pValue, JSON.stringify(summary)).toBeGreaterThan(ALPHA);
    },
  );

  it.each([
    [PREVIOUS_FLOOR_MS, 1, 154],
    [0, 0.5, 155],
  ])(
    'with a floor of %d ms: the same test tells them apart (cold share %d)',
    (floorMs, coldShare, seed) => {
      const { ks, summary } = modelRun(floorMs, coldShare, seed);
      expect(ks.pValue, JSON.stringify(summary)).toBeLessThan(ALPHA);
    },
  );
});

describe('the real forgot handler with the model scaled down (loopback Cognito)', () => {
  /** Both the model and the floor scaled by this, so that their ratio is the deployed one. */
  const SCALE = 0.15;
  const SAMPLES_PER_GROUP = 200;
  const CONCURRENCY = 8;
  const EXISTING = 'existing-user@example.test';
  const UNKNOWN = 'unknown-user@example.test';
  let cognito: FaultServer;
  let secretsManager: FaultServer;
  const random = seeded(156);

  beforeAll(async () => {
    const delivered: Answer = {
      body: {
        CodeDeliveryDetails: {
          AttributeName: 'email',
          DeliveryMedium: 'EMAIL',
          Destination: 'e***@e***',
        },
      },
    };
    cognito = await startFakeCognito({
      ForgotPassword: (request: RecordedRequest) => {
        const username = (request.body as { Username?: string } | undefined)?.Username;
        // Every existing user's trigger cold: the worst case the floor must hide
        const delay = cognitoForgotMs(random, {
          existing: username === EXISTING,
          coldShare: 1,
          scale: SCALE,
        });
        return new Promise<Answer>((resolve) => setTimeout(() => resolve(delivered), delay));
      },
    });
    secretsManager = await startFakeSecretsManager();
  });

  afterAll(async () => {
    restoreEnv();
    await cognito?.stop();
    await secretsManager?.stop();
  });

  it.each([
    [Math.round(DEFAULT_FLOOR_MS * SCALE), 'indistinguishable'],
    [0, 'told apart'],
  ] as const)(
    'floor %d ms (the default, scaled): %s',
    async (floorMs, expected) => {
      // Prepare
      const handler = await loadApiHandler('forgot-password', {
        cognitoUrl: cognito.url,
        secretsManagerUrl: secretsManager.url,
        minResponseMs: floorMs,
      });
      const logs = captureLogs({ keep: false });
      let samples: GroupSamples;
      try {
        // Act: both groups interleaved, so that any drift of the machine hits both alike
        samples = await sampleInterleaved({
          call: (username) => handler(forgotEvent(username), lambdaContext({ remainingMs: 5_000 })),
          existing: EXISTING,
          unknown: UNKNOWN,
          expectedStatus: 202,
          samplesPerGroup: SAMPLES_PER_GROUP,
          concurrency: CONCURRENCY,
          warmUps: 10,
        });
      } finally {
        logs.restore();
      }

      // Assess
      const ks = twoSampleKs(samples.existing, samples.unknown);
      const summary = {
        floorMs,
        existingP50: Number(quantile(samples.existing, 0.5).toFixed(1)),
        unknownP50: Number(quantile(samples.unknown, 0.5).toFixed(1)),
        D: Number(ks.statistic.toFixed(4)),
        p: Number(ks.pValue.toPrecision(3)),
      };
      results[`handler, scaled ${SCALE}, floor ${floorMs} ms`] = summary;
      if (expected === 'indistinguishable') {
        expect(ks.pValue, JSON.stringify(summary)).toBeGreaterThan(ALPHA);
      } else {
        expect(ks.pValue, JSON.stringify(summary)).toBeLessThan(ALPHA);
      }
    },
    90_000,
  );
});
