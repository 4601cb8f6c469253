/**
 * The durable hand-off: the after-reset jobs go to an SQS queue, which keeps them (encrypted)
 * until deliver-after-reset has done them, retries them at each visibility timeout, and moves
 * them to the dead-letter queue past the retry horizon (infra/after-reset.ts).
 */
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from './clients';
import { type AfterResetJob, encodeJob, type JobKind } from './jobs';

/** SendMessageBatch answered but refused some entries (it reports them per entry, not as an error). */
export class HandOffRefusedError extends Error {
  override readonly name = 'HandOffRefusedError';
  constructor(
    /** The jobs not queued. */
    readonly kinds: readonly JobKind[],
    readonly errorCode: string | undefined,
  ) {
    super(`SendMessageBatch refused ${kinds.join(', ')}: ${errorCode ?? 'unknown'}`);
  }
}

/**
 * Queues the jobs in one SendMessageBatch call (at most three jobs per reset, SQS takes ten),
 * each its own message so each is retried on its own.
 *
 * @throws {HandOffRefusedError} when SQS refused any entry
 * @example
 * await handOff(queueUrl, [notifyJob, publishJob], signal);
 */
export async function handOff(
  queueUrl: string,
  jobs: readonly AfterResetJob[],
  abortSignal: AbortSignal,
): Promise<void> {
  if (jobs.length === 0) return;
  const answer = await sqsClient().send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: jobs.map((job) => ({ Id: job.kind, MessageBody: encodeJob(job) })),
    }),
    { abortSignal },
  );
  const failed = answer.Failed ?? [];
  if (failed.length > 0) {
    throw new HandOffRefusedError(
      failed.map((entry) => entry.Id as JobKind),
      failed[0]?.Code,
    );
  }
}

/**
 * Puts one message on a queue as it is (a job handed on, or one set aside in the dead-letter
 * queue with the reason), with string message attributes.
 *
 * @example
 * await sendMessage(deadLetterQueueUrl, record.body, { reason: 'MessageRejected' }, signal);
 */
export async function sendMessage(
  queueUrl: string,
  body: string,
  attributes: Readonly<Record<string, string>>,
  abortSignal: AbortSignal,
): Promise<void> {
  await sqsClient().send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([name, value]) => [
          name,
          { DataType: 'String', StringValue: value },
        ]),
      ),
    }),
    { abortSignal },
  );
}
