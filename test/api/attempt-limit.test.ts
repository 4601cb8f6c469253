/**
 * Issue 11 item 6: a per-account attempt limit of our own, counted the same way for unknown
 * accounts, keyed by a keyed hash of the normalized username, with `Retry-After`.
 */
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DynamoDBClient,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  attemptKey,
  DEFAULT_ATTEMPT_LIMIT,
  readAttemptLimitConfig,
  windowOf,
} from '../../lambda/shared/attempt-limit';
import { CLIENT_SECRET, invoke, json, loadHandler, secretString, validBody } from './support';

const cognito = mockClient(CognitoIdentityProviderClient);
const secretsManager = mockClient(SecretsManagerClient);
const dynamo = mockClient(DynamoDBClient);
const TABLE = 'password-reset-attempts';
const LIMITED = { ATTEMPTS_TABLE_NAME: TABLE, ATTEMPT_LIMIT: '3', ATTEMPT_WINDOW_SECONDS: '900' };

/** DynamoDB's `ADD`: one counter per key, as the table keeps it. */
let counters: Map<string, number>;

/** Mid-window (12:07:30 in a 15-minute window), so no run straddles two windows. */
const NOW = new Date('2026-06-01T12:07:30Z');

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  cognito.reset();
  secretsManager.reset();
  dynamo.reset();
  counters = new Map();
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
  dynamo.on(UpdateItemCommand).callsFake((input: UpdateItemCommandInput) => {
    const key = input.Key?.key?.S ?? '';
    const attempts = (counters.get(key) ?? 0) + 1;
    counters.set(key, attempts);
    return { Attributes: { attempts: { N: String(attempts) } } };
  });
  // PreventUserExistenceErrors: an unknown user and a wrong code answer the same mismatch.
  cognito.on(ConfirmForgotPasswordCommand).rejects(
    new CognitoIdentityProviderServiceException({
      name: 'CodeMismatchException',
      message: 'Invalid verification code provided, please try again.',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    }),
  );
  cognito.on(ForgotPasswordCommand).resolves({});
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the limit settings', () => {
  it.each([
    [{}, { tableName: undefined, limit: DEFAULT_ATTEMPT_LIMIT, windowSeconds: 900 }],
    [{ ATTEMPTS_TABLE_NAME: ' t ' }, { tableName: 't', limit: 10, windowSeconds: 900 }],
    [{ ATTEMPT_LIMIT: '0' }, { tableName: undefined, limit: 0, windowSeconds: 900 }],
    [{ ATTEMPT_LIMIT: 'lots' }, { tableName: undefined, limit: 10, windowSeconds: 900 }],
    [{ ATTEMPT_WINDOW_SECONDS: '0' }, { tableName: undefined, limit: 10, windowSeconds: 900 }],
    [{ ATTEMPT_WINDOW_SECONDS: '60' }, { tableName: undefined, limit: 10, windowSeconds: 60 }],
  ])('%j gives %j', (env, expected) => {
    expect(readAttemptLimitConfig(env)).toEqual(expected);
  });
});

describe('the account key', () => {
  it('is the same for the same account however it is typed (case, Unicode form)', () => {
    expect(attemptKey('s', 'confirm', 'Zoë@Example.com')).toBe(
      attemptKey('s', 'confirm', 'zo\u0065\u0308@example.com'),
    );
  });

  it('differs per operation and per secret, and holds nothing of the username', () => {
    const key = attemptKey('s', 'confirm', 'alice@example.com');
    expect(attemptKey('s', 'forgot', 'alice@example.com')).not.toBe(key);
    expect(attemptKey('other', 'confirm', 'alice@example.com')).not.toBe(key);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.toLowerCase()).not.toContain('alice');
  });

  it('puts requests into fixed windows that end where the next begins', () => {
    expect(windowOf(1_000_000_123, 900)).toEqual({ start: 999_999_900, end: 1_000_000_800 });
    expect(windowOf(1_000_000_800, 900).start).toBe(1_000_000_800);
  });
});

describe.each([
  { name: 'confirm-forgot-password', status: 400 },
  { name: 'forgot-password', status: 202 },
] as const)('$name past the limit', ({ name, status }) => {
  const body = (username: string) => ({ ...validBody(name), username });

  it('answers 429 with the window as Retry-After, without asking Cognito', async () => {
    // Prepare
    const handler = await loadHandler(name, LIMITED);

    // Act
    const answers = [];
    for (let index = 0; index < 4; index += 1) {
      answers.push((await invoke(handler, { body: body('alice@example.com') })).result);
    }

    // Assess
    expect(answers.map((answer) => answer.statusCode)).toEqual([status, status, status, 429]);
    const last = answers[3];
    expect(json(last ?? { statusCode: 0, body: '{}' })).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
    });
    // The window ends at 12:15:00, 450 s after NOW
    expect(last?.headers?.['Retry-After']).toBe('450');
    expect(cognito.calls()).toHaveLength(3);
  });

  it('counts an unknown account exactly like an existing one: the same answers, in the same order', async () => {
    // Prepare: whatever Cognito would say, the limit is met after the same number of tries
    const handler = await loadHandler(name, LIMITED);
    const run = async (username: string) => {
      const statuses = [];
      for (let index = 0; index < 4; index += 1) {
        const { result } = await invoke(handler, { body: body(username) });
        statuses.push({ status: result.statusCode, code: result.body ? json(result).code : '' });
      }
      return statuses;
    };

    // Act
    const existing = await run('existing@example.com');
    const unknown = await run('nobody-at-all@example.com');

    // Assess
    expect(unknown).toEqual(existing);
  });

  it('keeps the username out of the table: only the keyed hash and the window', async () => {
    // Prepare
    const handler = await loadHandler(name, LIMITED);

    // Act
    await invoke(handler, { body: body('Alice@Example.com') });

    // Assess
    const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.TableName).toBe(TABLE);
    const text = JSON.stringify(input);
    expect(text.toLowerCase()).not.toContain('alice');
    expect(text).not.toContain(CLIENT_SECRET);
    expect(input?.Key?.key?.S).toMatch(/^[A-Za-z0-9_-]{43}#\d+$/);
  });

  it('goes on unlimited, and counts it, when the table fails', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    const handler = await loadHandler(name, LIMITED);

    // Act
    const answers = [];
    for (let index = 0; index < 4; index += 1) {
      answers.push((await invoke(handler, { body: body('alice@example.com') })).result.statusCode);
    }

    // Assess
    expect(answers).toEqual([status, status, status, status]);
    expect(cognito.calls()).toHaveLength(4);
  });

  it('is off without a table, and with ATTEMPT_LIMIT=0', async () => {
    for (const env of [{}, { ...LIMITED, ATTEMPT_LIMIT: '0' }]) {
      // Prepare
      dynamo.resetHistory();
      const handler = await loadHandler(name, env);
      // Act
      for (let index = 0; index < 4; index += 1) {
        expect((await invoke(handler, { body: body('alice@example.com') })).result.statusCode).toBe(
          status,
        );
      }
      // Assess
      expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
    }
  });
});
