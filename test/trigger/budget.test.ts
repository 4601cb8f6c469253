/** The time budget: each call's own deadline inside one overall deadline. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EffectTimeoutError, withTimeout } from '../../lambda/after-reset/with-timeout';
import { Deadline } from '../../lambda/post-confirmation/budget';

describe('Deadline', () => {
  it.each([
    { case: 'the budget when the function has more time', remaining: 4_500, expected: 3_000 },
    { case: "the function's remaining time when shorter", remaining: 1_200, expected: 1_200 },
    {
      case: 'the budget when the remaining time is unknown',
      remaining: undefined,
      expected: 3_000,
    },
  ])('ends at $case', ({ remaining, expected }) => {
    const clock = { now: 10_000 };
    const deadline = new Deadline(10_000, 3_000, remaining, () => clock.now);
    expect(deadline.remaining()).toBe(expected);
  });

  it('counts down from the start, never below zero', () => {
    const clock = { now: 10_000 };
    const deadline = new Deadline(10_000, 3_000, undefined, () => clock.now);
    clock.now = 12_000;
    expect(deadline.remaining()).toBe(1_000);
    clock.now = 20_000;
    expect(deadline.remaining()).toBe(0);
  });

  it.each([
    { case: 'the call limit', elapsed: 0, max: 1_800, reserve: 1_200, expected: 1_800 },
    {
      case: 'what is left after the reserve',
      elapsed: 500,
      max: 1_800,
      reserve: 1_200,
      expected: 1_300,
    },
    {
      case: 'nothing once the reserve is reached',
      elapsed: 2_000,
      max: 1_800,
      reserve: 1_200,
      expected: 0,
    },
    { case: 'the rest without a reserve', elapsed: 2_000, max: 1_200, reserve: 0, expected: 1_000 },
  ])('gives a call $case', ({ elapsed, max, reserve, expected }) => {
    const clock = { now: 0 };
    const deadline = new Deadline(0, 3_000, undefined, () => clock.now);
    clock.now = elapsed;
    expect(deadline.slice(max, reserve)).toBe(expected);
  });
});

describe('withTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes the result through when the operation answers in time', async () => {
    await expect(withTimeout(100, async () => 'done')).resolves.toBe('done');
  });

  it('passes the error through when the operation fails in time', async () => {
    await expect(withTimeout(100, () => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
  });

  it('rejects with EffectTimeoutError at the deadline even if the operation ignores the signal', async () => {
    const result = withTimeout(100, () => new Promise(() => undefined));
    const assertion = expect(result).rejects.toBeInstanceOf(EffectTimeoutError);
    await vi.advanceTimersByTimeAsync(99);
    let settled = false;
    result
      .catch(() => undefined)
      .finally(() => {
        settled = true;
      });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await assertion;
  });

  it('aborts the signal at the deadline, so the SDK closes the connection', async () => {
    let signal: AbortSignal | undefined;
    const result = withTimeout(100, (s) => {
      signal = s;
      return new Promise(() => undefined);
    });
    result.catch(() => undefined);
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(EffectTimeoutError);
  });

  it('leaves no timer behind once settled', async () => {
    await withTimeout(100, async () => 'done');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('withTimeout with no time left', () => {
  it.each([0, -5])(
    'does not start the call with a slice of %i ms, and fails at once',
    async (ms) => {
      // Prepare
      const operation = vi.fn(async () => 'done');

      // Act
      const outcome = withTimeout(ms, operation);

      // Assess
      await expect(outcome).rejects.toBeInstanceOf(EffectTimeoutError);
      await expect(outcome).rejects.toMatchObject({ timeoutMs: 0 });
      expect(operation).not.toHaveBeenCalled();
    },
  );
});
