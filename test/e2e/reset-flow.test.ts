/**
 * The password reset end to end, over real HTTP against `npm start`: the real handlers, the
 * local Cognito (which checks SecretHash and hides user existence as Cognito does), the
 * post-confirmation trigger's effects, and the gateway's own answers.
 */
import { randomUUID } from 'node:crypto';
import {
  AdminDisableUserCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSecretHash } from '../../local/secret-hash';
import { ensureUser } from '../../local/seed';
import {
  type Answer,
  clientSecret,
  cognitoOf,
  errorNameOf,
  latestCode,
  mailbox,
  postJson,
  send,
  signIn,
} from './http-client';
import { startStack, stopStack, type TestStack } from './local-stack';
import { printLogOnFailure } from './stack-log';

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

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};
/** Headers that legitimately differ between two otherwise identical answers. */
const PER_REQUEST_HEADERS = new Set(['x-request-id', 'x-amzn-requestid', 'date']);

/** A new confirmed user with a verified email, so each test owns its account. */
async function newUser(
  password = `initial-password-${randomUUID()}`,
): Promise<{ email: string; password: string }> {
  const email = `user-${randomUUID()}@example.com`;
  await ensureUser(cognitoOf(info()), info().userPoolId, email, password);
  return { email, password };
}

function comparable(answer: Answer): {
  status: number;
  headers: Record<string, string>;
  body: unknown;
} {
  const headers = Object.fromEntries(
    Object.entries(answer.headers).filter(([name]) => !PER_REQUEST_HEADERS.has(name)),
  );
  const { requestId: _requestId, ...body } = answer.json();
  return { status: answer.status, headers, body };
}

function expectProblem(answer: Answer, status: number, code: string): Record<string, unknown> {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  expect(answer.headers).toMatchObject(SECURITY_HEADERS);
  const problem = answer.json();
  expect(problem).toMatchObject({ type: 'about:blank', status, code });
  expect(problem.requestId).toBe(answer.headers['x-request-id']);
  return problem;
}

/**
 * How long the after-reset queue may take to deliver the notice and the event on a busy machine:
 * a bound on "eventually", not a speed goal (the worker usually takes tens of milliseconds).
 */
const DELIVERY_TIMEOUT_MS = 20_000;

