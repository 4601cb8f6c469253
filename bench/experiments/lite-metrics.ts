/**
 * Experiment shim for `@aws-lambda-powertools/metrics`: a minimal CloudWatch EMF writer with the
 * API surface the product uses (stored metrics published by the product's `flushStoredMetrics`
 * middleware, single metrics with their own dimension published at once, the cold-start metric).
 * It prices replacing Powertools Metrics with a small in-house module. Bench-only.
 */
export const MetricUnit = { Count: 'Count' } as const;

interface Emitted {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
}

function emf(
  namespace: string,
  dimensions: Record<string, string>,
  metrics: readonly Emitted[],
): string {
  const body: Record<string, unknown> = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: metrics.map((m) => ({ Name: m.name, Unit: m.unit })),
        },
      ],
    },
    ...dimensions,
  };
  for (const m of metrics) body[m.name] = m.value;
  return `${JSON.stringify(body)}\n`;
}

export class Metrics {
  readonly #namespace: string;
  readonly #dimensions: Record<string, string>;
  readonly #single: boolean;
  #stored: Emitted[] = [];
  #coldStart = true;

  constructor(
    options: { namespace?: string; serviceName?: string; logger?: unknown } = {},
    dimensions?: Record<string, string>,
    single = false,
  ) {
    this.#namespace = options.namespace ?? 'default';
    this.#dimensions = dimensions ?? { service: options.serviceName ?? 'service_undefined' };
    this.#single = single;
  }

  addDimension(name: string, value: string): void {
    this.#dimensions[name] = value;
  }

  addMetric(name: string, unit: string, value: number): void {
    this.#stored.push({ name, unit, value });
    if (this.#single) this.publishStoredMetrics();
  }

  singleMetric(): Metrics {
    return new Metrics({ namespace: this.#namespace }, { ...this.#dimensions }, true);
  }

  captureColdStartMetric(): void {
    if (!this.#coldStart) return;
    this.#coldStart = false;
    this.singleMetric().addMetric('ColdStart', MetricUnit.Count, 1);
  }

  hasStoredMetrics(): boolean {
    return this.#stored.length > 0;
  }

  publishStoredMetrics(): void {
    if (this.#stored.length === 0) return;
    process.stdout.write(emf(this.#namespace, this.#dimensions, this.#stored));
    this.#stored = [];
  }
}
