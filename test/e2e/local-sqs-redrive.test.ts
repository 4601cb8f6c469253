/**
 * The local SQS's redrive (`StartMessageMoveTask`), as SQS documents it: redriven messages are new
 * messages (a new id, enqueued now, so their retention starts again), and a task that cannot
 * place every message fails without losing any.
 */
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../local/aws-service-error';
import { LocalQueues } from '../../local/sqs';

const DAY_MS = 86_400_000;

function queuesAt(clock: { now: number }) {
  const queues = new LocalQueues(
    'http://127.0.0.1:1',
    'eu-west-1',
    '000000000000',
    1,
    () => clock.now,
  );
  const deadLetter = queues.create('dlq', {
    visibilityTimeoutSeconds: 30,
    retentionSeconds: 14 * 86_400,
  });
  const source = queues.create('jobs', {
    visibilityTimeoutSeconds: 300,
    retentionSeconds: 14 * 86_400,
    redrive: { deadLetterQueue: 'dlq', maxReceiveCount: 1 },
  });
  return { queues, deadLetter, source };
}

/** One message sent to `jobs`, received once and left to fail, so the redrive policy moves it. */
function deadLettered(queues: LocalQueues, clock: { now: number }, sourceUrl: string): string {
  const { MessageId } = queues.handle('SendMessage', { QueueUrl: sourceUrl, MessageBody: 'job' });
  queues.receive('jobs', 1);
  clock.now += 301_000;
  queues.receive('jobs', 1);
  return String(MessageId);
}

describe('StartMessageMoveTask in the local SQS', () => {
  it('makes each redriven message a new one: new id, retention counted from the redrive', () => {
    // Prepare: dead-lettered, then redriven 13 days after it was first sent
    const clock = { now: 0 };
    const { queues, deadLetter, source } = queuesAt(clock);
    const firstId = deadLettered(queues, clock, source.url);
    expect(queues.receive('dlq', 10).map((m) => m.messageId)).toEqual([firstId]);
    clock.now = 13 * DAY_MS;

    // Act
    queues.handle('StartMessageMoveTask', {
      SourceArn: deadLetter.arn,
      DestinationArn: source.arn,
    });
    clock.now += 2 * DAY_MS;

    // Assess: 15 days after the first send, 2 after the redrive: still kept, under a new id
    const [redriven] = queues.receive('jobs', 1);
    expect(redriven?.body).toBe('job');
    expect(redriven?.messageId).not.toBe(firstId);
    expect(redriven?.receiveCount).toBe(1);
  });

  it('fails without losing a message when one has nowhere to go', () => {
    // Prepare: one dead-lettered by the redrive policy, one set aside by the worker itself
    const clock = { now: 0 };
    const { queues, deadLetter, source } = queuesAt(clock);
    deadLettered(queues, clock, source.url);
    queues.handle('SendMessage', { QueueUrl: deadLetter.url, MessageBody: 'set aside' });
    clock.now += 31_000;

    // Act: back to their source queues, with no destination named
    const move = () => queues.handle('StartMessageMoveTask', { SourceArn: deadLetter.arn });

    // Assess
    expect(move).toThrow(AwsServiceError);
    expect(
      queues
        .receive('dlq', 10)
        .map((m) => m.body)
        .sort(),
    ).toEqual(['job', 'set aside']);
    expect(queues.receive('jobs', 10)).toEqual([]);
  });
});
