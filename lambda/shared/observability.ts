/**
 * One logger, one metrics emitter and one tracer per function, created once per container.
 * Every function of the product reports under the same CloudWatch namespace with its own
 * `service` dimension, which is exactly what the stack's alarms select on.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** CloudWatch namespace of every metric the product emits (contract section 5). */
export const METRICS_NAMESPACE = 'CognitoPasswordReset';

/** The `service` dimension value of each function (contract section 5). */
export type ServiceName = 'forgot-password' | 'confirm-forgot-password' | 'post-confirmation';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
}

/**
 * Builds the Powertools trio for one function, once per container, so that every function reports
 * under the same namespace with its own `service` dimension. Event logging is not decided here:
 * it is forced off by the shared middleware options (`loggingMiddlewares` in
 * `powertools-middleware.ts`) that every stack uses.
 *
 * @example
 * export const { logger, metrics, tracer } = createObservability('forgot-password');
 */
export function createObservability(serviceName: ServiceName): Observability {
  const logger = new Logger({ serviceName, logLevel: logLevelFromEnv() });
  return {
    logger,
    // Powertools' own metric warnings go through the structured logger, at its level.
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName, logger }),
    tracer: new Tracer({ serviceName, captureHTTPsRequests: false }),
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
