/**
 * One Lambda "container": a worker thread that imports a handler module from its TypeScript
 * source once (the init phase, with the function's own environment) and then runs one
 * invocation at a time, with a Lambda-like context whose clock runs to the deadline.
 */
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { heapAfterFullGc } from './memory-report';

/** What the pool passes to a new container. */
export interface WorkerInit {
  readonly modulePath: string;
  readonly functionName: string;
  readonly region: string;
  readonly accountId: string;
  readonly memoryLimitInMB: number;
}

/** One invocation sent to the container. */
export interface InvocationRequest {
  readonly type: 'invoke';
  readonly id: number;
  readonly event: unknown;
  readonly awsRequestId: string;
  readonly deadline: number;
}

/** A request for the container's heap size after a full garbage collection (leak checks). */
export interface MemoryRequest {
  readonly type: 'memory';
  readonly id: number;
}

/** Messages the container sends back. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'memory'; readonly id: number; readonly heapUsedBytes: number }
  | { readonly type: 'init-error'; readonly errorType: string; readonly errorMessage: string }
  | { readonly type: 'result'; readonly id: number; readonly payload: unknown }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly errorType: string;
      readonly errorMessage: string;
    };

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

function describe(error: unknown): { errorType: string; errorMessage: string } {
  return error instanceof Error
    ? { errorType: error.name, errorMessage: error.message }
    : { errorType: 'Error', errorMessage: String(error) };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('lambda-worker must run in a worker thread');
  const init = workerData as WorkerInit;
  let handler: Handler;
  try {
    const module = (await import(pathToFileURL(init.modulePath).href)) as { handler?: unknown };
    if (typeof module.handler !== 'function') {
      throw new Error(`${init.modulePath} does not export a function named handler`);
    }
    handler = module.handler as Handler;
  } catch (error) {
    const { errorMessage } = describe(error);
    port.postMessage({
      type: 'init-error',
      errorType: 'Runtime.ImportModuleError',
      errorMessage,
    } satisfies WorkerMessage);
    return;
  }
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);

  port.on('message', async (request: InvocationRequest | MemoryRequest) => {
    if (request.type === 'memory') {
      port.postMessage({
        type: 'memory',
        id: request.id,
        heapUsedBytes: heapAfterFullGc(),
      } satisfies WorkerMessage);
      return;
    }
    const context = {
      functionName: init.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${init.region}:${init.accountId}:function:${init.functionName}`,
      memoryLimitInMB: String(init.memoryLimitInMB),
      awsRequestId: request.awsRequestId,
      logGroupName: `/aws/lambda/${init.functionName}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, request.deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    try {
      const payload = await handler(request.event, context);
      port.postMessage({ type: 'result', id: request.id, payload } satisfies WorkerMessage);
    } catch (error) {
      port.postMessage({
        type: 'error',
        id: request.id,
        ...describe(error),
      } satisfies WorkerMessage);
    }
  });
}

await main();
