/**
 * The post-confirmation trigger through its real middy stack (contract section 4), with the
 * AWS calls replaced by aws-sdk-client-mock, followed by the deliver-after-reset worker (its
 * real middy stack too) fed with the jobs the trigger handed to the mocked SQS queue, as the
 * SQS event source would. The budget is shortened so that hanging calls keep the tests fast;
 * budget.test.ts and deployed-budget.test.ts cover the deployed budget.
 */
import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { PostConfirmationTriggerEvent, SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JOB_RESERVE_MS } from '../../lambda/deliver-after-reset/batch';
import { buildHandler as buildWorker } from '../../lambda/deliver-after-reset/handler';
import type { BudgetLimits } from '../../lambda/post-confirmation/budget';
import { buildHandler } from '../../lambda/post-confirmation/handler';
import { metrics } from '../../lambda/post-confirmation/powertools';
import { againstControlTimer } from '../support/control-timer';
import { sqsEvent } from '../support/trigger-events';
import {
  captureOutput,
  deferred,
  hang,
  lambdaContext,
  leakedSecrets,
  type OutputCapture,
  POOL_ID,
  REQUEST_ID,
  resetEvent,
  SECRETS,
  SUB,
} from './fixtures';

const cognito = mockClient(CognitoIdentityProviderClient);
const ses = mockClient(SESv2Client);
const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);

const SHORT_BUDGET: BudgetLimits = {
  totalMs: 400,
  revokeMs: 200,
  handOffMs: 150,
  marginMs: 100,
};
const handler = buildHandler({ budget: SHORT_BUDGET });
const worker = buildWorker();
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/after-reset';

/** Message bodies the trigger (or the worker) queued and the worker has not yet been given. */
let queued: string[] = [];

function acceptJobs() {
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries?: { MessageBody?: string }[] }) => {
    for (const entry of input.Entries ?? []) queued.push(entry.MessageBody ?? '');
    return {
      Successful: (input.Entries ?? []).map((entry) => ({ Id: (entry as { Id?: string }).Id })),
      Failed: [],
    };
  });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dead-lettered' });
}

/** Gives every queued job to the worker, as the SQS event source would, until none is left. */
async function deliverQueued(remainingMs = 30_000): Promise<SQSBatchResponse[]> {
  const answers: SQSBatchResponse[] = [];
  for (let round = 0; round < 5 && queued.length > 0; round += 1) {
    const bodies = queued;
    queued = [];
    const event = sqsEvent(bodies, `m-${round}`);
    // By default the worker's deployed timeout (30 s)
    answers.push(await worker(event, lambdaContext(remainingMs)));
  }
  return answers;
}

const BUS = 'password-reset-events';
const SENDER = 'no-reply@example.net';
const FAILURE_METRICS = [
  'SessionsRevokeFailed',
  'HandOffFailed',
  'NotificationFailed',
  'EventPublishFailed',
];

let output: OutputCapture;

function configure(env: Record<string, string | undefined> = {}) {
  const all: Record<string, string | undefined> = {
    AWS_REGION: 'eu-west-1',
    EVENT_BUS_NAME: BUS,
    NOTIFICATION_FROM: SENDER,
    REVOKE_SESSIONS: undefined,
    NOTIFICATION_REGION: undefined,
    AFTER_RESET_QUEUE_URL: QUEUE_URL,
    DEAD_LETTER_QUEUE_URL: `${QUEUE_URL}-dlq`,
    IDEMPOTENCY_TABLE_NAME: undefined,
    ...env,
  };
  for (const [name, value] of Object.entries(all)) vi.stubEnv(name, value);
}

