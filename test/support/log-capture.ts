/**
 * Captures everything a handler writes: `process.stdout`/`process.stderr` (where Powertools'
 * logger and EMF metrics write) and the global `console` (which vitest redirects). Output is kept
 * out of the test report; tests scan it for values that must never be logged. With
 * `keep: false` it is discarded instead (memory measurements must not hold on to it).
 */

export interface LogCapture {
  /** Every chunk written since the capture started (or was last cleared), in order. */
  readonly text: () => string;
  /** The JSON log lines (Powertools log records and EMF documents). */
  readonly records: () => Record<string, unknown>[];
  readonly clear: () => void;
  readonly restore: () => void;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * @example
 * const logs = captureLogs();
 * await handler(event, context);
 * expect(logs.text()).not.toContain(password);
 * logs.restore();
 */
export function captureLogs(options: { keep?: boolean } = {}): LogCapture {
  const keep = options.keep ?? true;
  const chunks: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const consoleOriginals = CONSOLE_METHODS.map((method) => console[method]);
  const sink = (chunk: unknown): boolean => {
    if (!keep) return true;
    chunks.push(
      typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
    );
    return true;
  };
  process.stdout.write = sink as typeof process.stdout.write;
  process.stderr.write = sink as typeof process.stderr.write;
  for (const method of CONSOLE_METHODS) {
    console[method] = (...args: unknown[]) => {
      if (!keep) return;
      chunks.push(
        `${args.map((arg) => (typeof arg === 'string' ? arg : safeStringify(arg))).join(' ')}\n`,
      );
    };
  }
  return {
    text: () => chunks.join(''),
    records: () =>
      chunks
        .join('')
        .split('\n')
        .flatMap((line) => {
          try {
            const parsed: unknown = JSON.parse(line);
            return typeof parsed === 'object' && parsed !== null
              ? [parsed as Record<string, unknown>]
              : [];
          } catch {
            return [];
          }
        }),
    clear: () => {
      chunks.length = 0;
    },
    restore: () => {
      process.stdout.write = stdoutWrite;
      process.stderr.write = stderrWrite;
      CONSOLE_METHODS.forEach((method, index) => {
        console[method] = consoleOriginals[index] as (typeof console)[typeof method];
      });
    },
  };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * EMF metric names emitted in the captured output with a non-zero value, e.g.
 * `['Problem', 'ColdStart']` (a function may publish a failure counter as 0 on success).
 */
export function emittedMetrics(records: readonly Record<string, unknown>[]): string[] {
  const names: string[] = [];
  for (const record of records) {
    const aws = record._aws as
      | { CloudWatchMetrics?: { Metrics?: { Name: string }[] }[] }
      | undefined;
    for (const directive of aws?.CloudWatchMetrics ?? []) {
      for (const metric of directive.Metrics ?? []) {
        const value = record[metric.Name];
        const values = Array.isArray(value) ? value : [value];
        if (values.some((entry) => typeof entry === 'number' && entry !== 0))
          names.push(metric.Name);
      }
    }
  }
  return names;
}
