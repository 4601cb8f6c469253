/**
 * The outermost HTTP middleware of both handlers: turns every failure into the contract's problem
 * document, puts the section 3 headers on every answer, counts each problem code once, and holds
 * forgot answers to the timing floor.
 *
 * It replaces `@middy/http-error-handler`, which logs the raw error with `console.error` and
 * copies `error.message` into the answer: here the answer comes from the problem catalogue only and
 * the log line names the error class only.
 */
import { randomInt } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { deadlineOf, sleep } from './deadline';
import { headerValue, responseHeaders } from './http-headers';
import { PROBLEM_CATALOG, problemDocument, RETRY_AFTER_SECONDS } from './problem-catalog';
import { ConfigurationError, ProblemError } from './problem-error';
import { PROBLEM_CONTENT_TYPE } from './security-headers';
import { errorName } from './upstream-errors';

/** Upper bound of the random jitter added to the timing floor (contract section 3). */
export const FLOOR_JITTER_MS = 50;
/** The floor never holds an answer closer than this to the function's deadline. */
export const FLOOR_DEADLINE_MARGIN_MS = 250;

/** What the responder needs: where to log and count, CORS origins, the forgot floor. */
export interface HttpResponderOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly allowedOrigins: ReadonlySet<string>;
  /** Minimum answer time in ms; `0` or absent: no floor and no jitter. */
  readonly minResponseMs?: number;
}

type ApiRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

interface Timing {
  readonly startedAt: number;
  readonly deadline: number;
}

/**
 * The outermost HTTP middleware: whatever happened inside, the caller gets a catalogue answer with
 * the security headers, the problem is logged by name and counted, and forgot answers are held
 * to the floor.
 *
 * @example
 * middy(handler).use(httpResponder({ logger, metrics, allowedOrigins, minResponseMs: 400 }))
 */
export function httpResponder(
  options: HttpResponderOptions,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> {
  const timings = new WeakMap<object, Timing>();

  const finish = async (request: ApiRequest, response: APIGatewayProxyResult) => {
    const preflight = request.event.httpMethod === 'OPTIONS';
    response.headers = {
      ...response.headers,
      ...responseHeaders({
        requestId: request.context.awsRequestId,
        origin: headerValue(request.event.headers, 'origin'),
        allowedOrigins: options.allowedOrigins,
        preflight,
      }),
    };
    request.response = response;
    const timing = timings.get(request);
    if (!preflight && timing && options.minResponseMs) {
      // An answer already past the floor shows Cognito's own latency: counted, so that an
      // operator can see when the floor is too low for the pool's real latencies.
      if (preciseNow() - timing.startedAt > options.minResponseMs) {
        options.metrics.addMetric('FloorExceeded', MetricUnit.Count, 1);
      }
      await holdToFloor(timing, options.minResponseMs);
    }
  };

  return {
    name: 'httpResponder',
    before: (request) => {
      const startedAt = preciseNow();
      timings.set(request, { startedAt, deadline: deadlineOf(request.context, startedAt) });
    },
    after: async (request) => {
      await finish(request, request.response ?? { statusCode: 204, body: '' });
    },
    onError: async (request) => {
      const problem = toProblemError(request.error);
      logProblem(options.logger, problem);
      recordProblem(options.metrics, problem);
      // What the tracer and any later middleware see: the sanitised error, not the original.
      request.error = problem;
      await finish(request, problemResponse(problem, request.context.awsRequestId));
    },
  };
}

/**
 * The API Gateway answer for a problem: body from the catalogue, `Retry-After` on the codes that
 * invite a retry, `Allow` on 405. Nothing of the upstream error reaches it.
 *
 * @example
 * problemResponse(new ProblemError('SERVICE_UNAVAILABLE'), requestId).headers // { 'Content-Type': ..., 'Retry-After': '2' }
 */
export function problemResponse(problem: ProblemError, requestId: string): APIGatewayProxyResult {
  const headers: Record<string, string> = { 'Content-Type': PROBLEM_CONTENT_TYPE };
  if (problem.code === 'TOO_MANY_REQUESTS' || problem.code === 'SERVICE_UNAVAILABLE') {
    headers['Retry-After'] = String(problem.retryAfterSeconds ?? RETRY_AFTER_SECONDS[problem.code]);
  }
  if (problem.code === 'METHOD_NOT_ALLOWED') headers.Allow = 'POST, OPTIONS';
  return {
    statusCode: PROBLEM_CATALOG[problem.code].status,
    headers,
    body: JSON.stringify(
      problemDocument(problem.code, requestId, {
        ...(problem.detail !== undefined ? { detail: problem.detail } : {}),
        ...(problem.errors !== undefined ? { errors: problem.errors } : {}),
      }),
    ),
  };
}

/**
 * Anything that is not already a {@link ProblemError} is a fault of ours: `INTERNAL`. A
 * configuration fault keeps its reason for the log (which setting is wrong; its messages are
 * written by this code and never hold a value).
 */
function toProblemError(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof ConfigurationError) {
    return new ProblemError('INTERNAL', { upstream: error.name, reason: error.message });
  }
  return new ProblemError('INTERNAL', { upstream: errorName(error) });
}