function succeedEverywhere() {
  cognito.on(AdminUserGlobalSignOutCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
}

/** The detail of the n-th PutEvents call, parsed. */
function publishedDetail(n = 0): Record<string, unknown> {
  const input = eventBridge.commandCalls(PutEventsCommand)[n]?.args[0].input;
  return JSON.parse(input?.Entries?.[0]?.Detail ?? 'null') as Record<string, unknown>;
}

/** Metric name -> count, for the product's failure metrics that counted a failure. */
function failureCounts(): Record<string, number> {
  const metrics = output.metrics();
  return Object.fromEntries(
    FAILURE_METRICS.flatMap((name) => {
      const entry = metrics.get(name);
      return entry === undefined || entry.value === 0 ? [] : [[name, entry.value]];
    }),
  );
}

/** Names of the failure metrics emitted at all (zeros included). */
function emittedFailureMetrics(): string[] {
  return FAILURE_METRICS.filter((name) => output.metrics().has(name));
}

/** The trigger, then the worker on whatever it queued. */
async function invoke(event: PostConfirmationTriggerEvent = resetEvent()) {
  const result = await handler(event, lambdaContext());
  const deliveries = await deliverQueued();
  return { result, deliveries };
}

beforeEach(() => {
  cognito.reset();
  ses.reset();
  eventBridge.reset();
  sqs.reset();
  queued = [];
  acceptJobs();
  configure();
  output = captureOutput();
});

afterEach(() => {
  // Whatever happened in the test, nothing sensitive reached any output.
  expect(leakedSecrets(output.text())).toEqual([]);
});

describe('a password reset revokes the sessions, notifies the user, then publishes the event', () => {
  it('signs the user out globally in the pool named by the event', async () => {
    // Prepare
    succeedEverywhere();
    // Act
    await invoke();
    // Assess
    expect(cognito).toReceiveCommandExactlyOnceWith(AdminUserGlobalSignOutCommand, {
      UserPoolId: POOL_ID,
      Username: SECRETS.userName,
    });
  });

  it('emails the verified address from NOTIFICATION_FROM, text and HTML, with the UTC time and the resetId', async () => {
    // Prepare
    succeedEverywhere();
    // Act
    await invoke();
    // Assess
    expect(ses).toReceiveCommandTimes(SendEmailCommand, 1);
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      FromEmailAddress: SENDER,
      Destination: { ToAddresses: [SECRETS.email] },
      Content: { Simple: { Subject: { Data: 'Your password was changed', Charset: 'UTF-8' } } },
    });
    const resetId = publishedDetail().resetId as string;
    const simple = input?.Content?.Simple;
    expect(simple?.Headers).toEqual([{ Name: 'X-Password-Reset-Id', Value: resetId }]);
    for (const body of [simple?.Body?.Text?.Data, simple?.Body?.Html?.Data]) {
      expect(body).toMatch(/ \d{4}, \d{2}:\d{2}:\d{2} UTC/);
      expect(body).toContain('If you did not make this change');
      expect(body).toContain(resetId);
    }
  });

  it('puts one PasswordResetCompleted event with exactly the contract detail', async () => {
    // Prepare
    succeedEverywhere();
    const before = Date.now();
    // Act
    await invoke();
    // Assess
    expect(eventBridge).toReceiveCommandTimes(PutEventsCommand, 1);
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: BUS,
      Source: 'cognito-password-reset',
      DetailType: 'PasswordResetCompleted',
    });
    const detail = publishedDetail();
    expect(Object.keys(detail)).toEqual([
      'resetId',
      'userPoolId',
      'userName',
      'sub',
      'clientId',
      'requestId',
      'occurredAt',
      'sessionsRevoked',
      'sessionsRevokedAt',
      'notified',
    ]);
    expect(detail).toEqual({
      resetId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      userPoolId: POOL_ID,
      userName: SECRETS.userName,
      sub: SUB,
      clientId: 'example-client-id',
      requestId: REQUEST_ID,
      occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      sessionsRevoked: true,
      sessionsRevokedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      notified: true,
    });
    expect(Date.parse(detail.sessionsRevokedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(detail.occurredAt as string),
    );
    expect(Date.parse(detail.occurredAt as string)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(detail.occurredAt as string)).toBeLessThanOrEqual(Date.now());
  });

  it('revokes first, notifies only once the sign-out has settled, and publishes last', async () => {
    // Prepare
    const signOut = deferred<object>();
    const email = deferred<object>();
    cognito.on(AdminUserGlobalSignOutCommand).callsFake(() => signOut.promise);
    ses.on(SendEmailCommand).callsFake(() => email.promise);
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    // Act
    const running = invoke();
    await vi.waitFor(() => expect(cognito).toReceiveCommandTimes(AdminUserGlobalSignOutCommand, 1));
    const emailedDuringSignOut = ses.commandCalls(SendEmailCommand).length;
    signOut.resolve({});
    await vi.waitFor(() => expect(ses).toReceiveCommandTimes(SendEmailCommand, 1));
    const publishedDuringEmail = eventBridge.commandCalls(PutEventsCommand).length;
    email.resolve({ MessageId: 'm' });
    await running;
    // Assess
    expect(emailedDuringSignOut).toBe(0);
    expect(publishedDuringEmail).toBe(0);
    expect(eventBridge).toReceiveCommandTimes(PutEventsCommand, 1);
  });

  it('tells the user the sign-out succeeded, as it did', async () => {
    // Prepare
    succeedEverywhere();
    // Act
    await invoke();
    // Assess
    const simple = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple;
    for (const body of [simple?.Body?.Text?.Data, simple?.Body?.Html?.Data]) {
      expect(body).toContain('you have been signed out on all your devices');
    }
    expect(cognito).toReceiveCommandTimes(AdminUserGlobalSignOutCommand, 1);
  });

  it('retries a sign-out that failed in the request on the durable path; the notice says it is under way, the event waits for it', async () => {
    // Prepare: the request's sign-out fails, the retried one works
    succeedEverywhere();
    cognito
      .on(AdminUserGlobalSignOutCommand)
      .rejectsOnce(
        Object.assign(new Error('InternalErrorException'), { name: 'InternalErrorException' }),
      )
      .resolves({});
    // Act
    const { deliveries } = await invoke();
    // Assess
    expect(cognito).toReceiveCommandTimes(AdminUserGlobalSignOutCommand, 2);
    const simple = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple;
    for (const body of [simple?.Body?.Text?.Data, simple?.Body?.Html?.Data]) {
      expect(body).toContain('we are signing you out on all your devices');
    }
    // the event was queued by the worker after the retried sign-out, in the next round
    expect(deliveries).toHaveLength(2);
    expect(eventBridge).toReceiveCommandTimes(PutEventsCommand, 1);
    expect(publishedDetail()).toMatchObject({
      sessionsRevoked: true,
      sessionsRevokedAt: expect.any(String),
    });
    expect(failureCounts()).toEqual({ SessionsRevokeFailed: 1 });
  });

  it('returns the event unchanged and counts no failure (each attempted effect reports 0)', async () => {
    // Prepare
    succeedEverywhere();
    const event = resetEvent();
    const copy = structuredClone(event);
    // Act
    const { result } = await invoke(event);
    // Assess
    expect(result).toBe(event);
    expect(result).toStrictEqual(copy);
    expect(failureCounts()).toEqual({});
    const services = {
      SessionsRevokeFailed: 'post-confirmation',
      HandOffFailed: 'post-confirmation',
      NotificationFailed: 'deliver-after-reset',
      EventPublishFailed: 'deliver-after-reset',
    };
    for (const [name, service] of Object.entries(services)) {
      expect(output.metrics().get(name)).toEqual({
        dimensions: [['service']],
        value: 0,
        service: [service],
      });
    }
  });

  it('logs the user by sub, with the resetId and the outcome', async () => {
    // Prepare
    succeedEverywhere();
    // Act
    await invoke();
    // Assess
    const done = output.logs().find((log) => log.message === 'Password reset trigger done');
    expect(done).toMatchObject({
      service: 'post-confirmation',
      sub: SUB,
      requestId: REQUEST_ID,
      resetId: publishedDetail().resetId,
      sessionsRevoked: true,
      jobs: ['notify', 'publish'],
      handedOff: true,
    });
  });
});

