/**
 * Contract section 2, row by row: what each Cognito error (and each failure of the transport
 * around it) answers on each operation: status, code, problem document and headers.
 */
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../lambda/shared/api-handler';
import { captureLogs } from '../support/log-capture';
import {
  type HandlerName,
  invoke,
  json,
  loadHandler,
  SECURITY_HEADER_VALUES,
  secretString,
  validBody,
} from './support';

const cognito = mockClient(CognitoIdentityProviderClient);
const secretsManager = mockClient(SecretsManagerClient);

/** A Cognito service error as the SDK deserialises it. */
function cognitoError(name: string, message = `${name} message`, status = 400): Error {
  return new CognitoIdentityProviderServiceException({
    name,
    message,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'cognito-request-id' },
  });
}

/** A transport failure as Node's HTTP stack raises it. */
function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code });
}

function namedError(name: string): Error {
  return Object.assign(new Error('timed out'), { name });
}

interface Row {
  readonly when: string;
  readonly error: () => Error;
  readonly status: number;
  readonly code: string;
  readonly retryAfter?: string;
  readonly detail?: RegExp;
}

const NO_VERIFIED_CONTACT =
  'Cannot reset password for the user as there is no registered/verified email or phone_number';
const SECRET_HASH_REJECTED = 'Unable to verify secret hash for client 3n4b5urk1ft4fl3mg5e62d9ado';
/** Cognito's wording when the request carries no `SecretHash` at all. */
const SECRET_HASH_MISSING =
  'Client 3n4b5urk1ft4fl3mg5e62d9ado is configured with secret but SECRET_HASH was not received';

/** Rows both operations share. */
const COMMON_ROWS: readonly Row[] = [
  {
    when: 'TooManyRequestsException',
    error: () => cognitoError('TooManyRequestsException', 'Rate exceeded', 429),
    status: 429,
    code: 'TOO_MANY_REQUESTS',
    retryAfter: '5',
  },
  {
    when: 'ForbiddenException (WAF on the pool)',
    error: () => cognitoError('ForbiddenException', 'blocked', 403),
    status: 403,
    code: 'FORBIDDEN',
  },
  {
    when: 'InternalErrorException',
    error: () => cognitoError('InternalErrorException', 'internal', 500),
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    retryAfter: '2',
  },
  {
    when: 'another 5xx',
    error: () => cognitoError('UnknownError', 'Bad Gateway', 502),
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    retryAfter: '2',
  },
  {
    when: 'a refused connection',
    error: () => networkError('ECONNREFUSED'),
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    retryAfter: '2',
  },
  {
    when: 'a reset connection',
    error: () => networkError('ECONNRESET'),
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    retryAfter: '2',
  },
  {
    when: 'an unreadable response',
    error: () => namedError('SyntaxError'),
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    retryAfter: '2',
  },
  {
    when: 'ResourceNotFoundException (configuration)',
    error: () => cognitoError('ResourceNotFoundException', 'no client', 404),
    status: 500,
    code: 'INTERNAL',
  },
  {
    when: 'InvalidParameterException not caused by the request',
    error: () => cognitoError('InvalidParameterException', 'client is not configured'),
    status: 500,
    code: 'INTERNAL',
  },
  {
    when: 'OperationNotEnabledException (a transient regional condition of multi-Region pools)',
    error: () => cognitoError('OperationNotEnabledException'),
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    retryAfter: '2',
  },
  { when: 'an unknown error', error: () => new TypeError('boom'), status: 500, code: 'INTERNAL' },
  {
    when: 'a secret hash Cognito says it did not receive (every secret)',
    error: () => cognitoError('NotAuthorizedException', SECRET_HASH_MISSING),
    status: 500,
    code: 'INTERNAL',
  },
  {
    when: 'a secret hash Cognito keeps rejecting',
    error: () => cognitoError('NotAuthorizedException', SECRET_HASH_REJECTED),
    status: 500,
    code: 'INTERNAL',
  },
];

