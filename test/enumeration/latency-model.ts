/**
 * The latency model of a forgot request (issue 15): Cognito runs the CustomMessage trigger only
 * for a user that exists, so an existing user's ForgotPassword also waits for the trigger, cold
 * (a new Lambda sandbox, then our module's init and first invocation) or warm. The trigger's own
 * figures are measured by `npm run bench` (variant `message`); Cognito's and the Lambda
 * platform's are assumptions this repository cannot measure without an AWS account, stated here
 * in one place.
 */

/** `npm run bench`, variant `message` (dist/lambda/custom-message/index.mjs), medians. */
export const MEASURED_TRIGGER = {
  source: 'npm run bench, 2026-12-07, 2 x AMD EPYC (linux x64), Node v24.21.0, 25 cold runs',
  /** Module load of the bundle in a fresh process. */
  coldInitMs: 17.06,
  /** Module load plus the first invocation, in a fresh process. */
  coldFirstRequestMs: 22.25,
  warmP50Ms: 0.05,
  warmP99Ms: 0.4,
} as const;

/** A range `[low, high]` drawn uniformly, in ms. */
export type Range = readonly [number, number];

/** What the repository cannot measure (no AWS account): deliberately on the slow side. */
export const ASSUMED = {
  /** Cognito's ForgotPassword for an unknown user (PreventUserExistenceErrors simulates). */
  cognitoUnknownMs: [80, 180] as Range,
  /** Cognito's ForgotPassword for an existing user, without any trigger: the code and the send. */
  cognitoExistingMs: [120, 300] as Range,
  /** Cognito invoking a warm trigger synchronously: the Lambda Invoke round trip. */
  warmInvokeMs: [5, 20] as Range,
  /**
   * The Lambda platform's part of a cold start before our module loads (a new sandbox and the
   * nodejs24.x runtime's start, arm64, 1024 MB), beside the invoke round trip.
   */
  sandboxStartMs: [150, 300] as Range,
} as const;

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * A deterministic generator (mulberry32), so that a model run is reproducible.
 *
 * @example
 * const random = seeded(15); random() // the same first number on every run
 */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function between(random: Random, [low, high]: Range): number {
  return low + random() * (high - low);
}

/** The trigger's part of an existing user's ForgotPassword, cold or warm. */
export function triggerMs(random: Random, cold: boolean, scale = 1): number {
  const own = cold
    ? between(random, ASSUMED.sandboxStartMs) + MEASURED_TRIGGER.coldFirstRequestMs
    : MEASURED_TRIGGER.warmP50Ms +
      random() * (MEASURED_TRIGGER.warmP99Ms - MEASURED_TRIGGER.warmP50Ms);
  return scale * (between(random, ASSUMED.warmInvokeMs) + own);
}

/**
 * How long Cognito takes to answer ForgotPassword for one request: an unknown user's simulation,
 * or an existing user's work plus the trigger (cold with probability `coldShare`).
 *
 * @example
 * cognitoForgotMs(seeded(1), { existing: true, coldShare: 1 })
 */
export function cognitoForgotMs(
  random: Random,
  options: { readonly existing: boolean; readonly coldShare: number; readonly scale?: number },
): number {
  const scale = options.scale ?? 1;
  if (!options.existing) return scale * between(random, ASSUMED.cognitoUnknownMs);
  const cold = random() < options.coldShare;
  return scale * between(random, ASSUMED.cognitoExistingMs) + triggerMs(random, cold, scale);
}

/** The slowest an existing user's ForgotPassword can be in the model: every range at its top. */
export function slowestExistingMs(): number {
  return (
    ASSUMED.cognitoExistingMs[1] +
    ASSUMED.warmInvokeMs[1] +
    ASSUMED.sandboxStartMs[1] +
    MEASURED_TRIGGER.coldFirstRequestMs
  );
}
