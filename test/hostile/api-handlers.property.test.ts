/**
 * Hostile input to both API handlers (issue 7): arbitrary API Gateway events (methods, paths,
 * header casing, content types, base64 and invalid UTF-8, bodies up to and past the limit, deep
 * and wide JSON, unicode, `__proto__` and `constructor` keys). For every event:
 * - the answer is the contract's success or a valid problem document, never a 5xx or a throw;
 * - it is the answer contract section 1 prescribes (an independent oracle, checks in order);
 * - Cognito is called exactly once for a valid body and never for an invalid one;
 * - no log line and no answer contains a submitted password, code or `encodedData`.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headersOf, headerViolations, problemOf, problemViolations } from '../support/answers';
import { apiEvent } from '../support/api-events';
import type { ApiHandler } from '../support/handlers';
import { lambdaContext } from '../support/lambda-context';
import { captureLogs } from '../support/log-capture';
import { useApiFakes } from '../support/suite-fakes';
import { apiEvents, MARKER } from './arbitraries';
import { compactReporter } from './reporter';
import { type Operation, verdict } from './request-oracle';

/** Runs per handler: 5,000 API events in all, with the trigger's on top. */
const RUNS = 2_500;

const aws = useApiFakes();
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

const COGNITO_OPERATION: Record<Operation, string> = {
  forgot: 'ForgotPassword',
  confirm: 'ConfirmForgotPassword',
};

/** Every check of one event; returns the failures (empty when the handler kept the contract). */
async function check(operation: Operation, event: APIGatewayProxyEvent): Promise<string[]> {
  const handler = aws[operation];
  const expected = verdict(operation, structuredClone(event));
  const rawBody = event.body ?? '';
  const decoded = event.isBase64Encoded ? Buffer.from(rawBody, 'base64').toString('utf8') : rawBody;
  const markers = new Set(
    [...rawBody.matchAll(MARKER), ...decoded.matchAll(MARKER)].map((match) => match[0]),
  );
  const callsBefore = aws.cognito.count(COGNITO_OPERATION[operation]);
  const context = lambdaContext({ remainingMs: 5_000 });
  const logs = captureLogs();
  let result: Awaited<ReturnType<ApiHandler>>;
  try {
    result = await handler(structuredClone(event), context);
  } catch (error) {
    return [`threw ${error instanceof Error ? error.name : String(error)}`];
  } finally {
    logs.restore();
  }
  const failures: string[] = [];
  const calls = aws.cognito.count(COGNITO_OPERATION[operation]) - callsBefore;
  if (result.statusCode >= 500) failures.push(`status ${result.statusCode}`);
  if (expected.kind === 'valid') {
    const success = operation === 'forgot' ? 202 : 204;
    if (result.statusCode !== success)
      failures.push(`valid body answered ${result.statusCode} ${result.body}`);
    if (calls !== 1) failures.push(`valid body made ${calls} Cognito calls`);
    failures.push(...headerViolations(result));
  } else if (expected.kind === 'preflight') {
    if (result.statusCode !== 204) failures.push(`preflight answered ${result.statusCode}`);
    if (calls !== 0) failures.push('preflight called Cognito');
  } else {
    if (calls !== 0) failures.push(`invalid request (${expected.code}) called Cognito`);
    const violations = problemViolations(result, context.awsRequestId);
    failures.push(...violations);
    if (violations.length === 0 && problemOf(result).code !== expected.code) {
      failures.push(`answered ${problemOf(result).code}, contract says ${expected.code}`);
    }
  }
  const origin = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'origin',
  )?.[1];
  const allowOrigin = headersOf(result)['access-control-allow-origin'];
  if (allowOrigin !== undefined && (allowOrigin === '*' || allowOrigin !== origin)) {
    failures.push(`Access-Control-Allow-Origin ${allowOrigin} for origin ${String(origin)}`);
  }
  const logText = logs.text();
  for (const marker of markers) {
    if (logText.includes(marker)) failures.push(`log contains submitted secret ${marker}`);
    if ((result.body ?? '').includes(marker))
      failures.push(`answer echoes submitted secret ${marker}`);
  }
  if (rawBody.length >= 24 && logText.includes(rawBody)) failures.push('log contains the raw body');
  return failures;
}

describe.each<Operation>(['forgot', 'confirm'])('%s handler under hostile input', (operation) => {
  it(`keeps the contract for ${RUNS} arbitrary events`, async () => {
    await fc.assert(
      fc.asyncProperty(apiEvents(operation), async (event) => {
        const failures = await check(operation, event);
        expect(failures).toEqual([]);
      }),
      { numRuns: RUNS, endOnFailure: true, reporter: compactReporter },
    );
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);

  it.each([500, 2_000, 4_000, 8_000])(
    'answers VALIDATION_FAILED (field body), not MALFORMED_JSON, to valid JSON nested %i deep',
    async (depth) => {
      // Prepare: valid JSON (an array, so not an object body) within the 16 KiB limit
      const event = apiEvent({
        path: operation === 'forgot' ? '/password/forgot' : '/password/confirm',
        rawBody: `${'['.repeat(depth)}${']'.repeat(depth)}`,
      });

      // Act
      const failures = await check(operation, event);

      // Assess
      expect(failures).toEqual([]);
    },
  );

  it('exercises every branch of the contract (the generator is not vacuous)', () => {
    // Prepare
    const verdicts = fc
      .sample(apiEvents(operation), { numRuns: 2_000, seed: 7 })
      .map((event) => verdict(operation, event));

    // Assess: each outcome of section 1 occurs often enough to be tested
    const counts = new Map<string, number>();
    for (const v of verdicts) {
      const key = v.kind === 'problem' ? v.code : v.kind;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const outcome of [
      'valid',
      'preflight',
      'METHOD_NOT_ALLOWED',
      'UNSUPPORTED_MEDIA_TYPE',
      'PAYLOAD_TOO_LARGE',
      'MALFORMED_JSON',
      'VALIDATION_FAILED',
    ]) {
      expect(counts.get(outcome) ?? 0, outcome).toBeGreaterThanOrEqual(
        outcome === 'preflight' ? 5 : 40,
      );
    }
  });
});