const FORGOT_ROWS: readonly Row[] = [
  ...COMMON_ROWS,
  {
    when: 'CodeDeliveryFailureException',
    error: () => cognitoError('CodeDeliveryFailureException'),
    status: 502,
    code: 'DELIVERY_FAILED',
  },
  {
    when: 'UserLambdaValidationException (trigger)',
    error: () => cognitoError('UserLambdaValidationException'),
    status: 502,
    code: 'DELIVERY_FAILED',
  },
  {
    when: 'UnexpectedLambdaException (trigger)',
    error: () => cognitoError('UnexpectedLambdaException'),
    status: 502,
    code: 'DELIVERY_FAILED',
  },
  {
    when: 'InvalidLambdaResponseException (trigger)',
    error: () => cognitoError('InvalidLambdaResponseException'),
    status: 502,
    code: 'DELIVERY_FAILED',
  },
  {
    when: 'InvalidEmailRoleAccessPolicyException',
    error: () => cognitoError('InvalidEmailRoleAccessPolicyException'),
    status: 500,
    code: 'INTERNAL',
  },
  {
    when: 'InvalidSmsRoleAccessPolicyException',
    error: () => cognitoError('InvalidSmsRoleAccessPolicyException'),
    status: 500,
    code: 'INTERNAL',
  },
  {
    when: 'InvalidSmsRoleTrustRelationshipException',
    error: () => cognitoError('InvalidSmsRoleTrustRelationshipException'),
    status: 500,
    code: 'INTERNAL',
  },
  {
    when: 'the call ran out of time',
    error: () => namedError('TimeoutError'),
    status: 504,
    code: 'UPSTREAM_TIMEOUT',
    detail: /^The request took too long to complete\. Try again shortly\.$/,
  },
  {
    when: 'the call was aborted at the budget',
    error: () => namedError('AbortError'),
    status: 504,
    code: 'UPSTREAM_TIMEOUT',
    detail: /^The request took too long to complete\. Try again shortly\.$/,
  },
];

const CONFIRM_ROWS: readonly Row[] = [
  ...COMMON_ROWS,
  {
    when: 'CodeMismatchException',
    error: () => cognitoError('CodeMismatchException'),
    status: 400,
    code: 'INVALID_CODE',
  },
  {
    when: 'ExpiredCodeException',
    error: () => cognitoError('ExpiredCodeException'),
    status: 400,
    code: 'INVALID_CODE',
  },
  {
    when: 'UserNotFoundException',
    error: () => cognitoError('UserNotFoundException', 'User does not exist.', 404),
    status: 400,
    code: 'INVALID_CODE',
  },
  {
    when: 'NotAuthorizedException (disabled user)',
    error: () => cognitoError('NotAuthorizedException', 'User is disabled.', 403),
    status: 400,
    code: 'INVALID_CODE',
  },
  {
    when: 'UserNotConfirmedException',
    error: () => cognitoError('UserNotConfirmedException'),
    status: 400,
    code: 'INVALID_CODE',
  },
  {
    when: 'InvalidParameterException (no verified email or phone)',
    error: () => cognitoError('InvalidParameterException', NO_VERIFIED_CONTACT),
    status: 400,
    code: 'INVALID_CODE',
  },
  {
    when: 'InvalidPasswordException',
    error: () =>
      cognitoError(
        'InvalidPasswordException',
        'Password did not conform with policy: Password not long enough',
      ),
    status: 400,
    code: 'INVALID_PASSWORD',
    detail: /^The new password is too short\.$/,
  },
  {
    when: 'PasswordHistoryPolicyViolationException',
    error: () => cognitoError('PasswordHistoryPolicyViolationException'),
    status: 400,
    code: 'PASSWORD_REUSED',
  },
  // One user's attempt limits: only an existing account reaches them (issue 11 item 5).
  {
    when: 'LimitExceededException (a user at its attempt limit)',
    error: () =>
      cognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.'),
    status: 400,
    code: 'INVALID_CODE',
  },
  {
    when: 'TooManyFailedAttemptsException',
    error: () => cognitoError('TooManyFailedAttemptsException'),
    status: 400,
    code: 'INVALID_CODE',
  },
  {
    when: 'UserLambdaValidationException (trigger)',
    error: () => cognitoError('UserLambdaValidationException'),
    status: 502,
    code: 'PASSWORD_RESET_INCOMPLETE',
    detail: /signing in with the new password/,
  },
  {
    when: 'UnexpectedLambdaException (trigger)',
    error: () => cognitoError('UnexpectedLambdaException'),
    status: 502,
    code: 'PASSWORD_RESET_INCOMPLETE',
  },
  {
    when: 'InvalidLambdaResponseException (trigger)',
    error: () => cognitoError('InvalidLambdaResponseException'),
    status: 502,
    code: 'PASSWORD_RESET_INCOMPLETE',
  },
  {
    when: 'the call ran out of time',
    error: () => namedError('TimeoutError'),
    status: 504,
    code: 'UPSTREAM_TIMEOUT',
    detail: /password may already have been changed/,
  },
  {
    when: 'the call was aborted at the budget',
    error: () => namedError('AbortError'),
    status: 504,
    code: 'UPSTREAM_TIMEOUT',
    detail: /password may already have been changed/,
  },
];

