/**
 * The Logger and Metrics middleware options, in one place for every function of the product
 * (both API handlers and the trigger), so that a safety setting cannot be set in one stack and
 * forgotten in another.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';

/** The two middlewares, in the order the Powertools docs give: logger before metrics. */
export type LoggingMiddlewares = readonly [
  ReturnType<typeof injectLambdaContext>,
  ReturnType<typeof logMetrics>,
];

/**
 * The logger and metrics middlewares with the product's fixed options:
 * - `logEvent: false`, which wins over `POWERTOOLS_LOGGER_LOG_EVENT=true`: an API event holds
 *   the password and the code, a trigger event the user name and email address;
 * - `resetKeys: true`, so keys appended for one invocation (the trigger's `sub`) never leak into
 *   the next;
 * - the cold-start metric (contract section 5).
 *
 * @example
 * middy(handler).use(captureLambdaHandler(tracer)).use([...loggingMiddlewares({ logger, metrics })]);
 */
export function loggingMiddlewares(observability: {
  readonly logger: Logger;
  readonly metrics: Metrics;
}): LoggingMiddlewares {
  return [
    injectLambdaContext(observability.logger, { resetKeys: true, logEvent: false }),
    logMetrics(observability.metrics, { captureColdStartMetric: true }),
  ];
}