/** An AWS error as SES words it: quoting the recipient's address. */
const awsError = () => {
  const error = Object.assign(
    new Error(
      `Email address is not verified. The following identities failed the check in region EU-WEST-1: ${SECRETS.email}, ${SECRETS.userName}`,
    ),
    { name: 'MessageRejected', $metadata: { httpStatusCode: 400, requestId: 'aws-req-1' } },
  );
  return Promise.reject(error);
};

/** A transient AWS failure (a 503), which the queue retries. */
const unavailable = () =>
  Promise.reject(
    Object.assign(new Error('Service unavailable'), {
      name: 'ServiceUnavailableException',
      $metadata: { httpStatusCode: 503 },
    }),
  );

type Step = 'revoke' | 'handOff';
const STEPS: Record<Step, { metric: string; fail: (how: () => Promise<never>) => void }> = {
  revoke: {
    metric: 'SessionsRevokeFailed',
    fail: (how) => cognito.on(AdminUserGlobalSignOutCommand).callsFake(how),
  },
  handOff: {
    metric: 'HandOffFailed',
    fail: (how) => sqs.on(SendMessageBatchCommand).callsFake(how),
  },
};

describe.each([
  { mode: 'fails', how: unavailable },
  { mode: 'hangs', how: hang },
])(
  'a step of the trigger that $mode never fails the request, which comes back in time',
  ({ mode, how }) => {
    it.each<{ name: string; failing: Step[]; queued: string[] }>([
      { name: 'revoking alone', failing: ['revoke'], queued: ['notify', 'revoke'] },
      { name: 'the hand-off alone', failing: ['handOff'], queued: [] },
      { name: 'both', failing: ['revoke', 'handOff'], queued: [] },
    ])('$name', async ({ failing, queued: expectedJobs }) => {
      // Prepare
      succeedEverywhere();
      for (const step of failing) STEPS[step].fail(how);
      const event = resetEvent();
      const copy = structuredClone(event);
      // Act
      const { result, overrunMs } = await againstControlTimer(SHORT_BUDGET.totalMs, () =>
        handler(event, lambdaContext()),
      );
      // Assess: the event, unchanged, within the budget (as late as this process's timers run)
      expect(result).toStrictEqual(copy);
      expect(overrunMs).toBeLessThan(150);
      // both steps attempted; what reached the queue is what a retry needs
      expect(cognito).toReceiveCommandTimes(AdminUserGlobalSignOutCommand, 1);
      expect(sqs.commandCalls(SendMessageBatchCommand).length).toBeGreaterThanOrEqual(1);
      expect(queued.map((body) => (JSON.parse(body) as { kind: string }).kind)).toEqual(
        expectedJobs,
      );
      // nothing sent or put in the request
      expect(ses).toReceiveCommandTimes(SendEmailCommand, 0);
      expect(eventBridge).toReceiveCommandTimes(PutEventsCommand, 0);
      // one count per failed step, under [service] only
      expect(failureCounts()).toEqual(
        Object.fromEntries(failing.map((step) => [STEPS[step].metric, 1])),
      );
      for (const step of failing) {
        const metric = output.metrics().get(STEPS[step].metric);
        expect(metric?.dimensions).toEqual([['service']]);
        expect(metric?.service).toEqual(['post-confirmation']);
      }
      // each failure logged, by sub, saying whether it timed out
      const errors = output.logs().filter((log) => log.level === 'ERROR');
      expect(errors).toHaveLength(failing.length);
      for (const error of errors) {
        expect(error).toMatchObject({ sub: SUB, timedOut: mode === 'hangs' });
      }
    });
  },
);

