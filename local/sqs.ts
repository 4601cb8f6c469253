/**
 * The local stand-in for Amazon SQS (standard queues, AWS JSON 1.0 protocol, `X-Amz-Target:
 * AmazonSQS.<Operation>`), with the behaviour the after-reset path relies on, as SQS documents
 * it: a received message is invisible for the visibility timeout and comes back unless deleted;
 * its receive count grows with each receive; once it exceeds the redrive policy's
 * `maxReceiveCount` the message moves to the dead-letter queue instead of being received; a
 * message expires at the retention period counted from its first enqueue (a dead-letter queue
 * keeps that timestamp); `StartMessageMoveTask` moves a dead-letter queue's messages back to
 * their source. Every duration is multiplied by `timeScale`, so that tests run an hours-long
 * retry horizon in seconds with the deployed receive counts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AwsServiceError } from './aws-service-error';

/** A queue's settings, in the deployed (unscaled) seconds. */
export interface QueueSettings {
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  readonly redrive?: { readonly deadLetterQueue: string; readonly maxReceiveCount: number };
}

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Record<string, { DataType: string; StringValue?: string }>;
  readonly sentAt: number;
  /** The first enqueue, which a move to the dead-letter queue keeps (retention counts from it). */
  readonly firstEnqueuedAt: number;
  /** The queue it came from, for a move task without a destination. */
  readonly sourceArn: string | undefined;
  receiveCount: number;
  firstReceivedAt: number | undefined;
  visibleAt: number;
  receiptHandle: string | undefined;
}

interface Queue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly settings: QueueSettings;
  messages: StoredMessage[];
}

/** One receive as the event source mapping sees it. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly receiveCount: number;
  readonly sentAt: number;
  readonly firstReceivedAt: number;
  readonly attributes: Record<string, { DataType: string; StringValue?: string }>;
}

/** A finished or running move task (`ListMessageMoveTasks`). */
interface MoveTask {
  readonly taskHandle: string;
  readonly sourceArn: string;
  readonly destinationArn: string | undefined;
  readonly startedAt: number;
  readonly moved: number;
}

const MAX_BATCH = 10;
const MAX_BODY_BYTES = 256 * 1024;

/** The stack's queues, in memory. */
export class LocalQueues {
  readonly #queues = new Map<string, Queue>();
  readonly #moveTasks: MoveTask[] = [];
  readonly #listeners = new Set<() => void>();

