/**
 * Test support: REST API v1 proxy events built on a real API Gateway sample, Lambda contexts, and
 * a loader that imports a handler as a fresh container (module state such as the secret cache
 * starts empty) after setting the environment of contract section 5.
 */
import { randomUUID } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, vi } from 'vitest';
import type { ApiHandler } from '../../lambda/shared/api-handler';
import sample from './fixtures/apigw-rest-proxy-event.json' with { type: 'json' };

export type HandlerName = 'forgot-password' | 'confirm-forgot-password';

export const CLIENT_ID = '3n4b5urk1ft4fl3mg5e62d9ado';
export const CLIENT_SECRET = 'q0ea1mj9ihbt7hcc9rb2ehrq4o8b9q3j1bmiv7nqq2m9g3a8pvu';
export const PREVIOUS_CLIENT_SECRET = 'previoussecret0123456789abcdefghijklmnopqrstuvw';
export const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:reset-client-AbCdEf';
export const ALLOWED_ORIGIN = 'https://app.example.com';
export const SOURCE_IP = sample.requestContext.identity.sourceIp;

/** The environment a deployed handler gets, with the timing floor off unless a test wants it. */
export const TEST_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'eu-west-1',
  // Dummies: the SDK signs with whatever it is given, and no request leaves the process.
  AWS_ACCESS_KEY_ID: 'test-access-key-id',
  AWS_SECRET_ACCESS_KEY: 'test-secret-access-key',
  USER_POOL_CLIENT_ID: CLIENT_ID,
  CLIENT_SECRET_ID: SECRET_ID,
  ALLOWED_ORIGINS: `${ALLOWED_ORIGIN}, https://admin.example.com`,
  FORGOT_MIN_RESPONSE_MS: '0',
  CONFIRM_MIN_RESPONSE_MS: '0',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  // Quiet by default; the redaction and metrics tests turn output on and capture it.
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

export const PATHS: Readonly<Record<HandlerName, string>> = {
  'forgot-password': '/password/forgot',
  'confirm-forgot-password': '/password/confirm',
};

let previousKeys: string[] = [];

/**
 * Imports a handler as a new container would: environment set first, module registry reset so
 * that configuration is read and the secret prefetch starts again.
 */
export async function loadHandler(
  name: HandlerName,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<ApiHandler> {
  // Plain assignment, not vi.stubEnv: the container's environment must outlive the test that
  // loaded it (Powertools reads some variables per call), until the next container replaces it.
  for (const key of previousKeys) delete process.env[key];
  previousKeys = Object.keys({ ...TEST_ENV, ...env });
  for (const [key, value] of Object.entries({ ...TEST_ENV, ...env })) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  vi.resetModules();
  const module: { handler: ApiHandler } = await import(`../../lambda/${name}/index.ts`);
  return module.handler;
}

export interface EventInput {
  readonly path?: string;
  readonly method?: string;
  /** A string is sent as is; anything else is JSON-encoded; `null` means no body. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Replaces the default `Content-Type: application/json` header set. */
  readonly replaceHeaders?: boolean;
  readonly isBase64Encoded?: boolean;
  readonly sourceIp?: string;
}

/** A REST API v1 proxy event based on a real sample. */
export function restEvent(input: EventInput = {}): APIGatewayProxyEvent {
  const base = structuredClone(sample) as unknown as APIGatewayProxyEvent;
  const path = input.path ?? '/password/forgot';
  const method = input.method ?? 'POST';
  const headers: Record<string, string> = input.replaceHeaders
    ? { ...input.headers }
    : {
        ...(base.headers as Record<string, string>),
        'Content-Type': 'application/json',
        ...input.headers,
      };
  const body =
    input.body === undefined || input.body === null
      ? null
      : typeof input.body === 'string'
        ? input.body
        : JSON.stringify(input.body);
  return {
    ...base,
    resource: path,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    body,
    isBase64Encoded: input.isBase64Encoded ?? false,
    requestContext: {
      ...base.requestContext,
      resourcePath: path,
      httpMethod: method,
      path: `/prod${path}`,
      requestId: randomUUID(),
      identity: { ...base.requestContext.identity, sourceIp: input.sourceIp ?? SOURCE_IP },
    },
  };
}

/** A Lambda context whose deadline is `remainingMs` from its creation. */
export function lambdaContext(remainingMs = 10_000, awsRequestId: string = randomUUID()): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'PasswordResetStack-ForgotPassword',
    functionVersion: '$LATEST',
    invokedFunctionArn:
      'arn:aws:lambda:eu-west-1:123456789012:function:PasswordResetStack-ForgotPassword',
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: '/aws/lambda/PasswordResetStack-ForgotPassword',
    logStreamName: '2026/11/26/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Calls a handler with a fresh context; returns the answer and the request id used. */
export async function invoke(
  handler: ApiHandler,
  input: EventInput,
  remainingMs = 10_000,
): Promise<{ result: APIGatewayProxyResult; requestId: string }> {
  const context = lambdaContext(remainingMs);
  const result = await handler(restEvent(input), context);
  return { result, requestId: context.awsRequestId };
}

/** The parsed JSON body of an answer. */
export function json(result: APIGatewayProxyResult): Record<string, unknown> {
  return JSON.parse(result.body) as Record<string, unknown>;
}

/** The headers every answer carries (contract section 3), `X-Request-Id` apart. */
export const SECURITY_HEADER_VALUES: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/** A valid body for each operation. */
export function validBody(name: HandlerName): Record<string, unknown> {
  return name === 'forgot-password'
    ? { username: 'alice@example.com' }
    : { username: 'alice@example.com', code: '123456', password: 'N3w-Passw0rd!' };
}

/** The secret as Secrets Manager stores it (contract section 5). */
export function secretString(current = CLIENT_SECRET, previous?: string): string {
  return JSON.stringify({
    clientSecret: current,
    ...(previous ? { previousClientSecret: previous } : {}),
  });
}

/**
 * Mocks of both AWS clients the handlers use, reset before every test to a healthy service (the
 * secret found, Cognito accepting), so that a test states only the failure it is about.
 */
export function mockHealthyAws() {
  const cognito = mockClient(CognitoIdentityProviderClient);
  const secretsManager = mockClient(SecretsManagerClient);
  beforeEach(() => {
    cognito.reset();
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
    cognito.on(ForgotPasswordCommand).resolves({});
    cognito.on(ConfirmForgotPasswordCommand).resolves({});
  });
  return { cognito, secretsManager };
}