type Job = 'notify' | 'publish';
const JOBS: Record<Job, { metric: string; fail: (how: () => Promise<never>) => void }> = {
  notify: {
    metric: 'NotificationFailed',
    fail: (how) => ses.on(SendEmailCommand).callsFake(how),
  },
  publish: {
    metric: 'EventPublishFailed',
    fail: (how) => eventBridge.on(PutEventsCommand).callsFake(how),
  },
};

/** Each effect of a reset, wherever it runs (the sign-out in the trigger, the rest in the worker). */
const EFFECTS = { revoke: STEPS.revoke, notify: JOBS.notify, publish: JOBS.publish };
type Effect = keyof typeof EFFECTS;

describe.each<Job>(['notify', 'publish'])('a %s job that fails in the worker', (job) => {
  const other: Job = job === 'notify' ? 'publish' : 'notify';

  it('is reported for a retry on its own, the other job done, the failure counted', async () => {
    // Prepare
    succeedEverywhere();
    JOBS[job].fail(unavailable);
    // Act
    const { deliveries } = await invoke();
    // Assess
    expect(deliveries).toHaveLength(1);
    const [batch] = deliveries;
    expect(batch?.batchItemFailures).toHaveLength(1);
    expect(failureCounts()).toEqual({ [JOBS[job].metric]: 1 });
    expect(output.metrics().get(JOBS[job].metric)?.service).toEqual(['deliver-after-reset']);
    expect(output.metrics().get(JOBS[other].metric)?.value).toBe(0);
    expect(sqs).toReceiveCommandTimes(SendMessageCommand, 0);
  });

  it('that can never succeed goes to the dead-letter queue at once, counted', async () => {
    // Prepare: a 400 MessageRejected from SES, or a job for a switched-off effect
    succeedEverywhere();
    if (job === 'notify') JOBS.notify.fail(awsError);
    const handed = await handler(resetEvent(), lambdaContext());
    if (job === 'publish') vi.stubEnv('EVENT_BUS_NAME', '');
    // Act
    const answers = await deliverQueued();
    // Assess
    expect(handed).toBeDefined();
    expect(answers[0]?.batchItemFailures).toEqual([]);
    const setAside = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(setAside).toHaveLength(1);
    expect(setAside[0]?.QueueUrl).toBe(`${QUEUE_URL}-dlq`);
    expect((JSON.parse(setAside[0]?.MessageBody ?? '{}') as { kind: string }).kind).toBe(job);
    expect(output.metrics().get('DeadLettered')?.value).toBe(1);
  });
});

