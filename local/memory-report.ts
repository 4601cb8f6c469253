/**
 * What the local stack keeps in memory, for leak checks under load (`GET /memory` on the
 * services endpoint): the process's resident size, and the memory in use (JS heap plus external
 * Buffers) after a full garbage collection of the main thread and of every running function
 * container. The resident size mostly
 * shows how far V8 chose to grow its heaps; the collected heaps are what the stack really keeps
 * from one request to the next, so a per-request leak shows there as steady growth.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { LambdaFunction } from './lambda-function';

/** The stack's memory, in bytes. */
export interface MemoryReport {
  readonly rssBytes: number;
  /** Main thread (gateway, emulators, local services), after a full collection. */
  readonly mainHeapBytes: number;
  /** Each function's running containers, after a full collection each. */
  readonly containerHeapBytes: Readonly<Record<string, readonly number[]>>;
  /** The sum of all collected heaps. */
  readonly totalHeapBytes: number;
}

let collectGarbage: (() => void) | undefined;

/**
 * Forces a full collection of this thread's heap and returns what is still in use: the JS heap
 * plus the external memory it holds (Buffers), so a leak of either shows.
 */
export function heapAfterFullGc(): number {
  if (!collectGarbage) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

/** Measures the stack: every heap collected, then the resident size. */
export async function memoryReport(
  functions: ReadonlyMap<string, LambdaFunction>,
): Promise<MemoryReport> {
  const containerHeapBytes: Record<string, readonly number[]> = {};
  for (const [name, fn] of functions) containerHeapBytes[name] = await fn.heapsAfterGc();
  const mainHeapBytes = heapAfterFullGc();
  const totalHeapBytes =
    mainHeapBytes +
    Object.values(containerHeapBytes)
      .flat()
      .reduce((sum, bytes) => sum + bytes, 0);
  return {
    rssBytes: process.memoryUsage.rss(),
    mainHeapBytes,
    containerHeapBytes,
    totalHeapBytes,
  };
}
