/**
 * One logger and one metrics emitter per function, created once per container. Every function of
 * the product reports under the same CloudWatch namespace with its own `service` dimension, which
 * is exactly what the stack's alarms select on.
 *
 * There is deliberately no Powertools Tracer: it pulls in aws-xray-sdk-core, measured by
 * `npm run bench` at ~123 KB of bundle, 25-52 ms of every cold first request and 0.25-0.43 ms of
 * warm p50, and it records AWS error messages (which can echo a submitted value) in traces. The
 * stack turns on Lambda active tracing instead, which traces each invocation and its init phase.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** CloudWatch namespace of every metric the product emits (contract section 5). */
export const METRICS_NAMESPACE = 'CognitoPasswordReset';

/** The `service` dimension value of each function (contract section 5). */
export type ServiceName =
  | 'forgot-password'
  | 'confirm-forgot-password'
  | 'post-confirmation'
  | 'deliver-after-reset'
  | 'custom-message';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Builds the Powertools logger and metrics for one function, once per container, so that every function reports
 * under the same namespace with its own `service` dimension. Event logging is not decided here:
 * it is forced off by the shared middleware options (`loggingMiddlewares` in
 * `powertools-middleware.ts`) that every stack uses.
 *
 * @example
 * export const { logger, metrics } = createObservability('forgot-password');
 */
export function createObservability(serviceName: ServiceName): Observability {
  const logger = new Logger({ serviceName, logLevel: logLevelFromEnv() });
  return {
    logger,
    // Powertools' own metric warnings go through the structured logger, at its level.
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName, logger }),
  };
}

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** Powertools' own level names; anything else (a typo) falls back to `INFO` rather than failing. */
function logLevelFromEnv(): LogLevel {
  const level = (process.env.POWERTOOLS_LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO')
    .trim()
    .toUpperCase();
  return (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : 'INFO';
}