describe("a batch never runs into the worker's timeout", () => {
  it('starts no job with less time left than a job may need; all wait for the next delivery', async () => {
    // Prepare
    succeedEverywhere();
    await handler(resetEvent(), lambdaContext());
    // Act
    const [batch] = await deliverQueued(JOB_RESERVE_MS - 1);
    // Assess
    expect(batch?.batchItemFailures).toHaveLength(2);
    expect(ses).toReceiveCommandTimes(SendEmailCommand, 0);
    expect(eventBridge).toReceiveCommandTimes(PutEventsCommand, 0);
    expect(failureCounts()).toEqual({});
  });

  it('hands back the jobs it has no time left for once a slow one used it up', async () => {
    // Prepare: time for one job; the notice (the first job) takes longer than the slack
    const slackMs = 3_000;
    succeedEverywhere();
    ses.on(SendEmailCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, slackMs + 500));
      return { MessageId: 'ses-slow' };
    });
    await handler(resetEvent(), lambdaContext());
    // Act
    const [batch] = await deliverQueued(JOB_RESERVE_MS + slackMs);
    // Assess
    expect(ses).toReceiveCommandTimes(SendEmailCommand, 1);
    expect(eventBridge).toReceiveCommandTimes(PutEventsCommand, 0);
    expect(batch?.batchItemFailures).toHaveLength(1);
    expect(failureCounts()).toEqual({});
  }, 20_000);
});

