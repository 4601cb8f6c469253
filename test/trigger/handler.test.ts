/**
 * The post-confirmation trigger through its real middy stack (contract section 4), with the
 * AWS calls replaced by aws-sdk-client-mock. The budget is shortened so that hanging calls
 * keep the tests fast; budget.test.ts and default-budget.test.ts cover the deployed budget.
 */
import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BudgetLimits } from '../../lambda/post-confirmation/budget';
import { buildHandler } from '../../lambda/post-confirmation/handler';
import { metrics } from '../../lambda/post-confirmation/powertools';
import { againstControlTimer } from '../support/control-timer';
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

const SHORT_BUDGET: BudgetLimits = {
  totalMs: 400,
  revokeMs: 200,
  notifyMs: 200,
  publishMs: 150,
  marginMs: 100,
};
const handler = buildHandler({ budget: SHORT_BUDGET });

const BUS = 'password-reset-events';
const SENDER = 'no-reply@example.net';
const FAILURE_METRICS = ['SessionsRevokeFailed', 'NotificationFailed', 'EventPublishFailed'];

let output: OutputCapture;

function configure(env: Record<string, string | undefined> = {}) {
  const all: Record<string, string | undefined> = {
    AWS_REGION: 'eu-west-1',
    EVENT_BUS_NAME: BUS,
    NOTIFICATION_FROM: SENDER,
    REVOKE_SESSIONS: undefined,
    NOTIFICATION_REGION: undefined,
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

async function invoke(event: PostConfirmationTriggerEvent = resetEvent()) {
  return { result: await handler(event, lambdaContext()) };
}

beforeEach(() => {
  cognito.reset();
  ses.reset();
  eventBridge.reset();
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
      notified: true,
    });
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

  it.each([
    ['succeeded', true, 'you have been signed out on all your devices'],
    ['failed', false, 'could not sign you out on your other devices'],
  ])('tells the user the sign-out %s, as it did', async (_, signOutWorks, says) => {
    // Prepare
    succeedEverywhere();
    if (!signOutWorks) {
      cognito.on(AdminUserGlobalSignOutCommand).rejects(new Error('InternalErrorException'));
    }
    // Act
    await invoke();
    // Assess
    const simple = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple;
    expect(simple?.Body?.Text?.Data).toContain(says);
    expect(simple?.Body?.Html?.Data).toContain(says);
    expect(publishedDetail().sessionsRevoked).toBe(signOutWorks);
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
    for (const name of FAILURE_METRICS) {
      expect(output.metrics().get(name)).toEqual({
        dimensions: [['service']],
        value: 0,
        service: ['post-confirmation'],
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
      notified: true,
      eventPublished: true,
    });
  });
});

type Effect = 'revoke' | 'notify' | 'publish';
const EFFECTS: Record<Effect, { metric: string; fail: (how: () => Promise<never>) => void }> = {
  revoke: {
    metric: 'SessionsRevokeFailed',
    fail: (how) => cognito.on(AdminUserGlobalSignOutCommand).callsFake(how),
  },
  notify: {
    metric: 'NotificationFailed',
    fail: (how) => ses.on(SendEmailCommand).callsFake(how),
  },
  publish: {
    metric: 'EventPublishFailed',
    fail: (how) => eventBridge.on(PutEventsCommand).callsFake(how),
  },
};

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

describe.each([
  { mode: 'fails', how: awsError },
  { mode: 'hangs', how: hang },
])(
  'an effect that $mode never stops the others, and the event still comes back in time',
  ({ mode, how }) => {
    it.each<{ name: string; failing: Effect[] }>([
      { name: 'revoking alone', failing: ['revoke'] },
      { name: 'notifying alone', failing: ['notify'] },
      { name: 'publishing alone', failing: ['publish'] },
      { name: 'all three together', failing: ['revoke', 'notify', 'publish'] },
    ])('$name', async ({ failing }) => {
      // Prepare
      succeedEverywhere();
      for (const effect of failing) EFFECTS[effect].fail(how);
      const event = resetEvent();
      const copy = structuredClone(event);
      // Act
      const { result, overrunMs } = await againstControlTimer(SHORT_BUDGET.totalMs, () =>
        handler(event, lambdaContext()),
      );
      // Assess: the event, unchanged, within the budget (as late as this process's timers run)
      expect(result).toStrictEqual(copy);
      expect(overrunMs).toBeLessThan(150);
      // every effect was attempted
      expect(cognito).toReceiveCommandTimes(AdminUserGlobalSignOutCommand, 1);
      expect(ses).toReceiveCommandTimes(SendEmailCommand, 1);
      expect(eventBridge).toReceiveCommandTimes(PutEventsCommand, 1);
      // the event tells which of the first two worked
      expect(publishedDetail()).toMatchObject({
        sessionsRevoked: !failing.includes('revoke'),
        notified: !failing.includes('notify'),
      });
      // one count per failed effect, none for the others, under [service] only
      expect(failureCounts()).toEqual(
        Object.fromEntries(failing.map((effect) => [EFFECTS[effect].metric, 1])),
      );
      for (const effect of failing) {
        const metric = output.metrics().get(EFFECTS[effect].metric);
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

describe('metrics are CloudWatch EMF in the CognitoPasswordReset namespace', () => {
  it('uses exactly the [service] dimension set for the failure metrics, one document per invocation', async () => {
    // Prepare
    EFFECTS.revoke.fail(awsError);
    EFFECTS.notify.fail(awsError);
    EFFECTS.publish.fail(awsError);
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
          Metrics: FAILURE_METRICS.map((Name) => ({ Name, Unit: 'Count' })),
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
  it('logs and counts EventPublishFailed', async () => {
    // Prepare
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    ses.on(SendEmailCommand).resolves({});
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    // Act
    await invoke();
    // Assess
    expect(failureCounts()).toEqual({ EventPublishFailed: 1 });
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', errorName: 'EventRejectedError' }),
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
    // Prepare: revoke and notify keep 150 ms in reserve for the event out of a 100 ms budget,
    // so their slices are 0; the event gets what is left
    succeedEverywhere();
    const starved = buildHandler({
      budget: { totalMs: 100, revokeMs: 200, notifyMs: 200, publishMs: 150, marginMs: 0 },
    });

    // Act
    const event = resetEvent();
    const result = await starved(event, lambdaContext());

    // Assess
    expect(result).toBe(event);
    expect(cognito).toHaveReceivedCommandTimes(AdminUserGlobalSignOutCommand, 0);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 0);
    expect(failureCounts()).toMatchObject({ SessionsRevokeFailed: 1, NotificationFailed: 1 });
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ message: 'Revoking the sessions failed', timeoutMs: 0 }),
    );
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
