/**
 * The handlers against real HTTP endpoints on loopback (the SDK reads
 * `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` / `AWS_ENDPOINT_URL_SECRETS_MANAGER` itself):
 * the answer leaves before the function's deadline however the dependency misbehaves, and
 * transport failures map as contract section 2 says.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../lambda/shared/api-handler';
import { computeSecretHash } from '../../lambda/shared/secret-hash';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type HandlerName,
  invoke,
  json,
  loadHandler,
  secretString,
  validBody,
} from './support';

type Behaviour = (request: IncomingMessage, body: string, response: ServerResponse) => void;

interface FakeEndpoint {
  readonly url: string;
  behaviour: Behaviour;
  readonly requests: {
    target: string;
    body: Record<string, unknown>;
    headers: IncomingMessage['headers'];
  }[];
  close(): Promise<void>;
}

async function fakeEndpoint(initial: Behaviour): Promise<FakeEndpoint> {
  const requests: FakeEndpoint['requests'] = [];
  const endpoint = { behaviour: initial, requests } as { behaviour: Behaviour };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      requests.push({
        target: String(request.headers['x-amz-target'] ?? ''),
        body: JSON.parse(body || '{}') as Record<string, unknown>,
        headers: request.headers,
      });
      endpoint.behaviour(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

const awsJson =
  (status: number, payload: unknown, errorType?: string): Behaviour =>
  (_, __, response) => {
    response.writeHead(status, {
      'Content-Type': 'application/x-amz-json-1.1',
      'x-amzn-RequestId': 'loopback-request',
      ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
    });
    response.end(JSON.stringify(payload));
  };
const hang: Behaviour = () => undefined;

let cognito: FakeEndpoint;
let secretsManager: FakeEndpoint;

beforeAll(async () => {
  cognito = await fakeEndpoint(awsJson(200, {}));
  secretsManager = await fakeEndpoint(awsJson(200, { SecretString: secretString() }));
});

afterAll(async () => {
  await cognito.close();
  await secretsManager.close();
});

beforeEach(() => {
  cognito.requests.length = 0;
  secretsManager.requests.length = 0;
  secretsManager.behaviour = awsJson(200, { SecretString: secretString() });
});

const endpoints = () => ({
  AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.url,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
});

describe('over real HTTP', () => {
  it('sends ForgotPassword with the secret hash and answers the 202 without the delivery Cognito reported', async () => {
    // Prepare
    cognito.behaviour = awsJson(200, {
      CodeDeliveryDetails: { DeliveryMedium: 'EMAIL', Destination: 'a***@e***' },
    });
    const handler = await loadHandler('forgot-password', endpoints());

    // Act
    const { result } = await invoke(handler, { body: validBody('forgot-password') });

    // Assess
    expect(result.statusCode).toBe(202);
    expect(json(result)).toEqual({
      message: 'If an account matches, a confirmation code has been sent.',
    });
    expect(secretsManager.requests.map((request) => request.target)).toEqual([
      'secretsmanager.GetSecretValue',
    ]);
    expect(cognito.requests).toHaveLength(1);
    expect(cognito.requests[0]?.target).toBe('AWSCognitoIdentityProviderService.ForgotPassword');
    expect(cognito.requests[0]?.body).toMatchObject({
      ClientId: CLIENT_ID,
      Username: 'alice@example.com',
      SecretHash: computeSecretHash(CLIENT_SECRET, 'alice@example.com', CLIENT_ID),
    });
  });

  it.each([
    [
      'maps a Cognito error as the SDK deserialises it from the wire',
      'confirm-forgot-password',
      { status: 400, type: 'CodeMismatchException', message: 'Invalid code' },
      { statusCode: 400, code: 'INVALID_CODE' },
    ],
    [
      'does not retry a throttled ForgotPassword (a retry could send a second code)',
      'forgot-password',
      { status: 400, type: 'TooManyRequestsException', message: 'slow down' },
      { statusCode: 429, code: 'TOO_MANY_REQUESTS' },
    ],
    [
      "does not retry a ForgotPassword at a user's attempt limit, and answers the normal 202",
      'forgot-password',
      { status: 400, type: 'LimitExceededException', message: 'Attempt limit exceeded' },
      { statusCode: 202, code: undefined },
    ],
    [
      'does not retry a ConfirmForgotPassword that failed with a 5xx',
      'confirm-forgot-password',
      { status: 500, type: 'InternalErrorException', message: 'oops' },
      { statusCode: 503, code: 'SERVICE_UNAVAILABLE' },
    ],
  ] as const)('%s', async (_, name, error, answer) => {
    cognito.behaviour = awsJson(
      error.status,
      { __type: error.type, message: error.message },
      error.type,
    );
    const handler = await loadHandler(name, endpoints());
    const { result } = await invoke(handler, { body: validBody(name) });
    expect({ statusCode: result.statusCode, code: json(result).code }).toEqual(answer);
    expect(cognito.requests).toHaveLength(1);
  });

  it.each<[string, Behaviour]>([
    [
      'an unreadable answer',
      (_, __, response) => {
        response.writeHead(502, { 'Content-Type': 'text/html' });
        response.end('<html>Bad Gateway</html>');
      },
    ],
    ['a reset connection', (request) => request.socket.destroy()],
  ])('answers 503 for %s', async (_, behaviour) => {
    cognito.behaviour = behaviour;
    const handler = await loadHandler('forgot-password', endpoints());
    const { result } = await invoke(handler, { body: validBody('forgot-password') });
    expect(json(result).code).toBe('SERVICE_UNAVAILABLE');
  });

  it('answers 503 when the endpoint refuses connections', async () => {
    const closed = await fakeEndpoint(hang);
    await closed.close();
    const handler = await loadHandler('forgot-password', {
      ...endpoints(),
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: closed.url,
    });
    const { result } = await invoke(handler, { body: validBody('forgot-password') });
    expect(json(result).code).toBe('SERVICE_UNAVAILABLE');
  });
});

describe('the answer leaves before the deadline', () => {
  const REMAINING_MS = 2_500;

  /** Invokes `name` with `remainingMs` left; the answer and how long it took. */
  async function timedInvoke(handler: ApiHandler, name: HandlerName, remainingMs = REMAINING_MS) {
    const started = performance.now();
    const { result } = await invoke(handler, { body: validBody(name) }, remainingMs);
    return { result, elapsed: performance.now() - started };
  }

  it('when Cognito never answers ConfirmForgotPassword: 504 saying the password may have changed', async () => {
    // Prepare
    cognito.behaviour = hang;
    const handler = await loadHandler('confirm-forgot-password', endpoints());

    // Act
    const { result, elapsed } = await timedInvoke(handler, 'confirm-forgot-password');

    // Assess
    expect(result.statusCode).toBe(504);
    expect(json(result)).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      detail: expect.stringMatching(/password may already have been changed/),
    });
    expect(elapsed).toBeLessThan(REMAINING_MS);
  });

  it('when Cognito never answers ForgotPassword, with the timing floor on', async () => {
    cognito.behaviour = hang;
    const handler = await loadHandler('forgot-password', {
      ...endpoints(),
      FORGOT_MIN_RESPONSE_MS: '5000',
    });
    const { result, elapsed } = await timedInvoke(handler, 'forgot-password');
    expect(result.statusCode).toBe(504);
    expect(elapsed).toBeLessThan(REMAINING_MS);
  });

  it('when Secrets Manager never answers, nothing is cached and the budget runs out first: 504', async () => {
    // Prepare: 2.5 s left leaves 1.7 s for AWS calls, less than the fetch's own 3 s cap
    secretsManager.behaviour = hang;
    const handler = await loadHandler('confirm-forgot-password', endpoints());

    // Act
    const { result, elapsed } = await timedInvoke(handler, 'confirm-forgot-password');

    // Assess: Cognito was never called, so no "password may have changed"
    expect(result.statusCode).toBe(504);
    expect(json(result)).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      detail: 'The request took too long to complete. Try again shortly.',
    });
    expect(result.headers?.['Retry-After']).toBeUndefined();
    expect(elapsed).toBeLessThan(REMAINING_MS);
    expect(cognito.requests).toHaveLength(0);
  });

  it('when Secrets Manager never answers, nothing is cached and budget is left: 503 with Retry-After', async () => {
    // Prepare: 9.5 s left; the fetch gives up at its own 3 s cap, long before the budget
    secretsManager.behaviour = hang;
    const handler = await loadHandler('confirm-forgot-password', endpoints());

    // Act
    const { result, elapsed } = await timedInvoke(handler, 'confirm-forgot-password', 9_500);

    // Assess
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toBe('2');
    expect(json(result)).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(String(json(result).detail)).not.toMatch(/password may already have been changed/);
    expect(elapsed).toBeLessThan(9_500 - 800);
    expect(cognito.requests).toHaveLength(0);
  });
});