describe('metrics are CloudWatch EMF in the CognitoPasswordReset namespace', () => {
  it('uses exactly the [service] dimension set for the failure metrics, one document per invocation', async () => {
    // Prepare
    STEPS.revoke.fail(unavailable);
    STEPS.handOff.fail(unavailable);
    // Act
    await invoke();
    await invoke();
    // Assess
    const failureDocs = output
      .emf()
      .filter((doc) =>
        doc._aws.CloudWatchMetrics[0]?.Metrics.some((m) => FAILURE_METRICS.includes(m.Name)),
      );
    expect(failureDocs).toHaveLength(2);
    for (const doc of failureDocs) {
      expect(doc._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: 'CognitoPasswordReset',
          Dimensions: [['service']],
          Metrics: ['SessionsRevokeFailed', 'HandOffFailed'].map((Name) => ({
            Name,
            Unit: 'Count',
          })),
        },
      ]);
      expect(doc.service).toBe('post-confirmation');
    }
  });

  it('emits no failure metric when an effect is switched off rather than failing', async () => {
    // Prepare
    configure({
      EVENT_BUS_NAME: undefined,
      NOTIFICATION_FROM: undefined,
      REVOKE_SESSIONS: 'false',
    });
    // Act
    await invoke();
    // Assess
    expect(failureCounts()).toEqual({});
  });
});

describe('PutEvents refusing the entry in a 200 answer counts as a failed publish', () => {
  it('logs and counts EventPublishFailed, and has the job retried', async () => {
    // Prepare
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    ses.on(SendEmailCommand).resolves({});
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    // Act
    const { deliveries } = await invoke();
    // Assess: counted, and retried (a refused entry is not a permanent failure)
    expect(failureCounts()).toEqual({ EventPublishFailed: 1 });
    expect(deliveries[0]?.batchItemFailures).toHaveLength(1);
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ level: 'WARN', errorName: 'EventRejectedError' }),
    );
  });
});

describe('repeats of one reset are harmless and recognisable', () => {
  it('gives every repeat the same resetId, in the event and in the email', async () => {
    // Prepare
    succeedEverywhere();
    // Act: Cognito invokes the trigger up to three times for one reset
    for (let i = 0; i < 3; i++) await invoke(resetEvent());
    // Assess
    const ids = [0, 1, 2].map((n) => publishedDetail(n).resetId);
    const headers = ses
      .commandCalls(SendEmailCommand)
      .map((call) => call.args[0].input.Content?.Simple?.Headers?.[0]?.Value);
    expect(new Set([...ids, ...headers]).size).toBe(1);
    // revoking is simply repeated (AdminUserGlobalSignOut is idempotent)
    expect(cognito).toReceiveCommandTimes(AdminUserGlobalSignOutCommand, 3);
  });

  it('gives another reset (another requestId) another resetId', async () => {
    // Prepare
    succeedEverywhere();
    // Act
    await invoke(resetEvent({ clientMetadata: { requestId: 'request-one' } }));
    await invoke(resetEvent({ clientMetadata: { requestId: 'request-two' } }));
    // Assess
    expect(publishedDetail(0).resetId).not.toBe(publishedDetail(1).resetId);
  });

  it('without clientMetadata.requestId: requestId null, a fresh resetId, and a warning', async () => {
    // Prepare
    succeedEverywhere();
    // Act
    await invoke(resetEvent({ clientMetadata: undefined }));
    await invoke(resetEvent({ clientMetadata: undefined }));
    // Assess
    expect(publishedDetail(0)).toMatchObject({ requestId: null });
    expect(publishedDetail(0).resetId).not.toBe(publishedDetail(1).resetId);
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: expect.stringContaining('requestId') }),
    );
  });
});

describe.each(['PostConfirmation_ConfirmSignUp', 'PostConfirmation_SomethingNew'])(
  'any other trigger source (%s) comes back untouched, without effects',
  (triggerSource) => {
    it('returns the event and calls nothing', async () => {
      // Prepare
      succeedEverywhere();
      const event = { ...resetEvent(), triggerSource } as PostConfirmationTriggerEvent;
      const copy = structuredClone(event);
      // Act
      const { result } = await invoke(event);
      // Assess
      expect(result).toStrictEqual(copy);
      expect(cognito).toReceiveCommandTimes(AdminUserGlobalSignOutCommand, 0);
      expect(ses).toReceiveCommandTimes(SendEmailCommand, 0);
      expect(eventBridge).toReceiveCommandTimes(PutEventsCommand, 0);
      expect(emittedFailureMetrics()).toEqual([]);
    });
  },
);

