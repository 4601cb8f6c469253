/**
 * A fast-check reporter that keeps failures readable: hostile events can be 16 KiB of brackets,
 * so the counterexample is cut, and the seed and path are given to replay it.
 */
import type { RunDetails } from 'fast-check';

/**
 * @example
 * await fc.assert(property, { numRuns, reporter: compactReporter });
 */
export function compactReporter<Ts>(details: RunDetails<Ts>): void {
  if (!details.failed) return;
  const example = JSON.stringify(details.counterexample) ?? 'undefined';
  const cut =
    example.length > 1_500 ? `${example.slice(0, 1_500)}... (${example.length} chars)` : example;
  const cause =
    details.errorInstance instanceof Error
      ? details.errorInstance.message
      : String(details.errorInstance);
  throw new Error(
    `Property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}")\n` +
      `Counterexample: ${cut}\nCause: ${cause.slice(0, 3_000)}`,
  );
}
