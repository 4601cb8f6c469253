/**
 * Experiment shim for `@aws-lambda-powertools/tracer`: the same API surface the product uses,
 * doing nothing, so that a build aliased to it prices exactly what dropping the Powertools Tracer
 * (and aws-xray-sdk-core with it) in favour of Lambda's active tracing would save. Bench-only:
 * never part of a deployed bundle.
 */
export class Tracer {
  /** Returns the client unchanged: no X-Ray subsegments around SDK calls. */
  captureAWSv3Client<T>(client: T): T {
    return client;
  }

  isTracingEnabled(): boolean {
    return false;
  }
}
