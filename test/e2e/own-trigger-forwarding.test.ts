/**
 * The example's own post-confirmation trigger (`examples/existing-pool/own-trigger/index.mjs`),
 * run here with the environment a deployment gives it, against the real local stack: its Lambda
 * Invoke API stands in for Lambda's, and its post-confirmation function is the after-reset function.
 * After a password reset the trigger hands the event on, and the stack then shows the reset's
 * effects (the sign-out, the "password changed" mail, the PasswordResetCompleted event). Any
 * other confirmation is not handed on. A failed hand-off never fails the user's request and
 * leaves one log line without secrets.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localCognitoClient } from '../../local/seed';
import { REGION } from '../../local/stack';
import { mailbox, send } from './http-client';
import { startStack, stopStack, type TestStack } from './local-stack';
import { printLogOnFailure } from './stack-log';

/**
 * The example is plain JavaScript without declarations: imported through a variable (a literal
 * would make tsc look for them), and typed by {@link OwnTrigger}.
 */
const OWN_TRIGGER_MODULE = join(
  import.meta.dirname,
  '../../examples/existing-pool/own-trigger/index.mjs',
);

interface OwnTrigger {
  handler(event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent>;
}

/** The trigger's own account and region, as deployed next to the password-reset service. */
const TRIGGER_REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const AFTER_RESET_ARN = `arn:aws:lambda:${TRIGGER_REGION}:${ACCOUNT}:function:post-confirmation`;
const MISSING_FUNCTION_ARN = `arn:aws:lambda:${TRIGGER_REGION}:${ACCOUNT}:function:no-such-after-reset`;
/** Dummy credentials, distinctive enough that a log line carrying them would be caught. */
const ACCESS_KEY_ID = `AKIALOCAL${randomUUID().replaceAll('-', '').slice(0, 11).toUpperCase()}`;
const SECRET_ACCESS_KEY = `local-secret-${randomUUID()}`;

/** Generous for a busy 2-core machine; polls end as soon as the stack shows the effect. */
const POLL = { timeout: 20_000, interval: 100 } as const;
const TEST_TIMEOUT_MS = 60_000;

let stack: TestStack | undefined;
printLogOnFailure(() => stack);

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stopStack(stack);
});

const info = () => {
  if (!stack) throw new Error('the stack did not start');
  return stack.info;
};

/** The local services endpoint: the views and the Lambda Invoke API. */
const servicesUrl = () => new URL(info().eventsUrl).origin;

/** The demo user as the pool holds it: the user name Cognito puts in the event, sub and email. */
interface PoolUser {
  readonly userName: string;
  readonly sub: string;
  readonly email: string;
}

async function demoUser(): Promise<PoolUser> {
  const cognito = localCognitoClient(info().cognitoEndpoint, REGION);
  try {
    const user = await cognito.send(
      new AdminGetUserCommand({
        UserPoolId: info().userPoolId,
        Username: info().demoUser.username,
      }),
    );
    const attribute = (name: string) =>
      user.UserAttributes?.find((candidate) => candidate.Name === name)?.Value ?? '';
    const found = {
      userName: user.Username ?? '',
      sub: attribute('sub'),
      email: attribute('email'),
    };
    expect(found).toEqual({
      userName: expect.stringMatching(/\S/),
      sub: expect.stringMatching(/\S/),
      email: expect.stringContaining('@'),
    });
    return found;
  } finally {
    cognito.destroy();
  }
}

/**
 * A post-confirmation event as Cognito sends it (the shape of test/support/trigger-events.ts)
 * for a user of the local pool. `clientMetadata.requestId` is what the confirm API passes on;
 * it tells this call's event apart from every other.
 */
function postConfirmationEvent(
  user: PoolUser,
  triggerSource: PostConfirmationTriggerEvent['triggerSource'],
  requestId: string,
): PostConfirmationTriggerEvent {
  return {
    version: '1',
    region: TRIGGER_REGION,
    userPoolId: info().userPoolId,
    userName: user.userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: info().clientId },
    triggerSource,
    request: {
      userAttributes: {
        sub: user.sub,
        email_verified: 'true',
        'cognito:user_status': 'CONFIRMED',
        email: user.email,
      },
      clientMetadata: { requestId },
    },
    response: {},
  };
}