describe('the notification goes only to a verified email address', () => {
  it.each<{ case: string; attributes: Record<string, string | undefined> }>([
    { case: 'no email attribute', attributes: { email: undefined, email_verified: undefined } },
    { case: 'email_verified false', attributes: { email_verified: 'false' } },
    { case: 'email_verified absent', attributes: { email_verified: undefined } },
    { case: 'empty email', attributes: { email: '' } },
  ])('$case: no email, notified false, said in the log, not a failure', async ({ attributes }) => {
    // Prepare
    succeedEverywhere();
    // Act
    await invoke(resetEvent({ attributes }));
    // Assess
    expect(ses).toReceiveCommandTimes(SendEmailCommand, 0);
    expect(publishedDetail()).toMatchObject({ notified: false, sessionsRevoked: true });
    expect(output.logs()).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'Notification skipped: the user has no verified email address',
        sub: SUB,
      }),
    );
    expect(failureCounts()).toEqual({});
    expect(emittedFailureMetrics()).not.toContain('NotificationFailed');
  });

  it('accepts email_verified in any letter case', async () => {
    // Prepare
    succeedEverywhere();
    // Act
    await invoke(resetEvent({ attributes: { email_verified: 'TRUE' } }));
    // Assess
    expect(ses).toReceiveCommandTimes(SendEmailCommand, 1);
  });
});

describe('configuration switches an effect off', () => {
  it.each<{ case: string; env: Record<string, string | undefined>; off: Effect }>([
    { case: 'EVENT_BUS_NAME unset', env: { EVENT_BUS_NAME: undefined }, off: 'publish' },
    { case: 'EVENT_BUS_NAME blank', env: { EVENT_BUS_NAME: ' ' }, off: 'publish' },
    { case: 'NOTIFICATION_FROM unset', env: { NOTIFICATION_FROM: undefined }, off: 'notify' },
    { case: 'REVOKE_SESSIONS=false', env: { REVOKE_SESSIONS: 'false' }, off: 'revoke' },
    { case: 'REVOKE_SESSIONS=FALSE', env: { REVOKE_SESSIONS: 'FALSE' }, off: 'revoke' },
  ])('$case', async ({ env, off }) => {
    // Prepare
    configure(env);
    succeedEverywhere();
    // Act
    await invoke();
    // Assess
    expect(cognito).toReceiveCommandTimes(AdminUserGlobalSignOutCommand, off === 'revoke' ? 0 : 1);
    expect(ses).toReceiveCommandTimes(SendEmailCommand, off === 'notify' ? 0 : 1);
    expect(eventBridge).toReceiveCommandTimes(PutEventsCommand, off === 'publish' ? 0 : 1);
    if (off !== 'publish') {
      expect(publishedDetail()).toMatchObject({
        sessionsRevoked: off !== 'revoke',
        notified: off !== 'notify',
      });
    }
    expect(output.logs()).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: expect.stringMatching(/switched off|skipped/),
      }),
    );
    expect(failureCounts()).toEqual({});
    expect(emittedFailureMetrics()).not.toContain(EFFECTS[off].metric);
  });

  it.each(['true', 'TRUE', 'yes', ''])('REVOKE_SESSIONS=%j keeps revoking on', async (value) => {
    // Prepare
    configure({ REVOKE_SESSIONS: value });
    succeedEverywhere();
    // Act
    await invoke();
    // Assess
    expect(cognito).toReceiveCommandTimes(AdminUserGlobalSignOutCommand, 1);
  });

  it('sends through SES in NOTIFICATION_REGION when set', async () => {
    // Prepare
    configure({ NOTIFICATION_REGION: 'us-east-1' });
    succeedEverywhere();
    // Act
    await invoke();
    // Assess
    const client = ses.commandCalls(SendEmailCommand)[0]?.thisValue as SESv2Client;
    expect(await client.config.region()).toBe('us-east-1');
  });

  it("sends through SES in the function's region otherwise", async () => {
    // Prepare
    succeedEverywhere();
    // Act
    await invoke();
    // Assess
    const client = ses.commandCalls(SendEmailCommand)[0]?.thisValue as SESv2Client;
    expect(await client.config.region()).toBe('eu-west-1');
  });
});

