/**
 * The real SDK clients against plain-HTTP loopback endpoints named by the standard
 * `AWS_ENDPOINT_URL_*` variables, as the local stack runs the trigger and the worker: SES is
 * the real local emulator (aws-ses-v2-local), the after-reset queue the stack's local SQS with
 * its event source mapping; Cognito's AdminUserGlobalSignOut and EventBridge's PutEvents,
 * which have no emulator, are small recording endpoints.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, PostConfirmationTriggerEvent } from 'aws-lambda';
import startSes from 'aws-ses-v2-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEventSourceMapping } from '../../local/sqs-event-source';
import {
  captureOutput,
  lambdaContext,
  leakedSecrets,
  POOL_ID,
  REQUEST_ID,
  resetEvent,
  SECRETS,
  SUB,
} from './fixtures';
import {
  type LoopbackEndpoint,
  type LoopbackSqs,
  setProcessEnv,
  startJsonEndpoint,
  startLoopbackSqs,
} from './loopback-aws';

type Handler = (event: PostConfirmationTriggerEvent, context: Context) => Promise<unknown>;

interface StoredEmail {
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers?: Array<{ name: string; value: string }>;
}

let ses: Server;
let sesUrl: string;
let cognito: LoopbackEndpoint;
let eventBridge: LoopbackEndpoint;
let restoreEnv: () => void;
let handler: Handler;
let sqs: LoopbackSqs;
let mapping: LocalEventSourceMapping;

beforeAll(async () => {
  ses = await startSes({ host: '127.0.0.1', port: 0 });
  sesUrl = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
  cognito = await startJsonEndpoint(() => ({}));
  eventBridge = await startJsonEndpoint(() => ({
    FailedEntryCount: 0,
    Entries: [{ EventId: 'ev-1' }],
  }));
  sqs = await startLoopbackSqs();
  restoreEnv = setProcessEnv({
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.url,
    AWS_ENDPOINT_URL_SESV2: sesUrl,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
    EVENT_BUS_NAME: 'local-bus',
    NOTIFICATION_FROM: 'no-reply@example.net',
    AWS_ENDPOINT_URL_SQS: sqs.url,
    AFTER_RESET_QUEUE_URL: sqs.queueUrl,
    DEAD_LETTER_QUEUE_URL: sqs.deadLetterQueueUrl,
  });
  ({ handler } = (await import('../../lambda/post-confirmation/index')) as { handler: Handler });
  const worker = (await import('../../lambda/deliver-after-reset/index')) as {
    handler: (event: unknown, context: Context) => Promise<unknown>;
  };
  mapping = new LocalEventSourceMapping({
    queues: sqs.queues,
    queueName: 'after-reset',
    queueArn: sqs.queueArn,
    region: 'eu-west-1',
    // The worker's deployed timeout (30 s): it starts a job only with time left for its worst case.
    invoke: (event) => worker.handler(event, lambdaContext(30_000)),
  });
  mapping.start();
});

afterAll(async () => {
  await mapping.stop();
  restoreEnv();
  await Promise.all([
    sqs.close(),
    cognito.close(),
    eventBridge.close(),
    new Promise<void>((resolve) => {
      ses.closeAllConnections();
      ses.close(() => resolve());
    }),
  ]);
});

describe('against loopback AWS endpoints', () => {
  it('revokes, then through the queue emails with the SES emulator and publishes, with the same resetId in mail and event', async () => {
    // Prepare
    const output = captureOutput();
    const event = resetEvent();
    // Act
    const result = await handler(event, lambdaContext());
    // Assess: the answer
    expect(result).toBe(event);
    // the sign-out, signed with the environment's credentials
    expect(cognito.calls).toEqual([
      {
        target: 'AWSCognitoIdentityProviderService.AdminUserGlobalSignOut',
        body: { UserPoolId: POOL_ID, Username: SECRETS.userName },
        authorization: expect.stringContaining('Credential=AKIDLOCAL/'),
      },
    ]);
    // the event, once the worker has had the queued jobs
    await expect.poll(() => eventBridge.calls.length, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => sqs.queues.counts('after-reset').total, { timeout: 20_000 }).toBe(0);
    const entries = eventBridge.calls[0]?.body.Entries as Array<Record<string, unknown>>;
    expect(entries[0]).toMatchObject({
      EventBusName: 'local-bus',
      Source: 'cognito-password-reset',
      DetailType: 'PasswordResetCompleted',
    });
    const detail = JSON.parse(String(entries[0]?.Detail)) as Record<string, unknown>;
    expect(detail).toMatchObject({
      sub: SUB,
      requestId: REQUEST_ID,
      sessionsRevoked: true,
      notified: true,
    });
    // the email, as the emulator stored it
    const store = (await (await fetch(`${sesUrl}/store`)).json()) as { emails: StoredEmail[] };
    expect(store.emails).toHaveLength(1);
    const mail = store.emails[0];
    expect(mail).toMatchObject({
      from: 'no-reply@example.net',
      destination: { to: [SECRETS.email] },
      subject: 'Your password was changed',
      headers: [{ name: 'X-Password-Reset-Id', value: detail.resetId }],
    });
    expect(mail?.body.text).toContain(`Reference: ${detail.resetId}`);
    expect(mail?.body.html).toContain('<p>');
    // and nothing sensitive in the output
    expect(leakedSecrets(output.text())).toEqual([]);
    // and no failure counted
    const metrics = output.metrics();
    for (const name of [
      'SessionsRevokeFailed',
      'HandOffFailed',
      'NotificationFailed',
      'EventPublishFailed',
    ]) {
      expect(metrics.get(name)?.value).toBe(0);
    }
  });
});
