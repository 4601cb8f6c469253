/**
 * Experiment shim for `@aws-lambda-powertools/logger` (and `/middleware`): a minimal structured
 * JSON logger with the API surface the product uses, doing the same per-line work (one JSON line
 * per entry with level, message, timestamp, service, Lambda context, X-Ray trace id). It prices
 * replacing Powertools Logger with a small in-house module. Bench-only.
 */
const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 };
type Level = keyof typeof LEVELS;

interface Context {
  readonly functionName?: string;
  readonly awsRequestId?: string;
  readonly invokedFunctionArn?: string;
  readonly memoryLimitInMB?: string | number;
}

export class Logger {
  readonly #service: string;
  readonly #threshold: number;
  #context: Record<string, unknown> = {};
  #keys: Record<string, unknown> = {};
  #coldStart = true;

  constructor(options: { serviceName?: string; logLevel?: string } = {}) {
    this.#service = options.serviceName ?? 'service_undefined';
    this.#threshold = LEVELS[(options.logLevel ?? 'INFO') as Level] ?? LEVELS.INFO;
  }

  addContext(context: Context): void {
    this.#context = {
      cold_start: this.#coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: context.memoryLimitInMB,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
    this.#coldStart = false;
  }

  appendKeys(keys: Record<string, unknown>): void {
    Object.assign(this.#keys, keys);
  }

  resetKeys(): void {
    this.#keys = {};
  }

  debug(message: string, ...extra: unknown[]): void {
    this.#log('DEBUG', message, extra);
  }
  info(message: string, ...extra: unknown[]): void {
    this.#log('INFO', message, extra);
  }
  warn(message: string, ...extra: unknown[]): void {
    this.#log('WARN', message, extra);
  }
  error(message: string, ...extra: unknown[]): void {
    this.#log('ERROR', message, extra);
  }

  #log(level: Level, message: string, extra: unknown[]): void {
    if (LEVELS[level] < this.#threshold) return;
    const entry: Record<string, unknown> = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.#service,
      ...this.#context,
      xray_trace_id: process.env._X_AMZN_TRACE_ID?.split(';')[0]?.slice(5),
      ...this.#keys,
    };
    for (const item of extra) {
      if (item instanceof Error) entry.error = { name: item.name, message: item.message };
      else if (typeof item === 'object' && item !== null) Object.assign(entry, item);
    }
    const line = `${JSON.stringify(entry)}\n`;
    if (LEVELS[level] >= LEVELS.WARN) process.stderr.write(line);
    else process.stdout.write(line);
  }
}

export function injectLambdaContext(
  logger: Logger,
  options: { resetKeys?: boolean } = {},
): { before: (request: { context: Context }) => void; after: () => void; onError: () => void } {
  const reset = (): void => {
    if (options.resetKeys) logger.resetKeys();
  };
  return {
    before: (request) => logger.addContext(request.context),
    after: reset,
    onError: reset,
  };
}