/**
 * Gives the example a deployment's environment and imports it afresh: its Lambda client is
 * made when the module loads (and the SDK reads the endpoint and credentials at the first call,
 * so the environment stays stubbed until the test ends: `unstubEnvs` restores it).
 */
async function loadOwnTrigger(lambdaEndpoint: string, functionArn: string): Promise<OwnTrigger> {
  vi.stubEnv('AWS_ENDPOINT_URL_LAMBDA', lambdaEndpoint);
  vi.stubEnv('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', undefined);
  vi.stubEnv('AWS_REGION', TRIGGER_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', ACCESS_KEY_ID);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', SECRET_ACCESS_KEY);
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AFTER_RESET_FUNCTION_ARN', functionArn);
  vi.resetModules();
  return (await import(OWN_TRIGGER_MODULE)) as OwnTrigger;
}

/** Every line written through the console while a test runs (restored after each test). */
function captureConsole(): () => string[] {
  const spies = (['error', 'warn', 'info', 'log', 'debug'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation(() => undefined),
  );
  return () =>
    spies.flatMap((spy) =>
      spy.mock.calls.flatMap((call) => call.map(String).join(' ').split('\n')),
    );
}

interface BusEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly time: string;
  readonly detail: Record<string, unknown>;
}

/** Every PasswordResetCompleted on the local bus, oldest first. */
async function resetEvents(): Promise<BusEvent[]> {
  const events = (await send(info().eventsUrl)).json<BusEvent[]>();
  return events.filter((event) => event['detail-type'] === 'PasswordResetCompleted');
}

async function resetEventsOf(sub: string): Promise<BusEvent[]> {
  return (await resetEvents()).filter((event) => event.detail.sub === sub);
}

async function signOutsOf(user: PoolUser): Promise<Record<string, string>[]> {
  const signOuts = (await send(info().signOutsUrl)).json<Record<string, string>[]>();
  return signOuts.filter(
    (record) => record.userPoolId === info().userPoolId && record.username === user.userName,
  );
}

