/**
 * A local Lambda function: a pool of worker-thread containers running the handler from its
 * TypeScript source. Like Lambda, each container serves one invocation at a time, new ones are
 * started (cold) when all are busy, and a container that passes its timeout is thrown away.
 *
 * Why worker threads: each gets its own copy of `process.env` (the handlers read their
 * configuration at module load, and the three functions need different values), a separate
 * module graph (cold start and module state as on Lambda), and they cannot outlive the stack
 * process, so nothing is ever left running.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { InvocationRequest, MemoryRequest, WorkerInit, WorkerMessage } from './lambda-worker';

/** How a local function is configured. */
export interface LambdaFunctionOptions {
  readonly name: string;
  readonly modulePath: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxConcurrency: number;
  readonly region: string;
  readonly accountId: string;
  /** Receives each line the function writes (its structured logs). */
  readonly log: (line: string) => void;
  /** Called after each invocation ends, whatever its outcome. */
  readonly afterInvoke?: (outcome: InvokeOutcome) => void;
}

/** The outcome of one invocation, as Lambda's Invoke API reports it. */
export type InvokeOutcome =
  | { readonly ok: true; readonly payload: unknown; readonly awsRequestId: string }
  | {
      readonly ok: false;
      readonly errorType: string;
      readonly errorMessage: string;
      readonly timedOut: boolean;
      readonly awsRequestId: string;
    };

interface Container {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly memoryReplies: Map<number, (heapUsedBytes: number) => void>;
  busy: boolean;
  /** When it last finished an invocation (or started), for reclaiming idle containers. */
  idleSince: number;
  current?: {
    readonly id: number;
    readonly awsRequestId: string;
    readonly settle: (outcome: InvokeOutcome) => void;
  };
}

const WORKER_URL = new URL('./lambda-worker.ts', import.meta.url);
/** The functions' memory setting (the CDK stack's), also each container's old-generation cap. */
const MEMORY_LIMIT_MB = 256;
/** An extra container idle this long is reclaimed (Lambda takes minutes; locally memory matters more). */
const IDLE_CONTAINER_MS = 30_000;
const REAP_EVERY_MS = 5_000;
/** V8's nursery per container: 4 MiB keeps throughput and spares ~40 MiB per busy container. */
const YOUNG_GENERATION_MB = 4;

/** One function of the product, run locally. */
export class LambdaFunction {
  private readonly containers = new Set<Container>();
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private stopped = false;
  private readonly reaper: NodeJS.Timeout;

  constructor(readonly options: LambdaFunctionOptions) {
    // As Lambda reclaims idle execution environments: after a burst, the extra containers go
    // (one stays warm), so the stack's memory returns to its idle size.
    this.reaper = setInterval(() => this.reclaimIdle(), REAP_EVERY_MS);
    this.reaper.unref();
  }

  /** Starts one container and waits for its init, so a broken handler fails the stack's start. */
  async warm(): Promise<void> {
    const container = this.startContainer();
    await container.ready;
  }

  /** Invokes the function with `event`; never rejects: failures come back as outcomes. */
  async invoke(event: unknown, awsRequestId: string = randomUUID()): Promise<InvokeOutcome> {
    const container = await this.acquire();
    if (!container) {
      return this.failure(awsRequestId, 'ServiceException', 'The local stack is stopping.', false);
    }
    try {
      await container.ready;
    } catch (error) {
      return this.failure(
        awsRequestId,
        'Runtime.ImportModuleError',
        error instanceof Error ? error.message : String(error),
        false,
      );
    }
    return new Promise<InvokeOutcome>((resolve) => {
      const id = this.nextId++;
      const deadline = Date.now() + this.options.timeoutMs;
      const timer = setTimeout(() => {
        this.discard(container);
        settle(
          this.failure(
            awsRequestId,
            'Sandbox.Timedout',
            `Task timed out after ${(this.options.timeoutMs / 1000).toFixed(2)} seconds`,
            true,
          ),
        );
      }, this.options.timeoutMs);
      const settle = (outcome: InvokeOutcome): void => {
        clearTimeout(timer);
        if (container.current?.id !== id) return;
        container.current = undefined;
        container.busy = false;
        container.idleSince = Date.now();
        this.release();
        resolve(outcome);
        this.options.afterInvoke?.(outcome);
      };
      container.current = { id, awsRequestId, settle };
      const request: InvocationRequest = { type: 'invoke', id, event, awsRequestId, deadline };
      container.worker.postMessage(request);
    });
  }

