/**
 * What the local API Gateway and Lambda runtime hand to a function and make of its answer,
 * proven with probe handlers generated into a temporary directory (`LAMBDA_DIR`): the proxy
 * event's shape, the context's deadline, each function's own environment, the gateway answers
 * for a failing or malformed function, and Cognito's `UserLambdaValidationException` when the
 * post-confirmation trigger fails (cognito-local alone would swallow it).
 */

import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
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
  send,
  signIn,
} from './http-client';
import { startStack, stopStack, type TestStack } from './local-stack';
import { printLogOnFailure } from './stack-log';

/** Probe handlers: plain ES modules, written for this run only. */
const PROBES = {
  // Echoes what it was given, or answers malformed / throws on request.
  'forgot-password': `
    export const handler = async (event, context) => {
      if (event.queryStringParameters?.probe === 'throw') throw new Error('probe failure');
      if (event.queryStringParameters?.probe === 'malformed') return { body: 'no status' };
      return {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json', 'X-Probe': 'forgot' },
        multiValueHeaders: { 'X-Multi': ['a', 'b'] },
        body: JSON.stringify({
          event,
          awsRequestId: context.awsRequestId,
          remainingMs: context.getRemainingTimeInMillis(),
          env: { clientId: process.env.USER_POOL_CLIENT_ID, bus: process.env.EVENT_BUS_NAME ?? null },
        }),
      };
    };`,
  // Hangs past its timeout on request; counts invocations per container otherwise.
  'confirm-forgot-password': `
    let invocations = 0;
    export const handler = async (event) => {
      if (event.body === 'hang') await new Promise(() => setInterval(() => {}, 1000));
      invocations += 1;
      return { statusCode: 200, body: String(invocations) };
    };`,
  'post-confirmation': `
    export const handler = async (event) => {
      if (event.triggerSource === 'PostConfirmation_ConfirmForgotPassword') throw new Error('trigger down');
      return event;
    };`,
  // Leaves every message to Cognito (its default code email).
  'custom-message': `
    export const handler = async (event) => event;`,
  // The stack starts every function on a reset's path; this one reports each job done.
  'deliver-after-reset': `
    export const handler = async () => ({ batchItemFailures: [] });`,
};

let stack: TestStack | undefined;
let lambdaDir = '';
printLogOnFailure(() => stack);

beforeAll(async () => {
  lambdaDir = mkdtempSync(join(tmpdir(), 'password-reset-probes-'));
  for (const [name, source] of Object.entries(PROBES)) {
    mkdirSync(join(lambdaDir, name));
    writeFileSync(join(lambdaDir, name, 'index.mjs'), source);
  }
  stack = await startStack({ env: { LAMBDA_DIR: lambdaDir } });
});

afterAll(async () => {
  await stopStack(stack);
  rmSync(lambdaDir, { recursive: true, force: true });
});

const info = () => {
  if (!stack) throw new Error('the stack did not start');
  return stack.info;
};

interface Echo {
  event: {
    resource: string;
    path: string;
    httpMethod: string;
    headers: Record<string, string>;
    multiValueHeaders: Record<string, string[]>;
    queryStringParameters: Record<string, string> | null;
    requestContext: { requestId: string; identity: { sourceIp: string }; stage: string };
    body: string | null;
    isBase64Encoded: boolean;
  };
  awsRequestId: string;
  remainingMs: number;
  env: { clientId?: string; bus: string | null };
}

