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
 * Builds the Powertools trio for one function. Event logging stays off whatever the environment
 * says: a request body holds a password and a confirmation code.
 *
 * @example
 * export const { logger, metrics, tracer } = createObservability('forgot-password');
 */
export function createObservability(serviceName: ServiceName): Observability {
  return {
    logger: new Logger({ serviceName, logLevel: logLevelFromEnv() }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
    tracer: new Tracer({ serviceName, captureHTTPsRequests: false }),
  };
}

function logLevelFromEnv(): 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' {
  const level = (process.env.POWERTOOLS_LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO')
    .trim()
    .toUpperCase();
  return level === 'DEBUG' || level === 'WARN' || level === 'ERROR' ? level : 'INFO';
}