describe('a full reset: request a code, read it, confirm, sign in with the new password', () => {
  it('changes the password, notifies the user, publishes the event and revokes the sessions', async () => {
    // Prepare
    const user = await newUser();
    const before = await signIn(info(), user.email, user.password);
    const oldRefreshToken = before.AuthenticationResult?.RefreshToken ?? '';
    const newPassword = `a-new-password-${randomUUID()}`;

    // Act
    const forgot = await postJson(info(), '/password/forgot', { username: user.email });
    const code = await latestCode(info(), user.email);
    const confirm = await postJson(info(), '/password/confirm', {
      username: user.email,
      code,
      password: newPassword,
    });

    // Assess: the API
    expect(forgot.status).toBe(202);
    expect(forgot.headers).toMatchObject(SECURITY_HEADERS);
    expect(forgot.json()).toEqual({
      message: 'If an account matches, a confirmation code has been sent.',
    });
    expect(code).toMatch(/^\d{6}$/);
    expect(confirm.status).toBe(204);
    expect(confirm.text).toBe('');

    // Assess: the new password signs in, the old one does not
    const after = await signIn(info(), user.email, newPassword);
    expect(after.AuthenticationResult?.AccessToken).toBeTruthy();
    expect(await errorNameOf(signIn(info(), user.email, user.password))).toBe(
      'NotAuthorizedException',
    );

    // Assess: the trigger's effects, delivered through the after-reset queue (after the answer)
    await expect
      .poll(async () => (await mailbox(info(), user.email)).map((mail) => mail.kind), {
        timeout: DELIVERY_TIMEOUT_MS,
      })
      .toEqual(['notification', 'code']);
    const mails = await mailbox(info(), user.email);
    expect(mails[0]).toMatchObject({ to: user.email, subject: expect.any(String) });
    const eventOf = async () =>
      (await send(info().eventsUrl))
        .json<Record<string, unknown>[]>()
        .find(
          (candidate) =>
            (candidate.detail as Record<string, unknown>).requestId ===
            confirm.headers['x-request-id'],
        );
    await expect.poll(eventOf, { timeout: DELIVERY_TIMEOUT_MS }).toBeDefined();
    const event = await eventOf();
    expect(event).toMatchObject({
      source: 'cognito-password-reset',
      'detail-type': 'PasswordResetCompleted',
      time: expect.any(String),
      detail: {
        userPoolId: info().userPoolId,
        clientId: info().clientId,
        sessionsRevoked: true,
        sessionsRevokedAt: expect.any(String),
        notified: true,
        resetId: expect.any(String),
        sub: expect.any(String),
        occurredAt: expect.any(String),
      },
    });
    const sub = ((event?.detail ?? {}) as Record<string, string>).sub ?? '';
    expect(await mailbox(info(), sub)).toEqual(mails);
    const signOuts = (await send(info().signOutsUrl)).json<Record<string, string>[]>();
    expect(signOuts).toContainEqual({
      userPoolId: info().userPoolId,
      username: sub,
      at: expect.any(String),
    });

    // Assess: a refresh token issued before the reset is refused, as after a real global sign-out
    // (while one issued after it still works)
    const secret = await clientSecret(info());
    const refresh = (refreshToken: string) =>
      cognitoOf(info()).send(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: info().clientId,
          AuthParameters: {
            REFRESH_TOKEN: refreshToken,
            SECRET_HASH: computeSecretHash(sub, info().clientId, secret),
          },
        }),
      );
    expect(await errorNameOf(refresh(oldRefreshToken))).toBe('NotAuthorizedException');
    expect(await errorNameOf(refresh(after.AuthenticationResult?.RefreshToken ?? ''))).toBe('none');
  });
});

describe('codes: wrong, reused, and for an unknown user', () => {
  it('answers INVALID_CODE for a wrong code and leaves the password unchanged', async () => {
    // Prepare
    const user = await newUser();
    await postJson(info(), '/password/forgot', { username: user.email });
    const code = await latestCode(info(), user.email);
    const wrong = code === '000000' ? '111111' : '000000';

    // Act
    const answer = await postJson(info(), '/password/confirm', {
      username: user.email,
      code: wrong,
      password: 'another-long-password-1',
    });

    // Assess
    expectProblem(answer, 400, 'INVALID_CODE');
    expect((await signIn(info(), user.email, user.password)).AuthenticationResult).toBeDefined();
  });

  it('answers INVALID_CODE when a used code is sent again', async () => {
    // Prepare
    const user = await newUser();
    await postJson(info(), '/password/forgot', { username: user.email });
    const code = await latestCode(info(), user.email);
    const first = await postJson(info(), '/password/confirm', {
      username: user.email,
      code,
      password: 'first-new-password-1',
    });

    // Act
    const again = await postJson(info(), '/password/confirm', {
      username: user.email,
      code,
      password: 'second-new-password-2',
    });

    // Assess
    expect(first.status).toBe(204);
    expectProblem(again, 400, 'INVALID_CODE');
  });

  it('answers an unknown user exactly as a wrong code (status, headers, body but the request id)', async () => {
    // Prepare
    const user = await newUser();
    await postJson(info(), '/password/forgot', { username: user.email });
    const password = 'yet-another-password-3';

    // Act
    const wrongCode = await postJson(info(), '/password/confirm', {
      username: user.email,
      code: '999999x',
      password,
    });
    const unknownUser = await postJson(info(), '/password/confirm', {
      username: `nobody-${randomUUID()}@example.com`,
      code: '999999x',
      password,
    });

    // Assess
    expectProblem(wrongCode, 400, 'INVALID_CODE');
    expect(comparable(unknownUser)).toEqual(comparable(wrongCode));
    expect(unknownUser.headers['x-request-id']).not.toBe(wrongCode.headers['x-request-id']);
  });

  it('answers forgot for an unknown or disabled user like for a real one, and sends no mail', async () => {
    // Prepare
    const known = await newUser();
    const disabled = await newUser();
    await cognitoOf(info()).send(
      new AdminDisableUserCommand({ UserPoolId: info().userPoolId, Username: disabled.email }),
    );
    const unknown = `nobody-${randomUUID()}@example.com`;

    // Act
    const answers = await Promise.all(
      [known.email, disabled.email, unknown].map((username) =>
        postJson(info(), '/password/forgot', { username }),
      ),
    );

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.text).toBe((answers[0] as Answer).text);
    }
    expect(comparable(answers[2] as Answer).headers).toEqual(
      comparable(answers[0] as Answer).headers,
    );
    expect(await mailbox(info(), known.email)).toHaveLength(1);
    expect(await mailbox(info(), disabled.email)).toEqual([]);
    expect(await mailbox(info(), unknown)).toEqual([]);
  });
});

