/** Experiment shim for `@aws-lambda-powertools/tracer/middleware`: a middy middleware that does nothing. */
export function captureLambdaHandler(_tracer: unknown, _options?: unknown): { before: () => void } {
  return { before: () => undefined };
}
