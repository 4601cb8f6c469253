/**
 * Hostile input to the post-confirmation trigger (issue 7): arbitrary events (any trigger
 * source, missing or mistyped `request`, `userAttributes`, `clientMetadata`, user names of any
 * unicode). Contract section 4: it always returns the event, unchanged, and never throws; its
 * logs never carry the user's email address.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../support/lambda-context';
import { captureLogs } from '../support/log-capture';
import { useTriggerFakes } from '../support/suite-fakes';
import { MARKER, triggerEvents } from './arbitraries';
import { compactReporter } from './reporter';

const RUNS = 1_500;

const aws = useTriggerFakes();

describe('post-confirmation trigger under hostile events', () => {
  it(`returns every one of ${RUNS} arbitrary events unchanged, never throwing`, async () => {
    await fc.assert(
      fc.asyncProperty(triggerEvents(), async (event) => {
        // Prepare
        const pristine = structuredClone(event);
        const markers = new Set(
          [...(JSON.stringify(event) ?? '').matchAll(MARKER)].map((match) => match[0]),
        );
        const logs = captureLogs();

        // Act
        let result: unknown;
        let thrown: unknown;
        try {
          result = await aws.handler(
            event,
            lambdaContext({ remainingMs: 5_000, functionName: 'post-confirmation' }),
          );
        } catch (error) {
          thrown = error;
        } finally {
          logs.restore();
        }

        // Assess
        expect(thrown).toBeUndefined();
        expect(result).toBe(event);
        expect(event).toEqual(pristine);
        const text = logs.text();
        for (const marker of markers)
          expect(text, 'email address in the logs').not.toContain(marker);
      }),
      { numRuns: RUNS, endOnFailure: true, reporter: compactReporter },
    );
  }, 120_000);

  it('reaches the effects for a share of the events (the generator is not vacuous)', async () => {
    // Prepare
    const before = aws.sqs.count('SendMessageBatch');
    const events = fc.sample(triggerEvents(), { numRuns: 200, seed: 11 });

    // Act
    const logs = captureLogs();
    try {
      for (const event of events) await aws.handler(event, lambdaContext({ remainingMs: 5_000 }));
    } finally {
      logs.restore();
    }

    // Assess
    // the hand-off of the notice and the event, which the trigger now makes instead of PutEvents
    expect(aws.sqs.count('SendMessageBatch') - before).toBeGreaterThanOrEqual(50);
  });
});