  /**
   * @param baseUrl - the endpoint queue URLs are on (`<baseUrl>/<account>/<name>`)
   * @param timeScale - factor on every duration (1: SQS's own timings)
   */
  constructor(
    private readonly baseUrl: string,
    private readonly region: string,
    private readonly accountId: string,
    private readonly timeScale = 1,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a queue (its dead-letter queue first); returns its URL and ARN. */
  create(name: string, settings: QueueSettings): { readonly url: string; readonly arn: string } {
    if (settings.redrive && !this.#queues.has(settings.redrive.deadLetterQueue)) {
      throw new Error(`dead-letter queue ${settings.redrive.deadLetterQueue} does not exist`);
    }
    const queue: Queue = {
      name,
      url: `${this.baseUrl}/${this.accountId}/${name}`,
      arn: `arn:aws:sqs:${this.region}:${this.accountId}:${name}`,
      settings,
      messages: [],
    };
    this.#queues.set(name, queue);
    return { url: queue.url, arn: queue.arn };
  }

  /** Calls `listener` whenever a message is sent or becomes visible through a move. */
  onMessage(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Messages of a queue that are visible, in flight, and in all (`GetQueueAttributes`). */
  counts(name: string): { visible: number; inFlight: number; total: number } {
    const queue = this.#byName(name);
    this.#expire(queue);
    const now = this.now();
    const visible = queue.messages.filter((message) => message.visibleAt <= now).length;
    return { visible, inFlight: queue.messages.length - visible, total: queue.messages.length };
  }

  /**
   * Receives up to `max` visible messages, as `ReceiveMessage` does: each becomes invisible for
   * the visibility timeout with a new receipt handle, and one already received
   * `maxReceiveCount` times moves to the dead-letter queue instead.
   */
  receive(name: string, max: number): ReceivedMessage[] {
    const queue = this.#byName(name);
    this.#expire(queue);
    const now = this.now();
    const received: ReceivedMessage[] = [];
    for (const message of [...queue.messages]) {
      if (received.length >= max) break;
      if (message.visibleAt > now) continue;
      const redrive = queue.settings.redrive;
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        this.#move(queue, message, this.#byName(redrive.deadLetterQueue), queue.arn);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + this.#scaled(queue.settings.visibilityTimeoutSeconds);
      message.receiptHandle = randomUUID();
      received.push({
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body: message.body,
        md5OfBody: md5(message.body),
        receiveCount: message.receiveCount,
        sentAt: message.sentAt,
        firstReceivedAt: message.firstReceivedAt,
        attributes: message.attributes,
      });
    }
    return received;
  }

  /** Deletes a received message; a stale receipt handle deletes nothing, as SQS does. */
  delete(name: string, receiptHandle: string): void {
    const queue = this.#byName(name);
    queue.messages = queue.messages.filter((message) => message.receiptHandle !== receiptHandle);
  }

  /** Milliseconds until the next message of a queue becomes visible, if any is in flight. */
  nextVisibleInMs(name: string): number | undefined {
    const queue = this.#byName(name);
    const now = this.now();
    const waits = queue.messages.map((message) => message.visibleAt - now).filter((ms) => ms > 0);
    return waits.length === 0 ? undefined : Math.min(...waits);
  }

  /** Runs one operation of the JSON protocol; throws {@link AwsServiceError} as SQS does. */
  handle(operation: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (operation) {
      case 'SendMessage': {
        const queue = this.#byUrl(body.QueueUrl);
        const sent = this.#send(queue, body.MessageBody, body.MessageAttributes);
        return { MessageId: sent.messageId, MD5OfMessageBody: md5(sent.body) };
      }
      case 'SendMessageBatch': {
        const queue = this.#byUrl(body.QueueUrl);
        const entries = batchEntries(body.Entries);
        const successful: Record<string, unknown>[] = [];
        for (const entry of entries) {
          const sent = this.#send(queue, entry.MessageBody, entry.MessageAttributes);
          successful.push({
            Id: entry.Id,
            MessageId: sent.messageId,
            MD5OfMessageBody: md5(sent.body),
          });
        }
        return { Successful: successful, Failed: [] };
      }
      case 'ReceiveMessage': {
        const queue = this.#byUrl(body.QueueUrl);
        const max = Number(body.MaxNumberOfMessages ?? 1);
        if (!Number.isInteger(max) || max < 1 || max > MAX_BATCH) {
          throw new AwsServiceError('InvalidParameterValue', 'MaxNumberOfMessages must be 1 to 10');
        }
        return { Messages: this.receive(queue.name, max).map(toWireMessage) };
      }
      case 'DeleteMessage': {
        const queue = this.#byUrl(body.QueueUrl);
        this.delete(queue.name, String(body.ReceiptHandle ?? ''));
        return {};
      }
      case 'GetQueueUrl': {
        const queue = this.#queues.get(String(body.QueueName ?? ''));
        if (!queue) throw queueMissing();
        return { QueueUrl: queue.url };
      }
      case 'GetQueueAttributes': {
        const queue = this.#byUrl(body.QueueUrl);
        const { visible, inFlight } = this.counts(queue.name);
        const redrive = queue.settings.redrive;
        return {
          Attributes: {
            QueueArn: queue.arn,
            ApproximateNumberOfMessages: String(visible),
            ApproximateNumberOfMessagesNotVisible: String(inFlight),
            VisibilityTimeout: String(queue.settings.visibilityTimeoutSeconds),
            MessageRetentionPeriod: String(queue.settings.retentionSeconds),
            ...(redrive
              ? {
                  RedrivePolicy: JSON.stringify({
                    deadLetterTargetArn: this.#byName(redrive.deadLetterQueue).arn,
                    maxReceiveCount: redrive.maxReceiveCount,
                  }),
                }
              : {}),
          },
        };
      }
      case 'StartMessageMoveTask':
        return this.#startMoveTask(body);
      case 'ListMessageMoveTasks': {
        const sourceArn = String(body.SourceArn ?? '');
        return {
          Results: this.#moveTasks
            .filter((task) => task.sourceArn === sourceArn)
            .map((task) => ({
              TaskHandle: task.taskHandle,
              Status: 'COMPLETED',
              SourceArn: task.sourceArn,
              ...(task.destinationArn ? { DestinationArn: task.destinationArn } : {}),
              ApproximateNumberOfMessagesMoved: task.moved,
              ApproximateNumberOfMessagesToMove: task.moved,
              StartedTimestamp: task.startedAt,
            })),
        };
      }
      default:
        throw new AwsServiceError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  }

  /** Moves every message of a dead-letter queue back (to `DestinationArn`, or each to its source). */
  #startMoveTask(body: Record<string, unknown>): Record<string, unknown> {
    const source = this.#byArn(body.SourceArn);
    const isDeadLetterQueue = [...this.#queues.values()].some(
      (queue) => queue.settings.redrive?.deadLetterQueue === source.name,
    );
    if (!isDeadLetterQueue) {
      throw new AwsServiceError(
        'InvalidParameterValue',
        'Source queue must be configured as a Dead Letter Queue.',
      );
    }
    const destinationArn =
      typeof body.DestinationArn === 'string' ? body.DestinationArn : undefined;
    // Every target first: a message with nowhere to go (set aside by the worker itself, with no
    // source queue, and no destination given) fails the task before anything has moved.
    const moving = source.messages.map((message) => ({
      message,
      target: this.#byArn(destinationArn ?? message.sourceArn),
    }));
    source.messages = [];
    for (const { message, target } of moving) this.#move(source, message, target, undefined, true);
    const task: MoveTask = {
      taskHandle: randomUUID(),
      sourceArn: source.arn,
      destinationArn,
      startedAt: this.now(),
      moved: moving.length,
    };
    this.#moveTasks.push(task);
    this.#notify();
    return { TaskHandle: task.taskHandle };
  }

  #send(queue: Queue, body: unknown, attributes: unknown): StoredMessage {
    if (typeof body !== 'string' || body.length === 0) {
      throw new AwsServiceError(
        'MissingParameter',
        'The request must contain the parameter MessageBody.',
      );
    }
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
      throw new AwsServiceError(
        'InvalidParameterValue',
        'Message must be shorter than 262144 bytes.',
      );
    }
    const now = this.now();
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      attributes: (attributes ?? {}) as StoredMessage['attributes'],
      sentAt: now,
      firstEnqueuedAt: now,
      sourceArn: undefined,
      receiveCount: 0,
      firstReceivedAt: undefined,
      visibleAt: now,
      receiptHandle: undefined,
    };
    queue.messages.push(message);
    this.#notify();
    return message;
  }

  /**
   * A move to the dead-letter queue keeps the message and its first enqueue time; a redrive makes
   * it a new message (new id, enqueued now: its retention starts again), as SQS documents.
   */
  #move(
    from: Queue,
    message: StoredMessage,
    to: Queue,
    sourceArn: string | undefined,
    redrive = false,
  ): void {
    from.messages = from.messages.filter((other) => other !== message);
    const now = this.now();
    to.messages.push({
      ...message,
      ...(redrive ? { messageId: randomUUID(), sentAt: now, firstEnqueuedAt: now } : {}),
      sourceArn: sourceArn ?? message.sourceArn,
      receiveCount: redrive ? 0 : message.receiveCount,
      firstReceivedAt: redrive ? undefined : message.firstReceivedAt,
      visibleAt: now,
      receiptHandle: undefined,
    });
  }

  #expire(queue: Queue): void {
    const limit = this.now() - this.#scaled(queue.settings.retentionSeconds);
    queue.messages = queue.messages.filter((message) => message.firstEnqueuedAt > limit);
  }

  #scaled(seconds: number): number {
    return seconds * 1000 * this.timeScale;
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  #byName(name: string): Queue {
    const queue = this.#queues.get(name);
    if (!queue) throw queueMissing();
    return queue;
  }

  #byUrl(url: unknown): Queue {
    const name = typeof url === 'string' ? url.slice(url.lastIndexOf('/') + 1) : '';
    const queue = this.#queues.get(name);
    if (!queue || urlPath(queue.url) !== urlPath(url)) {
      throw queueMissing();
    }
    return queue;
  }

  #byArn(arn: unknown): Queue {
    const queue = [...this.#queues.values()].find((candidate) => candidate.arn === arn);
    if (!queue) throw queueMissing();
    return queue;
  }
}