describe('usernames are case-insensitive, as in the CDK pool', () => {
  it('resets the password of a user who types the email in capitals', async () => {
    // Prepare
    const user = await newUser();
    const typed = user.email.toUpperCase();
    const password = `case-insensitive-${randomUUID()}`;

    // Act
    const forgot = await postJson(info(), '/password/forgot', { username: typed });
    const code = await latestCode(info(), user.email);
    const confirm = await postJson(info(), '/password/confirm', {
      username: typed,
      code,
      password,
    });

    // Assess
    expect(forgot.status).toBe(202);
    expect(confirm.status).toBe(204);
    expect((await signIn(info(), user.email, password)).AuthenticationResult).toBeDefined();
  });
});

describe('the local Cognito verifies SecretHash as Cognito does', () => {
  it.each([
    {
      case: 'a wrong secret hash',
      hash: (username: string, clientId: string) =>
        computeSecretHash(username, clientId, 'not-the-secret'),
    },
    {
      case: 'a hash of another username',
      hash: (_u: string, clientId: string, secret: string) =>
        computeSecretHash('someone@example.com', clientId, secret),
    },
    { case: 'no secret hash', hash: () => undefined },
  ])('rejects $case with NotAuthorizedException', async ({ hash }) => {
    // Prepare
    const user = await newUser();
    const secret = await clientSecret(info());

    // Act
    const call = cognitoOf(info()).send(
      new ForgotPasswordCommand({
        ClientId: info().clientId,
        Username: user.email,
        SecretHash: hash(user.email, info().clientId, secret),
      }),
    );

    // Assess
    expect(await errorNameOf(call)).toBe('NotAuthorizedException');
    expect(await mailbox(info(), user.email)).toEqual([]);
  });

  it('accepts the right secret hash', async () => {
    const user = await newUser();
    const secret = await clientSecret(info());
    const answer = await cognitoOf(info()).send(
      new ForgotPasswordCommand({
        ClientId: info().clientId,
        Username: user.email,
        SecretHash: computeSecretHash(user.email, info().clientId, secret),
      }),
    );
    expect(answer.CodeDeliveryDetails?.Destination).toMatch(/^u\*\*\*@e\*\*\*$/);
    expect(await mailbox(info(), user.email)).toHaveLength(1);
  });
});

