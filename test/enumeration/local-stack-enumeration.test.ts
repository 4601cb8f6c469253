/**
 * Enumeration through the real local parts (issue 7; contract section 3): `npm start`'s gateway,
 * the handlers and the local Cognito (cognito-local behind the stack's Cognito front, which
 * behaves as `PreventUserExistenceErrors` ENABLED). Over real HTTP, the answers that could tell
 * an attacker whether an account exists or why a code failed are identical apart from the
 * request id: status, every header, and the body.
 */
import { AdminDisableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, localCognitoClient } from '../../local/seed';
import { useLocalStack } from '../support/local-stack';

const PASSWORD = 'Enumeration-Test-Password-2026';
const stack = useLocalStack({ FORGOT_MIN_RESPONSE_MS: '0' });
let origin: string;

interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
  readonly requestId: string | undefined;
  /** The body exactly as sent, for answers that carry no request id in the body. */
  readonly text: string;
}

/**
 * The headers that legitimately differ between any two answers: the request ids (ours and the
 * gateway's own `x-amzn-RequestId`, as API Gateway sends), and transport headers.
 */
const VARYING_HEADERS = new Set([
  'x-request-id',
  'x-amzn-requestid',
  'date',
  'content-length',
  'connection',
  'keep-alive',
]);