  /**
   * Each running container's heap after a full garbage collection, in bytes: what it keeps from
   * one invocation to the next (a leak check's measure; the resident size mostly reflects how
   * large V8 chose to grow the heaps). A container that does not answer within a second counts
   * as unknown and is left out.
   */
  async heapsAfterGc(): Promise<number[]> {
    const sizes = await Promise.all(
      [...this.containers].map(async (container) => {
        try {
          await container.ready;
        } catch {
          return undefined;
        }
        const id = this.nextId++;
        return new Promise<number | undefined>((resolve) => {
          const timer = setTimeout(() => {
            container.memoryReplies.delete(id);
            resolve(undefined);
          }, 1_000);
          container.memoryReplies.set(id, (bytes) => {
            clearTimeout(timer);
            container.memoryReplies.delete(id);
            resolve(bytes);
          });
          container.worker.postMessage({ type: 'memory', id } satisfies MemoryRequest);
        });
      }),
    );
    return sizes.filter((size): size is number => size !== undefined);
  }

  /** Stops every container. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.reaper);
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all([...this.containers].map((container) => this.discard(container)));
  }

  private failure(
    awsRequestId: string,
    errorType: string,
    errorMessage: string,
    timedOut: boolean,
  ): InvokeOutcome {
    return { ok: false, errorType, errorMessage, timedOut, awsRequestId };
  }

  private async acquire(): Promise<Container | undefined> {
    while (!this.stopped) {
      const idle = [...this.containers].find((container) => !container.busy);
      const container =
        idle ??
        (this.containers.size < this.options.maxConcurrency ? this.startContainer() : undefined);
      if (container) {
        container.busy = true;
        return container;
      }
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
    return undefined;
  }

  private reclaimIdle(): void {
    const cutoff = Date.now() - IDLE_CONTAINER_MS;
    for (const container of this.containers) {
      if (this.containers.size <= 1) return;
      if (!container.busy && container.idleSince < cutoff) void this.discard(container);
    }
  }

  private release(): void {
    this.waiting.shift()?.();
  }

  private startContainer(): Container {
    const init: WorkerInit = {
      modulePath: this.options.modulePath,
      functionName: this.options.name,
      region: this.options.region,
      accountId: this.options.accountId,
      memoryLimitInMB: MEMORY_LIMIT_MB,
    };
    const worker = new Worker(WORKER_URL, {
      workerData: init,
      env: { ...this.options.environment },
      stdout: true,
      stderr: true,
      // Lambda's memory setting bounds the heap; a small young generation keeps a dozen
      // containers from each growing tens of MiB of nursery under load (RSS, not a leak).
      resourceLimits: {
        maxOldGenerationSizeMb: MEMORY_LIMIT_MB,
        maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
      },
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
        this.options.log(line),
      );
    }
    let markReady: () => void = () => undefined;
    let failInit: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failInit = reject;
    });
    ready.catch(() => undefined);
    const container: Container = {
      worker,
      ready,
      memoryReplies: new Map(),
      busy: false,
      idleSince: Date.now(),
    };
    this.containers.add(container);

    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'ready':
          markReady();
          return;
        case 'memory':
          container.memoryReplies.get(message.id)?.(message.heapUsedBytes);
          return;
        case 'init-error':
          failInit(new Error(`${message.errorType}: ${message.errorMessage}`));
          this.discard(container);
          return;
        case 'result':
          if (container.current?.id === message.id) {
            container.current.settle({
              ok: true,
              payload: message.payload,
              awsRequestId: container.current.awsRequestId,
            });
          }
          return;
        case 'error':
          if (container.current?.id === message.id) {
            container.current.settle(
              this.failure(
                container.current.awsRequestId,
                message.errorType,
                message.errorMessage,
                false,
              ),
            );
          }
          return;
      }
    });
    const crash = (reason: string): void => {
      failInit(new Error(reason));
      const current = container.current;
      this.discard(container);
      current?.settle(this.failure(current.awsRequestId, 'Runtime.ExitError', reason, false));
    };
    worker.on('error', (error) => crash(`${error.name}: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.containers.has(container)) crash(`Runtime exited with status ${code}`);
    });
    return container;
  }

  private async discard(container: Container): Promise<void> {
    if (!this.containers.delete(container)) return;
    container.busy = true;
    this.release();
    await container.worker.terminate().catch(() => undefined);
  }
}