function urlPath(url: unknown): string {
  const text = String(url);
  const start = text.indexOf('/', text.indexOf('//') + 2);
  return start < 0 ? '' : text.slice(start);
}

function queueMissing(): AwsServiceError {
  return new AwsServiceError('QueueDoesNotExist', 'The specified queue does not exist.');
}

function batchEntries(
  entries: unknown,
): Array<{ Id: string; MessageBody: unknown; MessageAttributes: unknown }> {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new AwsServiceError(
      'EmptyBatchRequest',
      'There should be at least one entry in the request.',
    );
  }
  if (entries.length > MAX_BATCH) {
    throw new AwsServiceError(
      'TooManyEntriesInBatchRequest',
      'Maximum number of entries per request are 10.',
    );
  }
  const ids = new Set<string>();
  return entries.map(
    (entry: { Id?: unknown; MessageBody?: unknown; MessageAttributes?: unknown }) => {
      const id = typeof entry?.Id === 'string' ? entry.Id : '';
      if (!/^[\w-]{1,80}$/.test(id) || ids.has(id)) {
        throw new AwsServiceError(
          'InvalidBatchEntryId',
          'A batch entry id is invalid or repeated.',
        );
      }
      ids.add(id);
      return { Id: id, MessageBody: entry.MessageBody, MessageAttributes: entry.MessageAttributes };
    },
  );
}

function toWireMessage(message: ReceivedMessage): Record<string, unknown> {
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    Attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
    },
    ...(Object.keys(message.attributes).length > 0
      ? { MessageAttributes: message.attributes }
      : {}),
  };
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
