/**
 * Experiment shim for `@aws-lambda-powertools/metrics/middleware`: Powertools' `logMetrics`, except
 * that it flushes only when the invocation stored a metric. The stock middleware calls
 * `publishStoredMetrics()` after every invocation, which logs a WARN line ("No application
 * metrics to publish") whenever nothing was added: on every successful request of this product.
 * A build aliased to this shim prices that line; it is also the change recommended for
 * `lambda/shared/api-handler.ts`.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';

interface Request {
  readonly context: { readonly functionName?: string };
}

export function logMetrics(
  metrics: Metrics,
  options: { captureColdStartMetric?: boolean } = {},
): {
  before: (request: Request) => void;
  after: () => void;
  onError: () => void;
} {
  const flush = (): void => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return {
    before: (request) => {
      if (options.captureColdStartMetric)
        metrics.captureColdStartMetric(request.context.functionName);
    },
    after: flush,
    onError: flush,
  };
}