describe('logs name the user by sub only', () => {
  it('keeps the email address, the user name, codes and passwords out of every output, failures included', async () => {
    // Prepare: every effect fails with an AWS message quoting the address and the user name
    EFFECTS.revoke.fail(awsError);
    EFFECTS.notify.fail(awsError);
    EFFECTS.publish.fail(awsError);
    // Act
    await invoke();
    // Assess: the failures are logged (by sub, redacted) and nothing sensitive is written
    const text = output.text();
    expect(text).toContain(SUB);
    expect(output.logs().filter((log) => log.level === 'ERROR')).toHaveLength(3);
    expect(output.logs()).toContainEqual(
      expect.objectContaining({
        errorName: 'MessageRejected',
        errorMessage: expect.stringContaining('[redacted]'),
        httpStatusCode: 400,
        awsRequestId: 'aws-req-1',
      }),
    );
    expect(leakedSecrets(text)).toEqual([]);
  });

  it('the leak scan itself finds a leak (the check can fail)', () => {
    expect(leakedSecrets(`user ${SECRETS.email} with ${SECRETS.password}`)).toEqual([
      'email',
      'password',
    ]);
  });
});

describe('an effect whose time slice is zero is not started', () => {
  it("counts it as that effect's failure without calling AWS", async () => {
    // Prepare: revoking keeps 150 ms in reserve for the hand-off out of a 100 ms budget, so
    // its slice is 0; the hand-off gets what is left
    succeedEverywhere();
    const starved = buildHandler({
      budget: { totalMs: 100, revokeMs: 200, handOffMs: 150, marginMs: 0 },
    });

    // Act
    const event = resetEvent();
    const result = await starved(event, lambdaContext());

    // Assess
    expect(result).toBe(event);
    expect(cognito).toHaveReceivedCommandTimes(AdminUserGlobalSignOutCommand, 0);
    expect(failureCounts()).toEqual({ SessionsRevokeFailed: 1 });
    expect(output.logs()).toContainEqual(
      expect.objectContaining({
        message: 'Revoking the sessions failed; it is retried on the durable path',
        timeoutMs: 0,
      }),
    );
    expect(queued.map((body) => (JSON.parse(body) as { kind: string }).kind)).toEqual([
      'notify',
      'revoke',
    ]);
  });
});

describe('the trigger never fails the user request', () => {
  it('returns a malformed event unchanged, logging the defect', async () => {
    // Prepare: an event without request attributes (a defect upstream)
    succeedEverywhere();
    const event = { ...resetEvent(), request: {} } as unknown as PostConfirmationTriggerEvent;
    // Act
    const { result } = await invoke(event);
    // Assess
    expect(result).toBe(event);
    expect(output.logs()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'Password reset trigger failed unexpectedly',
        errorName: 'TypeError',
      }),
    );
  });

  it('returns the event even when a middleware itself throws', async () => {
    // Prepare: publishing the metrics fails (after the handler and again in onError)
    succeedEverywhere();
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      throw new RangeError('metrics broke');
    });
    const event = resetEvent();
    // Act
    const { result } = await invoke(event);
    // Assess
    expect(result).toBe(event);
    expect(output.logs()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'Post-confirmation trigger failed; answering Cognito with the event',
        errorName: 'RangeError',
      }),
    );
  });
});
