/**
 * Contract section 3: passwords, codes, client secrets, secret hashes and `encodedData` never
 * appear in logs, metrics or answers. Every path runs with recognisable values, at DEBUG level,
 * with event logging requested through the environment and metrics on; everything written to
 * stdout, stderr or the console is captured and scanned.
 */
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../lambda/shared/api-handler';
import { computeSecretHash } from '../../lambda/shared/secret-hash';
import { captureLogs, type LogCapture } from '../support/log-capture';
import { CLIENT_ID, type EventInput, invoke, loadHandler } from './support';

const cognito = mockClient(CognitoIdentityProviderClient);
const secretsManager = mockClient(SecretsManagerClient);

const USERNAME = 'redaction-user';
const PASSWORD = 'Pw-R3DACT-ME-password!';
const CODE = 'CODE-R3DACT-ME-918273';
const SECRET = 'secretR3DACTME0123456789abcdefghijklmnopqrst';
const PREVIOUS_SECRET = 'previousR3DACTME0123456789abcdefghijklmnop';
const ENCODED_DATA = 'ENCODED-R3DACT-ME-fingerprint';
const SECRET_HASH = computeSecretHash(SECRET, USERNAME, CLIENT_ID);
const PREVIOUS_SECRET_HASH = computeSecretHash(PREVIOUS_SECRET, USERNAME, CLIENT_ID);

/**
 * The username is often an email address and the handlers never need to log it: in the list, so
 * that a future `logger.info({ username })` fails this suite.
 */
const FORBIDDEN = {
  USERNAME,
  PASSWORD,
  CODE,
  SECRET,
  PREVIOUS_SECRET,
  ENCODED_DATA,
  SECRET_HASH,
  PREVIOUS_SECRET_HASH,
};