async function notificationsOf(user: PoolUser) {
  return (await mailbox(info(), user.email)).filter((mail) => mail.kind === 'notification');
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('after a password reset the own trigger hands the event to the after-reset function', () => {
  it(
    'answers Cognito with the event unchanged, and the stack shows the event, the sign-out and the mail',
    async () => {
      // Prepare
      const user = await demoUser();
      const requestId = randomUUID();
      const event = postConfirmationEvent(
        user,
        'PostConfirmation_ConfirmForgotPassword',
        requestId,
      );
      const sent = structuredClone(event);
      const before = {
        events: (await resetEventsOf(user.sub)).length,
        signOuts: (await signOutsOf(user)).length,
        notifications: (await notificationsOf(user)).length,
      };
      const trigger = await loadOwnTrigger(servicesUrl(), AFTER_RESET_ARN);
      const lines = captureConsole();

      // Act
      const answer = await trigger.handler(event);
      const signOutsWhenAnswered = await signOutsOf(user);

      // Assess: what Cognito gets, and no failure logged
      expect(answer).toStrictEqual(sent);
      expect(lines()).toEqual([]);

      // Assess: every session of the user had ended when it answered (it waits for the
      // after-reset function, which waits for the sign-out: an order, not a timing)
      expect(signOutsWhenAnswered).toHaveLength(before.signOuts + 1);
      expect(signOutsWhenAnswered.at(-1)).toEqual({
        userPoolId: info().userPoolId,
        username: user.userName,
        at: expect.any(String),
      });

      // Assess: one PasswordResetCompleted for the user, made from this event
      await expect
        .poll(async () => (await resetEventsOf(user.sub)).length, POLL)
        .toBe(before.events + 1);
      const published = (await resetEventsOf(user.sub)).at(-1);
      expect(published).toMatchObject({
        source: 'cognito-password-reset',
        'detail-type': 'PasswordResetCompleted',
        detail: {
          userPoolId: info().userPoolId,
          clientId: info().clientId,
          sub: user.sub,
          requestId,
          sessionsRevoked: true,
          notified: true,
          resetId: expect.any(String),
        },
      });

      // Assess: the "password changed" notice reached the user's verified address
      await expect
        .poll(async () => (await notificationsOf(user)).length, POLL)
        .toBe(before.notifications + 1);
      expect((await notificationsOf(user))[0]).toMatchObject({
        kind: 'notification',
        to: user.email,
        subject: 'Your password was changed',
      });
    },
    TEST_TIMEOUT_MS,
  );
});

describe('any other confirmation is not handed on', () => {
  it(
    'answers a sign-up confirmation with the event, and only the reset after it publishes an event',
    async () => {
      // Prepare
      const user = await demoUser();
      const signUp = postConfirmationEvent(user, 'PostConfirmation_ConfirmSignUp', randomUUID());
      const resetRequestId = randomUUID();
      const reset = postConfirmationEvent(
        user,
        'PostConfirmation_ConfirmForgotPassword',
        resetRequestId,
      );
      const sentSignUp = structuredClone(signUp);
      const before = (await resetEvents()).length;
      const trigger = await loadOwnTrigger(servicesUrl(), AFTER_RESET_ARN);

      // Act: the sign-up first, so once the reset's event is there, the sign-up's would be too
      const signUpAnswer = await trigger.handler(signUp);
      await trigger.handler(reset);

      // Assess
      expect(signUpAnswer).toStrictEqual(sentSignUp);
      await expect
        .poll(
          async () =>
            (await resetEvents()).some((event) => event.detail.requestId === resetRequestId),
          POLL,
        )
        .toBe(true);
      const added = (await resetEvents()).slice(before);
      expect(added.map((event) => event.detail.requestId)).toEqual([resetRequestId]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'makes no Invoke call for a sign-up confirmation (one to a missing function would be logged)',
    async () => {
      // Prepare: a function the endpoint does not have, so every Invoke call fails visibly
      const user = await demoUser();
      const signUp = postConfirmationEvent(user, 'PostConfirmation_ConfirmSignUp', randomUUID());
      const reset = postConfirmationEvent(
        user,
        'PostConfirmation_ConfirmForgotPassword',
        randomUUID(),
      );
      const trigger = await loadOwnTrigger(servicesUrl(), MISSING_FUNCTION_ARN);
      const lines = captureConsole();

      // Act
      await trigger.handler(signUp);
      const afterSignUp = lines();
      await trigger.handler(reset);

      // Assess: nothing for the sign-up; the reset's failed call shows the probe would see one
      expect(afterSignUp).toEqual([]);
      expect(lines()).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('when the after-reset function cannot be reached', () => {
  it.each([
    {
      case: 'the function does not exist',
      endpoint: async () => servicesUrl(),
      functionArn: MISSING_FUNCTION_ARN,
    },
    {
      case: 'nothing listens at the Lambda endpoint',
      endpoint: async () => `http://127.0.0.1:${await closedPort()}`,
      functionArn: AFTER_RESET_ARN,
    },
  ])(
    'answers Cognito with the event unchanged when $case, and logs one line without secrets',
    async ({ endpoint, functionArn }) => {
      // Prepare
      const user = await demoUser();
      const requestId = randomUUID();
      const event = postConfirmationEvent(
        user,
        'PostConfirmation_ConfirmForgotPassword',
        requestId,
      );
      const sent = structuredClone(event);
      const trigger = await loadOwnTrigger(await endpoint(), functionArn);
      const lines = captureConsole();

      // Act
      const answer = await trigger.handler(event);

      // Assess
      expect(answer).toStrictEqual(sent);
      expect(lines()).toHaveLength(1);
      const line = lines()[0] ?? '';
      expect(line).toMatch(/\S/);
      for (const secret of [
        SECRET_ACCESS_KEY,
        ACCESS_KEY_ID,
        user.email,
        user.sub,
        user.userName,
        requestId,
      ]) {
        expect(line).not.toContain(secret);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