describe('request validation', () => {
  it.each([
    {
      case: 'a missing username',
      path: '/password/forgot',
      body: '{}',
      code: 'VALIDATION_FAILED',
      field: 'username',
    },
    {
      case: 'an unknown field',
      path: '/password/forgot',
      body: '{"username":"a@example.com","clientId":"x"}',
      code: 'VALIDATION_FAILED',
    },
    {
      case: 'a code with whitespace',
      path: '/password/confirm',
      body: '{"username":"a@example.com","code":"12 34","password":"long-enough-password"}',
      code: 'VALIDATION_FAILED',
      field: 'code',
    },
    {
      case: 'a body that is not JSON',
      path: '/password/forgot',
      body: '{"username":',
      code: 'MALFORMED_JSON',
    },
    { case: 'an empty body', path: '/password/confirm', body: '', code: 'MALFORMED_JSON' },
  ])('answers 400 $code for $case', async ({ path, body, code, field }) => {
    const answer = await send(`${info().apiUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    const problem = expectProblem(answer, 400, code);
    if (field) expect(problem.errors).toContainEqual({ field, message: expect.any(String) });
  });

  it('answers 400 MALFORMED_JSON for a body that is not UTF-8 (sent to the function as base64)', async () => {
    const answer = await send(`${info().apiUrl}/password/forgot`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    expectProblem(answer, 400, 'MALFORMED_JSON');
  });

  it('answers INVALID_PASSWORD when the pool policy refuses the new password', async () => {
    const user = await newUser();
    await postJson(info(), '/password/forgot', { username: user.email });
    const code = await latestCode(info(), user.email);
    const answer = await postJson(info(), '/password/confirm', {
      username: user.email,
      code,
      password: 'short',
    });
    expectProblem(answer, 400, 'INVALID_PASSWORD');
    expect(answer.text).not.toContain('short"');
  });
});

describe('what the API answers before or around the function', () => {
  it.each([
    {
      case: 'an unknown path',
      method: 'POST',
      path: '/password/reset',
      status: 404,
      code: 'NOT_FOUND',
    },
    { case: 'the root', method: 'GET', path: '/', status: 404, code: 'NOT_FOUND' },
    {
      case: 'GET on forgot',
      method: 'GET',
      path: '/password/forgot',
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
    },
    {
      case: 'PUT on confirm',
      method: 'PUT',
      path: '/password/confirm',
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
    },
  ])(
    'answers $status $code for $case, with the gateway request id',
    async ({ method, path, status, code }) => {
      const answer = await send(`${info().apiUrl}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expectProblem(answer, status, code);
      expect(answer.headers['x-amzn-requestid']).toBe(answer.headers['x-request-id']);
    },
  );

  it('answers 413 for a body over 16 KiB', async () => {
    const answer = await postJson(info(), '/password/forgot', {
      username: 'a@example.com',
      encodedData: 'x'.repeat(17 * 1024),
    });
    expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/merge-patch+json'])(
    'answers 415 for Content-Type %s',
    async (contentType) => {
      const answer = await send(`${info().apiUrl}/password/forgot`, {
        method: 'POST',
        headers: { 'Content-Type': contentType },
        body: '{"username":"a@example.com"}',
      });
      expectProblem(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    },
  );
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    send(`${info().apiUrl}/password/forgot`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });

  it('allows the configured origin in a preflight', async () => {
    const origin = info().allowedOrigins[0] ?? '';
    const answer = await preflight(origin);
    expect(answer.status).toBe(204);
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Content-Type',
      vary: 'Origin',
      ...SECURITY_HEADERS,
    });
  });

  it('gives a foreign origin no Access-Control-Allow-Origin, in the preflight or the answer', async () => {
    const origin = 'https://attacker.example';
    const answer = await preflight(origin);
    const post = await postJson(
      info(),
      '/password/forgot',
      { username: 'a@example.com' },
      { Origin: origin },
    );
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets the allowed origin read the function answer', async () => {
    const origin = info().allowedOrigins[0] ?? '';
    const post = await postJson(
      info(),
      '/password/forgot',
      { username: 'a@example.com' },
      { Origin: origin },
    );
    expect(post.status).toBe(202);
    expect(post.headers['access-control-allow-origin']).toBe(origin);
  });
});