/** An error whose message echoes everything, as AWS validation messages can. */
function leakyError(name: string, status = 400): Error {
  return new CognitoIdentityProviderServiceException({
    name,
    message: `Value '${CODE}' at 'confirmationCode' / '${PASSWORD}' / ${SECRET_HASH} / ${ENCODED_DATA} failed`,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

const ERROR_NAMES = [
  'CodeMismatchException',
  'ExpiredCodeException',
  'UserNotFoundException',
  'NotAuthorizedException',
  'UserNotConfirmedException',
  'InvalidParameterException',
  'InvalidPasswordException',
  'PasswordHistoryPolicyViolationException',
  'LimitExceededException',
  'TooManyFailedAttemptsException',
  'TooManyRequestsException',
  'ForbiddenException',
  'CodeDeliveryFailureException',
  'UserLambdaValidationException',
  'UnexpectedLambdaException',
  'InvalidLambdaResponseException',
  'InternalErrorException',
  'ResourceNotFoundException',
];

const fullBody = {
  username: USERNAME,
  code: CODE,
  password: PASSWORD,
  encodedData: ENCODED_DATA,
  clientMetadata: { note: 'hello' },
};
const rawFull = JSON.stringify(fullBody);

/** Request shapes that fail before Cognito, each carrying the secrets in its body. */
const TRANSPORT_PATHS: readonly (readonly [string, EventInput])[] = [
  ['malformed JSON (the parser keeps the raw body)', { body: `${rawFull.slice(0, -1)},` }],
  [
    'a validation failure on every field',
    {
      body: {
        ...fullBody,
        password: `${PASSWORD} x`,
        code: `${CODE} y`,
        encodedData: ENCODED_DATA.repeat(400),
        extra: PASSWORD,
      },
    },
  ],
  ['a wrong type', { body: { ...fullBody, clientMetadata: { k: { nested: PASSWORD } } } }],
  ['a __proto__ key', { body: rawFull.replace('{', `{"__proto__":{"p":"${PASSWORD}"},`) }],
  ['a wrong content type', { body: rawFull, headers: { 'Content-Type': 'text/plain' } }],
  ['an oversized body', { body: rawFull.padEnd(20_000, ' ') }],
  ['a wrong method', { method: 'PUT', body: rawFull }],
  ['a base64 body', { body: Buffer.from(rawFull).toString('base64'), isBase64Encoded: true }],
  ['a preflight', { method: 'OPTIONS', body: rawFull }],
];

let logs: LogCapture;
const handlers: Record<string, ApiHandler> = {};

beforeAll(async () => {
  logs = captureLogs();
  secretsManager.on(GetSecretValueCommand).resolves({
    SecretString: JSON.stringify({ clientSecret: SECRET, previousClientSecret: PREVIOUS_SECRET }),
  });
  const env = {
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    POWERTOOLS_LOGGER_LOG_EVENT: 'true',
    POWERTOOLS_METRICS_DISABLED: 'false',
    FORGOT_MIN_RESPONSE_MS: '0',
    CONFIRM_MIN_RESPONSE_MS: '0',
  };
  handlers.forgot = await loadHandler('forgot-password', env);
  handlers.confirm = await loadHandler('confirm-forgot-password', env);
});

afterAll(() => {
  logs.restore();
});

/** Runs one request on both handlers; returns both answers and everything written meanwhile. */
async function runEverywhere(input: EventInput): Promise<string> {
  const start = logs.text().length;
  const answers: string[] = [];
  for (const handler of [handlers.forgot, handlers.confirm]) {
    if (!handler) throw new Error('handler not loaded');
    const { result } = await invoke(handler, input);
    answers.push(JSON.stringify(result));
  }
  // Let anything written asynchronously after the answer (metrics flush, late logs) arrive.
  await new Promise((resolve) => setImmediate(resolve));
  return `${answers.join('\n')}\n${logs.text().slice(start)}`;
}

function expectClean(text: string): void {
  for (const [name, value] of Object.entries(FORBIDDEN)) {
    expect(text.includes(value), `${name} leaked`).toBe(false);
  }
}

describe('nothing secret leaves through logs, metrics or answers', () => {
  it('on success', async () => {
    cognito.reset();
    cognito
      .on(ForgotPasswordCommand)
      .resolves({ CodeDeliveryDetails: { DeliveryMedium: 'EMAIL', Destination: 'r***@e***' } });
    cognito.on(ConfirmForgotPasswordCommand).resolves({});
    expectClean(await runEverywhere({ body: fullBody }));
  });

  it.each(ERROR_NAMES)('on %s with a message echoing the values', async (name) => {
    cognito.reset();
    cognito.on(ForgotPasswordCommand).rejects(leakyError(name));
    cognito.on(ConfirmForgotPasswordCommand).rejects(leakyError(name));
    expectClean(await runEverywhere({ body: fullBody }));
  });

  it('on a secret-hash rejection with every secret', async () => {
    cognito.reset();
    const rejection = new CognitoIdentityProviderServiceException({
      name: 'NotAuthorizedException',
      message: `Unable to verify secret hash for client ${CLIENT_ID}: ${SECRET_HASH}`,
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    cognito.on(ForgotPasswordCommand).rejects(rejection);
    cognito.on(ConfirmForgotPasswordCommand).rejects(rejection);
    expectClean(await runEverywhere({ body: fullBody }));
  });

  it('on an unexpected error carrying the values in message and cause', async () => {
    cognito.reset();
    const error = new Error(`boom ${PASSWORD} ${CODE}`, { cause: { body: rawFull } });
    cognito.on(ForgotPasswordCommand).rejects(error);
    cognito.on(ConfirmForgotPasswordCommand).rejects(error);
    expectClean(await runEverywhere({ body: fullBody }));
  });

  it('on a timeout and a refused connection', async () => {
    cognito.reset();
    cognito
      .on(ForgotPasswordCommand)
      .rejects(Object.assign(new Error(`timeout ${CODE}`), { name: 'TimeoutError' }));
    cognito
      .on(ConfirmForgotPasswordCommand)
      .rejects(Object.assign(new Error(`refused ${PASSWORD}`), { code: 'ECONNREFUSED' }));
    expectClean(await runEverywhere({ body: fullBody }));
  });

  it.each(TRANSPORT_PATHS)('on %s', async (_, input) => {
    expectClean(await runEverywhere(input));
  });

  it('captured the logs and metrics it scanned, and they are clean', () => {
    const output = logs.text();
    expect(output).toContain('"message":"Request rejected"');
    expect(output).toContain('"message":"Request failed"');
    expect(output).toContain('"Problem":1');
    expect(output).toContain('"service":"confirm-forgot-password"');
    expectClean(output);
  });
});
