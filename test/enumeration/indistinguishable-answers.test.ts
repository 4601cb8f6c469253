/**
 * Enumeration (issue 7; contract section 3): the answers that could tell an attacker whether an
 * account exists, or why a code failed, are identical apart from the request id: status, every
 * header, and the body.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ALLOWED_ORIGIN, apiEvent } from '../support/api-events';
import { FAKE_DELIVERY } from '../support/aws-fakes';
import { lambdaContext } from '../support/lambda-context';
import { captureLogs } from '../support/log-capture';
import { useApiFakes } from '../support/suite-fakes';

interface CognitoError {
  readonly case: string;
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

const UNKNOWN_USER: CognitoError = {
  case: 'unknown user',
  status: 400,
  type: 'UserNotFoundException',
  message: 'Username/client id combination not found.',
};
const DISABLED_USER: CognitoError = {
  case: 'disabled user',
  status: 400,
  type: 'NotAuthorizedException',
  message: 'User is disabled.',
};
const NO_VERIFIED_CONTACT: CognitoError = {
  case: 'user without a verified email or phone',
  status: 400,
  type: 'InvalidParameterException',
  message:
    'Cannot reset password for the user as there is no registered/verified email or phone_number',
};

/** Cognito's own answers (status, type, message as the service words them). */
const CONFIRM_FAILURES: readonly CognitoError[] = [
  UNKNOWN_USER,
  DISABLED_USER,
  {
    case: 'wrong code',
    status: 400,
    type: 'CodeMismatchException',
    message: 'Invalid verification code provided, please try again.',
  },
  {
    case: 'expired code',
    status: 400,
    type: 'ExpiredCodeException',
    message: 'Invalid code provided, please request a code again.',
  },
  {
    // With PreventUserExistenceErrors, Cognito answers a code never requested as expired.
    case: 'code never requested',
    status: 400,
    type: 'ExpiredCodeException',
    message: 'Invalid code provided, please request a code again.',
  },
  {
    case: 'unconfirmed user',
    status: 400,
    type: 'UserNotConfirmedException',
    message: 'User is not confirmed.',
  },
  NO_VERIFIED_CONTACT,
];

/** What a pool with PreventUserExistenceErrors off answers for users who should look unknown. */
const FORGOT_LEAKS: readonly CognitoError[] = [UNKNOWN_USER, DISABLED_USER, NO_VERIFIED_CONTACT];

const aws = useApiFakes();

/** The answer with the request id taken out of the header and the body. */
function withoutRequestId(result: APIGatewayProxyResult) {
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'x-request-id'),
  );
  let body: unknown = result.body;
  try {
    const parsed = JSON.parse(result.body ?? '') as Record<string, unknown>;
    const { requestId: _requestId, ...rest } = parsed;
    body = rest;
  } catch {
    // not JSON: compared verbatim
  }
  return {
    statusCode: result.statusCode,
    headers,
    multiValueHeaders: result.multiValueHeaders,
    body,
  };
}

async function answer(name: 'forgot' | 'confirm', event: APIGatewayProxyEvent) {
  const logs = captureLogs();
  try {
    const result = await aws[name](event, lambdaContext({ remainingMs: 5_000 }));
    return { result, logs: logs.records() };
  } finally {
    logs.restore();
  }
}

function withOrigin(event: APIGatewayProxyEvent): APIGatewayProxyEvent {
  return { ...event, headers: { ...event.headers, Origin: ALLOWED_ORIGIN } };
}

describe('confirm: every reason a reset cannot proceed answers alike', () => {
  it('gives one status, header set and body apart from requestId', async () => {
    // Prepare / Act
    const answers = [];
    for (const failure of CONFIRM_FAILURES) {
      aws.cognito.clear();
      aws.cognito.inject('ConfirmForgotPassword', { kind: 'error', ...failure }, 1);
      const event = withOrigin(
        apiEvent({
          path: '/password/confirm',
          body: {
            username: `${failure.case.replace(/\W/g, '-')}@example.test`,
            code: '123456',
            password: 'New-Password-123456',
          },
        }),
      );
      const { result } = await answer('confirm', event);
      answers.push({
        case: failure.case,
        answer: withoutRequestId(result),
        requestId: result.headers?.['X-Request-Id'],
      });
    }

    // Assess
    const [first, ...rest] = answers;
    expect(first?.answer.statusCode).toBe(400);
    expect(first?.answer.body).toMatchObject({ code: 'INVALID_CODE' });
    for (const other of rest)
      expect({ case: other.case, ...other.answer }).toEqual({ case: other.case, ...first?.answer });
    expect(new Set(answers.map((entry) => entry.requestId)).size).toBe(answers.length);
  });
});

describe('forgot: a pool that leaks user existence still answers alike', () => {
  it('answers the same 202 for each, and warns that the pool leaks', async () => {
    // Prepare / Act
    const answers = [];
    for (const failure of FORGOT_LEAKS) {
      aws.cognito.clear();
      aws.cognito.inject('ForgotPassword', { kind: 'error', ...failure }, 1);
      const { result, logs } = await answer(
        'forgot',
        withOrigin(
          apiEvent({
            path: '/password/forgot',
            body: { username: `${failure.case.replace(/\W/g, '-')}@example.test` },
          }),
        ),
      );
      answers.push({ case: failure.case, answer: withoutRequestId(result), logs });
    }

    // Assess
    const [first, ...rest] = answers;
    expect(first?.answer.statusCode).toBe(202);
    expect(first?.answer.body).toEqual({
      message: 'If an account matches, a confirmation code has been sent.',
    });
    for (const other of rest)
      expect({ case: other.case, ...other.answer }).toEqual({ case: other.case, ...first?.answer });
    for (const entry of answers) {
      expect(
        entry.logs.some(
          (record) =>
            record.level === 'WARN' &&
            /PreventUserExistenceErrors|leak/i.test(String(record.message)),
        ),
      ).toBe(true);
    }
  });

  it('answers an existing and an unknown user alike when Cognito simulates the delivery', async () => {
    // Prepare: PreventUserExistenceErrors ENABLED, Cognito's simulated delivery has the same shape
    aws.cognito.clear();
    const event = (username: string) =>
      withOrigin(apiEvent({ path: '/password/forgot', body: { username } }));

    // Act
    const existing = await answer('forgot', event('existing@example.test'));
    const unknown = await answer('forgot', event('unknown@example.test'));

    // Assess
    expect(withoutRequestId(existing.result)).toEqual(withoutRequestId(unknown.result));
    expect(withoutRequestId(existing.result).body).toEqual({
      message: 'If an account matches, a confirmation code has been sent.',
    });
    expect(JSON.stringify(existing.result.body)).not.toContain(FAKE_DELIVERY.Destination);
  });
});