function probe(body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return send(`${info().apiUrl}/password/forgot?lang=en&lang=fr`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
}

describe('the proxy event a function receives', () => {
  it('has the REST API v1 shape, with the caller as sourceIp and every header value', async () => {
    // Act
    const answer = await probe('{"username":"a@example.com"}', {
      'X-Forwarded-For': '203.0.113.9',
      'X-Custom': 'one',
    });
    const echo = answer.json<Echo>();

    // Assess
    expect(echo.event).toMatchObject({
      resource: '/password/forgot',
      path: '/password/forgot',
      httpMethod: 'POST',
      body: '{"username":"a@example.com"}',
      isBase64Encoded: false,
      queryStringParameters: { lang: 'fr' },
      multiValueQueryStringParameters: { lang: ['en', 'fr'] },
      requestContext: { identity: { sourceIp: '127.0.0.1' }, stage: 'local' },
    });
    expect(echo.event.headers['X-Forwarded-For']).toBe('203.0.113.9, 127.0.0.1');
    expect(echo.event.multiValueHeaders['X-Custom']).toEqual(['one']);
    expect(echo.event.requestContext.requestId).toBe(answer.headers['x-amzn-requestid']);
    expect(echo.awsRequestId).not.toBe(echo.event.requestContext.requestId);
  });

  it('carries a body that is not UTF-8 as base64', async () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const echo = (await probe(bytes)).json<Echo>();
    expect(echo.event.isBase64Encoded).toBe(true);
    expect(Buffer.from(echo.event.body ?? '', 'base64')).toEqual(bytes);
  });

  it('comes with a context counting down from the 10 s budget, and the API environment', async () => {
    const echo = (await probe('{}')).json<Echo>();
    expect(echo.remainingMs).toBeGreaterThan(9_000);
    expect(echo.remainingMs).toBeLessThanOrEqual(10_000);
    expect(echo.env).toEqual({ clientId: info().clientId, bus: null });
  });

  it("passes the function's headers and multi-value headers through", async () => {
    const answer = await probe('{}');
    expect(answer.headers['x-probe']).toBe('forgot');
    expect(answer.headers['x-multi']).toBe('a, b');
  });
});

describe('gateway answers for a function that fails', () => {
  it.each([
    { case: 'throws', probe: 'throw' },
    { case: 'returns no statusCode', probe: 'malformed' },
  ])('answers 500 INTERNAL when the function $case', async ({ probe: kind }) => {
    const origin = info().allowedOrigins[0] ?? '';
    const answer = await send(`${info().apiUrl}/password/forgot?probe=${kind}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: origin },
      body: '{}',
    });
    expect(answer.status).toBe(500);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.headers['access-control-allow-origin']).toBe(origin);
    expect(answer.json()).toMatchObject({
      code: 'INTERNAL',
      requestId: answer.headers['x-request-id'],
    });
    expect(answer.text).not.toContain('probe failure');
  });
});

describe('a function that passes its timeout', () => {
  it('answers 504 UPSTREAM_TIMEOUT at 10 s, and the next request gets a fresh container', async () => {
    // Prepare
    const confirm = (body: string) =>
      send(`${info().apiUrl}/password/confirm`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
    const warm = await confirm('{}');
    const started = Date.now();

    // Act
    const timedOut = await confirm('hang');
    const elapsed = Date.now() - started;
    const next = await confirm('{}');

    // Assess
    expect(warm.text).toBe('1');
    expect(timedOut.status).toBe(504);
    expect(timedOut.json()).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(10_000);
    expect(next.text).toBe('1');
  }, 20_000);
});

describe('a failing post-confirmation trigger', () => {
  it('fails ConfirmForgotPassword with UserLambdaValidationException after the password changed', async () => {
    // Prepare
    const email = `trigger-${randomUUID()}@example.com`;
    await ensureUser(
      cognitoOf(info()),
      info().userPoolId,
      email,
      `initial-password-${randomUUID()}`,
    );
    const secretHash = computeSecretHash(email, info().clientId, await clientSecret(info()));
    await cognitoOf(info()).send(
      new ForgotPasswordCommand({
        ClientId: info().clientId,
        Username: email,
        SecretHash: secretHash,
      }),
    );
    const password = `after-trigger-${randomUUID()}`;

    // Act
    const confirm = cognitoOf(info()).send(
      new ConfirmForgotPasswordCommand({
        ClientId: info().clientId,
        Username: email,
        SecretHash: secretHash,
        ConfirmationCode: await latestCode(info(), email),
        Password: password,
      }),
    );

    // Assess
    expect(await errorNameOf(confirm)).toBe('UserLambdaValidationException');
    expect((await signIn(info(), email, password)).AuthenticationResult).toBeDefined();
  });
});
