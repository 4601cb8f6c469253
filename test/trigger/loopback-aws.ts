/**
 * Minimal loopback stand-ins for the AWS JSON-protocol calls the trigger makes where no local
 * emulator exists (AdminUserGlobalSignOut, PutEvents): they record each request and either
 * answer or hang, and note when the client closes a hanging connection; and the local SQS
 * (the stack's own emulator) on a port of its own.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  maxReceiveCount,
  RETENTION_DAYS,
  RETRY_INTERVAL_SECONDS,
} from '../../infra/after-reset-retry';
import { AwsServiceError } from '../../local/aws-service-error';
import { LocalItemsTable } from '../../local/items-table';
import { LocalQueues } from '../../local/sqs';

export interface RecordedCall {
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
}

export interface LoopbackEndpoint {
  readonly url: string;
  readonly calls: RecordedCall[];
  /** Requests the client abandoned (connection closed) before an answer. */
  readonly abandoned: () => number;
  close(): Promise<void>;
}

/**
 * Starts an endpoint on 127.0.0.1 and a free port. `answer` gives the JSON body for a target,
 * or `'hang'` to never answer.
 */
export async function startJsonEndpoint(
  answer: (target: string) => Record<string, unknown> | 'hang',
): Promise<LoopbackEndpoint> {
  const calls: RecordedCall[] = [];
  let abandoned = 0;
  const server: Server = createServer(async (req, res) => {
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    const target = String(req.headers['x-amz-target'] ?? '');
    calls.push({ target, body, authorization: req.headers.authorization });
    const result = answer(target);
    if (result === 'hang') {
      res.on('close', () => {
        if (!res.writableEnded) abandoned += 1;
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    abandoned: () => abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sets process variables for the whole file (the SDK clients read them once per container). */
export function setProcessEnv(values: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** The local SQS (local/sqs.ts) served on a loopback port, with the after-reset queues. */
export interface LoopbackSqs {
  readonly url: string;
  readonly queues: LocalQueues;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
  /** The idempotency table (DynamoDB JSON protocol) on the same endpoint. */
  readonly idempotency: LocalItemsTable;
  close(): Promise<void>;
}

/**
 * Starts the local SQS and idempotency table with the after-reset queue and its dead-letter queue as the stack
 * deploys them (`maxReceiveCount` for `retryHours`), every duration times `timeScale`.
 */
export async function startLoopbackSqs(
  options: { readonly timeScale?: number; readonly retryHours?: number } = {},
): Promise<LoopbackSqs> {
  let queues: LocalQueues | undefined;
  const idempotency = new LocalItemsTable('after-reset-idempotency', 'id');
  const server: Server = createServer(async (req, res) => {
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    try {
      const result = target.startsWith('DynamoDB_')
        ? idempotency.handle(operation, body)
        : queues?.handle(operation, body);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(result));
    } catch (error) {
      const type = error instanceof AwsServiceError ? error.type : 'InternalFailure';
      res.writeHead(error instanceof AwsServiceError ? error.status : 500, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-ErrorType': type,
      });
      const extra = error instanceof AwsServiceError ? error.extra : {};
      res.end(JSON.stringify({ __type: type, message: String(error), ...extra }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  queues = new LocalQueues(url, 'eu-west-1', '000000000000', options.timeScale ?? 1);
  const deadLetter = queues.create('after-reset-dlq', {
    visibilityTimeoutSeconds: 30,
    retentionSeconds: RETENTION_DAYS * 86_400,
  });
  const queue = queues.create('after-reset', {
    visibilityTimeoutSeconds: RETRY_INTERVAL_SECONDS,
    retentionSeconds: RETENTION_DAYS * 86_400,
    redrive: {
      deadLetterQueue: 'after-reset-dlq',
      maxReceiveCount: maxReceiveCount(options.retryHours ?? 24),
    },
  });
  return {
    url,
    queues,
    queueUrl: queue.url,
    queueArn: queue.arn,
    deadLetterQueueUrl: deadLetter.url,
    deadLetterQueueArn: deadLetter.arn,
    idempotency,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