const OPERATIONS: readonly { name: HandlerName; rows: readonly Row[] }[] = [
  { name: 'forgot-password', rows: FORGOT_ROWS },
  { name: 'confirm-forgot-password', rows: CONFIRM_ROWS },
];

describe.each(OPERATIONS)('$name: every row of the error table', ({ name, rows }) => {
  let handler: ApiHandler;
  // One type for both: the mock is keyed on the class, the input shapes differ only in fields.
  const command = (
    name === 'forgot-password' ? ForgotPasswordCommand : ConfirmForgotPasswordCommand
  ) as typeof ForgotPasswordCommand;

  beforeAll(async () => {
    handler = await loadHandler(name);
  });

  beforeEach(() => {
    cognito.reset();
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
  });

  it.each(rows)('$when answers $status $code', async (row) => {
    // Prepare
    cognito.on(command).rejects(row.error());

    // Act
    const { result, requestId } = await invoke(handler, { body: validBody(name) });

    // Assess
    expect(result.statusCode).toBe(row.status);
    expect(result.headers).toMatchObject({
      ...SECURITY_HEADER_VALUES,
      'Content-Type': 'application/problem+json',
      'X-Request-Id': requestId,
    });
    expect(result.headers?.['Retry-After']).toBe(row.retryAfter);
    const body = json(result);
    expect(Object.keys(body).sort()).toEqual([
      'code',
      'detail',
      'requestId',
      'status',
      'title',
      'type',
    ]);
    expect(body).toMatchObject({
      type: 'about:blank',
      status: row.status,
      code: row.code,
      requestId,
    });
    expect(body.title).toEqual(expect.any(String));
    if (row.detail) expect(body.detail).toMatch(row.detail);
    expect(result.body).not.toContain('message');
  });
});

describe('forgot-password: errors that would reveal an account answer the generic 202', () => {
  let handler: ApiHandler;

  beforeAll(async () => {
    handler = await loadHandler('forgot-password');
  });

  beforeEach(() => {
    cognito.reset();
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
  });

  it.each([
    {
      when: 'UserNotFoundException',
      error: () => cognitoError('UserNotFoundException', 'User does not exist.', 404),
    },
    {
      when: 'NotAuthorizedException (disabled user)',
      error: () => cognitoError('NotAuthorizedException', 'User is disabled.', 403),
    },
    {
      when: 'InvalidParameterException (no verified email or phone)',
      error: () => cognitoError('InvalidParameterException', NO_VERIFIED_CONTACT),
    },
    {
      when: 'LimitExceededException (a user at its attempt limit)',
      error: () =>
        cognitoError(
          'LimitExceededException',
          'Attempt limit exceeded, please try after some time.',
        ),
    },
    {
      when: 'TooManyFailedAttemptsException',
      error: () => cognitoError('TooManyFailedAttemptsException'),
    },
  ])('$when answers the normal 202', async ({ error }) => {
    // Prepare
    cognito.on(ForgotPasswordCommand).rejects(error());

    // Act
    const { result, requestId } = await invoke(handler, { body: validBody('forgot-password') });

    // Assess
    expect(result.statusCode).toBe(202);
    expect(result.headers).toMatchObject({
      ...SECURITY_HEADER_VALUES,
      'Content-Type': 'application/json',
      'X-Request-Id': requestId,
    });
    expect(json(result)).toEqual({
      message: 'If an account matches, a confirmation code has been sent.',
    });
  });

  it('success answers the same 202, without the delivery Cognito reported', async () => {
    // Prepare
    cognito.on(ForgotPasswordCommand).resolves({
      CodeDeliveryDetails: {
        DeliveryMedium: 'SMS',
        Destination: '+*******0123',
        AttributeName: 'phone_number',
      },
    });

    // Act
    const { result } = await invoke(handler, { body: validBody('forgot-password') });

    // Assess
    expect(result.statusCode).toBe(202);
    expect(json(result)).toEqual({
      message: 'If an account matches, a confirmation code has been sent.',
    });
    expect(result.body).not.toContain('0123');
  });
});

