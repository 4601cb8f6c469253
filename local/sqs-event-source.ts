/**
 * The local stand-in for Lambda's SQS event source mapping with `ReportBatchItemFailures`: it
 * polls the queue, invokes the function with up to ten records (the event shape Lambda sends),
 * deletes what the function did not report as failed, and leaves the rest to come back after the
 * visibility timeout, as Lambda does. A function error or an unreadable answer leaves the whole
 * batch. Batches run one after another at most `maxConcurrency` at a time.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LocalQueues } from './sqs';

/** How the mapping reaches the function: a Lambda Invoke, answered with the function's result. */
export type InvokeBatch = (event: SQSEvent) => Promise<unknown>;

/** Settings of {@link LocalEventSourceMapping}. */
export interface EventSourceOptions {
  readonly queues: LocalQueues;
  readonly queueName: string;
  readonly queueArn: string;
  readonly region: string;
  readonly invoke: InvokeBatch;
  readonly batchSize?: number;
  readonly maxConcurrency?: number;
  /** Wait between polls of an empty queue, in ms (Lambda long-polls; a send wakes it at once). */
  readonly idlePollMs?: number;
  readonly log?: (line: string) => void;
}

/** A running mapping. */
export class LocalEventSourceMapping {
  readonly #options: Required<Omit<EventSourceOptions, 'log'>> & Pick<EventSourceOptions, 'log'>;
  #running = false;
  #active = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #batches = new Set<Promise<void>>();
  #unsubscribe: (() => void) | undefined;

  constructor(options: EventSourceOptions) {
    this.#options = { batchSize: 10, maxConcurrency: 2, idlePollMs: 100, ...options };
  }

  /** Starts polling. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#options.queues.onMessage(() => this.#schedule(0));
    this.#schedule(0);
  }

  /** Stops polling and waits for the batches in flight. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#unsubscribe?.();
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#batches]);
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#poll(), delayMs);
    this.#timer.unref?.();
  }

  #poll(): void {
    const { queues, queueName, batchSize, maxConcurrency, idlePollMs } = this.#options;
    while (this.#running && this.#active < maxConcurrency) {
      const messages = queues.receive(queueName, batchSize);
      if (messages.length === 0) break;
      this.#active += 1;
      const batch = this.#run(messages).finally(() => {
        this.#active -= 1;
        this.#batches.delete(batch);
        this.#schedule(0);
      });
      this.#batches.add(batch);
    }
    const next = queues.nextVisibleInMs(queueName);
    this.#schedule(Math.min(idlePollMs, next ?? idlePollMs));
  }

  async #run(messages: ReturnType<LocalQueues['receive']>): Promise<void> {
    const { queues, queueName, queueArn, region, invoke, log } = this.#options;
    const event: SQSEvent = {
      Records: messages.map((message) => ({
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body: message.body,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
        },
        messageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([name, value]) => [
            name,
            {
              dataType: value.DataType,
              ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
            },
          ]),
        ),
        md5OfBody: message.md5OfBody,
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: region,
      })),
    };
    let failed: Set<string> | 'all';
    try {
      failed = failedItems(
        await invoke(event),
        messages.map((message) => message.messageId),
      );
    } catch (error) {
      log?.(
        `batch of ${messages.length} failed (${error instanceof Error ? error.name : 'error'}): retried after the visibility timeout`,
      );
      failed = 'all';
    }
    if (failed === 'all') return;
    for (const message of messages) {
      if (!failed.has(message.messageId)) queues.delete(queueName, message.receiptHandle);
    }
  }
}

/**
 * The records to keep from a `ReportBatchItemFailures` answer. As Lambda does, an answer that
 * names an unknown or empty identifier fails the whole batch; an empty list or no answer
 * succeeds it.
 */
export function failedItems(answer: unknown, messageIds: readonly string[]): Set<string> | 'all' {
  if (answer === null || answer === undefined) return new Set();
  const failures = (answer as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown })?.itemIdentifier;
    if (typeof id !== 'string' || !messageIds.includes(id)) return 'all';
    ids.add(id);
  }
  return ids;
}
