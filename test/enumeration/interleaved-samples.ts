/**
 * Answer times of an existing and an unknown user, measured the same way by every timing test:
 * a warm-up of both, then both groups shuffled together and called by concurrent workers, so
 * that any drift of a busy machine hits both groups alike.
 */
import { expect } from 'vitest';
import { now } from '../support/lambda-context';

/** Answer times (ms) per group. */
export interface GroupSamples {
  readonly existing: number[];
  readonly unknown: number[];
}

/** How to sample. */
export interface SampleOptions {
  /** Calls the handler for `username`; its answer's status is checked on every timed call. */
  readonly call: (username: string) => Promise<{ readonly statusCode: number }>;
  readonly existing: string;
  readonly unknown: string;
  readonly expectedStatus: number;
  readonly samplesPerGroup: number;
  readonly concurrency: number;
  /** Untimed calls first, alternating between the groups (the container's own warm-up). */
  readonly warmUps: number;
}

/**
 * Samples both groups, interleaved at random.
 *
 * @example
 * const samples = await sampleInterleaved({ call, existing, unknown, expectedStatus: 202, samplesPerGroup: 200, concurrency: 8, warmUps: 10 });
 */
export async function sampleInterleaved(options: SampleOptions): Promise<GroupSamples> {
  const { call, existing, unknown } = options;
  for (let warm = 0; warm < options.warmUps; warm += 1) {
    await call(warm % 2 ? existing : unknown);
  }
  const order = [
    ...Array<string>(options.samplesPerGroup).fill(existing),
    ...Array<string>(options.samplesPerGroup).fill(unknown),
  ].sort(() => Math.random() - 0.5);
  const samples: GroupSamples = { existing: [], unknown: [] };
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      const username = order[next] as string;
      next += 1;
      const started = now();
      const result = await call(username);
      const elapsed = now() - started;
      expect(result.statusCode).toBe(options.expectedStatus);
      (username === existing ? samples.existing : samples.unknown).push(elapsed);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return samples;
}