async function post(path: string, body: unknown): Promise<HttpAnswer> {
  const response = await fetch(`${stack.info.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!VARYING_HEADERS.has(name)) headers[name] = value;
  });
  const parsed = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
  const { requestId, ...rest } = parsed;
  return {
    status: response.status,
    headers,
    body: rest,
    requestId: typeof requestId === 'string' ? requestId : undefined,
    text,
  };
}

beforeAll(async () => {
  origin = stack.info.allowedOrigins[0] ?? 'http://127.0.0.1';
  const admin = localCognitoClient(stack.info.cognitoEndpoint, 'eu-west-1');
  for (const email of [
    'never-requested@example.test',
    'disabled@example.test',
    'requested@example.test',
  ])
    await ensureUser(admin, stack.info.userPoolId, email, PASSWORD);
  await admin.send(
    new AdminDisableUserCommand({
      UserPoolId: stack.info.userPoolId,
      Username: 'disabled@example.test',
    }),
  );
  admin.destroy();
}, 90_000);

describe('confirm through the local stack', () => {
  it('answers an unknown user, a disabled user, a wrong code and a code never requested alike', async () => {
    // Prepare: one user has a real code waiting (so "wrong code" is a real mismatch)
    const requested = await post('/password/forgot', { username: 'requested@example.test' });
    expect(requested.status).toBe(202);
    const attempt = (username: string) =>
      post('/password/confirm', { username, code: '000000', password: PASSWORD });

    // Act
    const answers = {
      'unknown user': await attempt('nobody-here@example.test'),
      'disabled user': await attempt('disabled@example.test'),
      'wrong code': await attempt('requested@example.test'),
      'code never requested': await attempt('never-requested@example.test'),
    };

    // Assess
    const reference = answers['unknown user'];
    expect(reference.status).toBe(400);
    expect(reference.body).toMatchObject({ code: 'INVALID_CODE' });
    for (const [name, answer] of Object.entries(answers)) {
      expect({ name, status: answer.status, headers: answer.headers, body: answer.body }).toEqual({
        name,
        status: reference.status,
        headers: reference.headers,
        body: reference.body,
      });
      expect(answer.requestId).toBeTruthy();
    }
  }, 30_000);
});

describe('confirm with a password the pool refuses, through the local stack', () => {
  it('answers an existing, a disabled and an unknown user alike', async () => {
    // Prepare: one user has a real code waiting; the password is below the pool's 15 characters
    const requested = await post('/password/forgot', { username: 'requested@example.test' });
    expect(requested.status).toBe(202);
    const attempt = (username: string) =>
      post('/password/confirm', { username, code: '000000', password: 'too-short' });

    // Act
    const answers = {
      'unknown user': await attempt('nobody-here@example.test'),
      'disabled user': await attempt('disabled@example.test'),
      'code waiting': await attempt('requested@example.test'),
      'code never requested': await attempt('never-requested@example.test'),
    };

    // Assess
    const reference = answers['unknown user'];
    expect(reference.status).toBe(400);
    expect(reference.body).toMatchObject({ code: 'INVALID_PASSWORD' });
    for (const [name, answer] of Object.entries(answers)) {
      expect({ name, status: answer.status, headers: answer.headers, body: answer.body }).toEqual({
        name,
        status: reference.status,
        headers: reference.headers,
        body: reference.body,
      });
    }
  }, 30_000);
});

describe('forgot through the local stack', () => {
  it('answers an existing, a disabled and an unknown user alike', async () => {
    // Act
    const answers = {
      existing: await post('/password/forgot', { username: 'never-requested@example.test' }),
      disabled: await post('/password/forgot', { username: 'disabled@example.test' }),
      unknown: await post('/password/forgot', { username: 'nobody-here@example.test' }),
    };

    // Assess: byte for byte the same status, headers and body (no destination of any kind)
    const reference = answers.existing;
    expect(reference.status).toBe(202);
    expect(reference.text).toBe(
      '{"message":"If an account matches, a confirmation code has been sent."}',
    );
    for (const [name, answer] of Object.entries(answers)) {
      expect({ name, status: answer.status, headers: answer.headers, text: answer.text }).toEqual({
        name,
        status: reference.status,
        headers: reference.headers,
        text: reference.text,
      });
    }
  }, 30_000);
});

describe('the attempt limit through the local stack', () => {
  it.each([
    {
      operation: 'confirm',
      path: '/password/confirm',
      body: (username: string) => ({ username, code: '000000', password: PASSWORD }),
      belowLimit: 400,
    },
    {
      operation: 'forgot',
      path: '/password/forgot',
      body: (username: string) => ({ username }),
      belowLimit: 202,
    },
  ])(
    'meets an existing and an unknown account after the same number of $operation tries, alike',
    async ({ path, body, belowLimit }) => {
      // Prepare: the stack's default limit (10 per account and operation in fixed 15-minute
      // windows); a run that could straddle two windows waits for the next one to begin
      const secondsLeft = 900 - (Math.floor(Date.now() / 1000) % 900);
      if (secondsLeft < 30) await new Promise((resolve) => setTimeout(resolve, secondsLeft * 1000));
      const admin = localCognitoClient(stack.info.cognitoEndpoint, 'eu-west-1');
      const existing = `limit-${path.slice(10)}@example.test`;
      await ensureUser(admin, stack.info.userPoolId, existing, PASSWORD);
      admin.destroy();
      const unknown = `limit-${path.slice(10)}-nobody@example.test`;
      const tries = async (username: string) => {
        const answers: HttpAnswer[] = [];
        for (let attempt = 0; attempt < 11; attempt += 1)
          answers.push(await post(path, body(username)));
        return answers;
      };

      // Act: both accounts tried side by side, eleven times each
      const [forExisting, forUnknown] = await Promise.all([tries(existing), tries(unknown)]);

      // Assess: ten answers as usual, then the same 429 with Retry-After for both
      for (const answers of [forExisting, forUnknown]) {
        expect(answers.slice(0, 10).map((answer) => answer.status)).toEqual(
          Array(10).fill(belowLimit),
        );
      }
      const [first, second] = [forExisting[10], forUnknown[10]] as [HttpAnswer, HttpAnswer];
      expect(first.status).toBe(429);
      expect(first.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      for (const answer of [first, second]) {
        const retryAfter = Number(answer.headers['retry-after']);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(900);
      }
      const withoutRetryAfter = ({ status, headers, body: problem }: HttpAnswer) => {
        const { 'retry-after': _retryAfter, ...rest } = headers;
        return { status, headers: rest, body: problem };
      };
      expect(withoutRetryAfter(second)).toEqual(withoutRetryAfter(first));
    },
    90_000,
  );
});
