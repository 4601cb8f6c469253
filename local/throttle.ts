/**
 * API Gateway's stage throttling, emulated per method as the deployed stage applies it
 * (`throttlingRateLimit` / `throttlingBurstLimit` on every method): a token bucket per method
 * holding up to `burstLimit` requests, refilled at `rateLimit` per second. A request that finds
 * the bucket empty is answered by the gateway itself with 429 `TOO_MANY_REQUESTS`, before any
 * function runs. The limits default to the CDK stack's context (`cdk.json`), so a burst that the
 * deployed API would throttle is throttled locally too.
 */
import { readFileSync } from 'node:fs';

/** Requests per second and burst size of one method; `undefined` when switched off. */
export interface ThrottleLimits {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** The CDK stack's defaults (`cdk.json` context `throttleRateLimit` / `throttleBurstLimit`). */
export const CDK_THROTTLE_DEFAULTS: ThrottleLimits = { rateLimit: 10, burstLimit: 20 };

/**
 * The throttle limits of the CDK context in a `cdk.json`, falling back to the stack's own
 * defaults when the file or a value is missing or not a positive whole number.
 */
export function cdkThrottleLimits(cdkJsonPath: string): ThrottleLimits {
  let context: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(readFileSync(cdkJsonPath, 'utf8')) as { context?: unknown };
    if (typeof parsed.context === 'object' && parsed.context !== null) {
      context = parsed.context as Record<string, unknown>;
    }
  } catch {
    // No readable cdk.json: the stack's defaults.
  }
  const positive = (value: unknown, fallback: number): number =>
    typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
  return {
    rateLimit: positive(context.throttleRateLimit, CDK_THROTTLE_DEFAULTS.rateLimit),
    burstLimit: positive(context.throttleBurstLimit, CDK_THROTTLE_DEFAULTS.burstLimit),
  };
}

/**
 * Token buckets, one per method key (e.g. `POST /password/forgot`). Pure apart from the clock,
 * which is injectable so the arithmetic is testable without waiting.
 *
 * @example
 * const throttle = new MethodThrottle({ rateLimit: 10, burstLimit: 20 });
 * throttle.take('POST /password/forgot') // true until 20 requests came faster than 10/s
 */
export class MethodThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly limits: ThrottleLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `method`; false when the bucket is empty (the request is throttled). */
  take(method: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(method) ?? { tokens: this.limits.burstLimit, at: now };
    bucket.tokens = Math.min(
      this.limits.burstLimit,
      bucket.tokens + ((now - bucket.at) / 1_000) * this.limits.rateLimit,
    );
    bucket.at = now;
    this.buckets.set(method, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
