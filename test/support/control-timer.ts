/**
 * Wall-clock bounds that hold on a busy machine. "Answers within its budget" measures the code
 * under test plus the machine's scheduling: when other work keeps the cores busy, every timer of
 * this process fires late, the code's own deadlines included. A control timer set for the budget
 * at the same instant is late by the same amount, so bounding the code's overrun past the control
 * keeps what the bound proves (the code gave up at its own deadline and did not wait for a hung
 * call) without depending on how busy the machine is.
 */

/** What {@link againstControlTimer} measured. */
export interface ControlledTiming<T> {
  readonly result: T;
  /** Wall time the code under test took. */
  readonly elapsedMs: number;
  /** Wall time a timer set for the budget took to fire (the budget plus this process's lateness). */
  readonly controlMs: number;
  /** How much longer than the control the code took (negative: it finished first). */
  readonly overrunMs: number;
}

/**
 * Runs `run` beside a control timer of `budgetMs` started at the same instant, and waits for both.
 *
 * @example
 * const { overrunMs } = await againstControlTimer(BUDGET.totalMs, () => handler(event, context));
 * expect(overrunMs).toBeLessThan(150);
 */
export async function againstControlTimer<T>(
  budgetMs: number,
  run: () => Promise<T>,
): Promise<ControlledTiming<T>> {
  const started = performance.now();
  const control = new Promise<number>((resolve) => {
    setTimeout(() => resolve(performance.now() - started), budgetMs);
  });
  const result = await run();
  const elapsedMs = performance.now() - started;
  const controlMs = await control;
  return { result, elapsedMs, controlMs, overrunMs: elapsedMs - controlMs };
}
