/**
 * Property: whatever body arrives, the answer is a 202 or a 400 problem document from the
 * catalogue, never a 500, and no validation message repeats a submitted string.
 */
import {
  CognitoIdentityProviderClient,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../lambda/shared/api-handler';
import { invoke, json, loadHandler, secretString } from './support';

const cognito = mockClient(CognitoIdentityProviderClient);
const secretsManager = mockClient(SecretsManagerClient);
let handler: ApiHandler;

beforeAll(async () => {
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
  cognito.on(ForgotPasswordCommand).resolves({});
  handler = await loadHandler('forgot-password');
});

/** Strings long enough that finding one in a message would mean it was echoed. */
function submittedStrings(value: unknown): string[] {
  if (typeof value === 'string') return value.length >= 6 ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(submittedStrings);
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).flatMap(submittedStrings);
  }
  return [];
}

/** Any code point sequence, and strings with an unpaired surrogate planted in them. */
const anyUnicodeString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc
    .tuple(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    )
    .map(([before, unit, after]) => `${before}${String.fromCharCode(unit)}${after}`),
);

/** Every string (keys included) in a value. */
function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...allStrings(inner)]);
  }
  return [];
}

const bodies = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      username: fc.oneof(fc.string(), fc.jsonValue()),
      clientMetadata: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.jsonValue()),
      encodedData: fc.oneof(fc.string(), fc.jsonValue()),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);

describe('any JSON body', () => {
  it('answers 202 or a 400 problem, never echoing a value', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const { result } = await invoke(handler, { body: JSON.stringify(body) });
        expect([202, 400]).toContain(result.statusCode);
        if (result.statusCode === 400) {
          const problem = json(result);
          expect(problem.code).toBe('VALIDATION_FAILED');
          const messages = (problem.errors as { message: string }[])
            .map((error) => error.message)
            .join('\n');
          for (const value of submittedStrings(body)) expect(messages).not.toContain(value);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('any text body', () => {
  it('answers 202, 400 or 413, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
        const { result } = await invoke(handler, { body: text });
        expect([202, 400, 413]).toContain(result.statusCode);
      }),
      { numRuns: 300 },
    );
  });
});

describe('strings that are not well-formed Unicode', () => {
  beforeEach(() => {
    cognito.resetHistory();
  });

  it('are refused naming their field, and never reach Cognito', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            username: anyUnicodeString,
            clientMetadata: fc.dictionary(anyUnicodeString, anyUnicodeString, { maxKeys: 3 }),
            encodedData: anyUnicodeString,
            analyticsEndpointId: anyUnicodeString,
          },
          { requiredKeys: ['username'] },
        ),
        async (body) => {
          cognito.resetHistory();
          const { result } = await invoke(handler, { body: JSON.stringify(body) });
          const malformed = Object.entries(body).filter(
            ([, value]) => !allStrings(value).every((text) => text.isWellFormed()),
          );
          if (malformed.length > 0) {
            expect(result.statusCode).toBe(400);
            const fields = (json(result).errors as { field: string }[]).map((e) => e.field);
            for (const [field] of malformed) {
              expect(fields.some((f) => f === field || f.startsWith(`${field}.`))).toBe(true);
            }
          }
          for (const call of cognito.commandCalls(ForgotPasswordCommand)) {
            for (const text of allStrings(call.args[0].input)) {
              expect(text.isWellFormed()).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