function logProblem(logger: Logger, problem: ProblemError): void {
  const status = PROBLEM_CATALOG[problem.code].status;
  const fields = {
    problem: problem.code,
    status,
    ...(problem.upstream ? { upstream: problem.upstream } : {}),
    ...(problem.reason ? { reason: problem.reason } : {}),
  };
  if (status >= 500) logger.error('Request failed', fields);
  else logger.info('Request rejected', fields);
}

/** One `Problem` count with dimensions exactly `[service, code]` (what the alarms select on). */
function recordProblem(metrics: Metrics, problem: ProblemError): void {
  const single = metrics.singleMetric();
  single.addDimension('code', problem.code);
  single.addMetric('Problem', MetricUnit.Count, 1);
}

/**
 * Epoch milliseconds with sub-millisecond precision. `Date.now()` truncates to whole
 * milliseconds, which alone could let an answer leave up to 1 ms before the floor.
 */
function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Waits out {@link floorDelayMs}. Node's timers run on a loop clock truncated to whole
 * milliseconds and may fire a fraction of a millisecond early, so the wait re-checks the clock
 * until the target has really passed: the floor is a lower bound, not an approximation.
 */
async function holdToFloor(timing: Timing, minResponseMs: number): Promise<void> {
  const now = preciseNow();
  const until =
    now +
    floorDelayMs({
      ...timing,
      minResponseMs,
      now,
      random: (maxInclusive) => randomInt(0, maxInclusive + 1),
    });
  for (let left = until - now; left > 0; left = until - preciseNow()) {
    await sleep(Math.ceil(left));
  }
}

/** What {@link floorDelayMs} needs, clock and randomness included, so that it stays pure. */
export interface FloorInput {
  /** Epoch ms at which the request arrived. */
  readonly startedAt: number;
  /** Epoch ms of the function's deadline. */
  readonly deadline: number;
  /** The floor; `0` switches the floor and its jitter off. */
  readonly minResponseMs: number;
  /** Epoch ms now, when the answer is ready. */
  readonly now: number;
  /** A uniform random integer in `[0, maxInclusive]`. */
  readonly random: (maxInclusive: number) => number;
}

/**
 * How long to hold a ready answer (contract section 3): until `startedAt + floor + jitter`
 * (jitter 0-50 ms), so that fast and slow outcomes leave at the same time, but never later than
 * {@link FLOOR_DEADLINE_MARGIN_MS} before the deadline, and nothing at all when the floor is `0`.
 *
 * @example
 * floorDelayMs({ startedAt: 0, deadline: 10_000, minResponseMs: 400, now: 100, random: () => 50 }) // 350
 */
export function floorDelayMs(input: FloorInput): number {
  if (input.minResponseMs <= 0) return 0;
  const target = input.startedAt + input.minResponseMs + input.random(FLOOR_JITTER_MS);
  const latest = input.deadline - FLOOR_DEADLINE_MARGIN_MS;
  return Math.max(0, Math.min(target, latest) - input.now);
}