describe('confirm-forgot-password: success', () => {
  it('answers 204 with no body and no content type', async () => {
    // Prepare
    cognito.reset();
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
    cognito.on(ConfirmForgotPasswordCommand).resolves({});
    const handler = await loadHandler('confirm-forgot-password');

    // Act
    const { result, requestId } = await invoke(handler, {
      body: validBody('confirm-forgot-password'),
    });

    // Assess
    expect(result.statusCode).toBe(204);
    expect(result.body).toBe('');
    expect(result.headers).toMatchObject({ ...SECURITY_HEADER_VALUES, 'X-Request-Id': requestId });
    expect(result.headers?.['Content-Type']).toBeUndefined();
  });
});

describe('password policy failures state the rule, never the password', () => {
  let handler: ApiHandler;

  beforeAll(async () => {
    handler = await loadHandler('confirm-forgot-password');
  });

  beforeEach(() => {
    cognito.reset();
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
  });

  it.each([
    [
      'Password did not conform with policy: Password must have uppercase characters',
      'The new password must contain an uppercase letter.',
    ],
    [
      'Password did not conform with policy: Password must have lowercase characters',
      'The new password must contain a lowercase letter.',
    ],
    [
      'Password did not conform with policy: Password must have numeric characters',
      'The new password must contain a number.',
    ],
    [
      'Password does not conform to policy: Password must have symbol characters',
      'The new password must contain a symbol.',
    ],
    [
      'Password did not conform with policy: Password not long enough',
      'The new password is too short.',
    ],
    [
      'Something Cognito has not said before',
      'The new password does not meet the password policy.',
    ],
  ])('%s', async (message, detail) => {
    // Prepare
    cognito
      .on(ConfirmForgotPasswordCommand)
      .rejects(cognitoError('InvalidPasswordException', message));

    // Act
    const { result } = await invoke(handler, { body: validBody('confirm-forgot-password') });

    // Assess
    expect(json(result)).toMatchObject({ code: 'INVALID_PASSWORD', detail });
  });

  it('never passes on a password that Cognito echoes in its message, in the answer or the logs', async () => {
    // Prepare
    const password = validBody('confirm-forgot-password').password as string;
    const logs = captureLogs();
    const echoing = await loadHandler('confirm-forgot-password', { POWERTOOLS_LOG_LEVEL: 'DEBUG' });
    cognito
      .on(ConfirmForgotPasswordCommand)
      .rejects(
        cognitoError(
          'InvalidPasswordException',
          `Password did not conform with policy: Password must have symbol characters (got '${password}')`,
        ),
      );

    // Act
    const { result } = await invoke(echoing, { body: validBody('confirm-forgot-password') });
    logs.restore();

    // Assess
    expect(json(result)).toMatchObject({
      code: 'INVALID_PASSWORD',
      detail: 'The new password must contain a symbol.',
    });
    expect(result.body).not.toContain(password);
    expect(logs.records()).toContainEqual(
      expect.objectContaining({
        message: 'Request rejected',
        upstream: 'InvalidPasswordException',
      }),
    );
    expect(logs.text()).not.toContain(password);
  });
});
