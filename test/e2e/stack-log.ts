/**
 * The local stack's log printed beside a failed test, so that a failure explains itself (kept out
 * of `local-stack.ts`, which scripts outside vitest use too).
 */
import { afterEach } from 'vitest';
import type { TestStack } from './local-stack';

/** Prints the stack's log after every failed test of the file, so a failure explains itself. */
export function printLogOnFailure(stack: () => TestStack | undefined): void {
  afterEach((context) => {
    if (context.task.result?.state === 'fail') {
      process.stderr.write(
        `\n--- local stack log (${context.task.name}) ---\n${stack()?.log() ?? '(not started)'}\n`,
      );
    }
  });
}
