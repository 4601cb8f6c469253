/**
 * Issue 11 item 3: confirm refuses a password the pool's policy refuses before Cognito is asked,
 * so a weak password answers `INVALID_PASSWORD` for every account, existing or not (Cognito judges
 * the policy only for an existing one).
 */
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  PASSWORD_RULE_DETAILS,
  type PasswordPolicy,
  parsePasswordPolicy,
  passwordPolicyViolation,
} from '../../lambda/shared/password-policy';
import { invoke, json, loadHandler, secretString, validBody } from './support';

const cognito = mockClient(CognitoIdentityProviderClient);
const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => {
  cognito.reset();
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
});

const NIST: PasswordPolicy = {
  minimumLength: 15,
  requireUppercase: false,
  requireLowercase: false,
  requireNumbers: false,
  requireSymbols: false,
};
const COMPOSITION: PasswordPolicy = {
  minimumLength: 8,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSymbols: true,
};
const EMOJI = '\u{1F600}';

describe('PASSWORD_POLICY, as the stack writes it', () => {
  it.each([
    ['unset', undefined, { kind: 'unset' }],
    ['blank', '  ', { kind: 'unset' }],
    [
      'the stack policy',
      '{"MinimumLength":15,"RequireUppercase":false,"RequireLowercase":false,"RequireNumbers":false,"RequireSymbols":false}',
      { kind: 'policy', policy: NIST },
    ],
    [
      'Cognito defaults for absent rules (length 8, no composition)',
      '{}',
      { kind: 'policy', policy: { ...NIST, minimumLength: 8 } },
    ],
    ['not JSON', '{MinimumLength:15', { kind: 'invalid', reason: 'PASSWORD_POLICY is not JSON' }],
    ['an array', '[15]', { kind: 'invalid', reason: 'PASSWORD_POLICY is not a JSON object' }],
    [
      'a length below Cognito minimum',
      '{"MinimumLength":5}',
      { kind: 'invalid', reason: 'PASSWORD_POLICY.MinimumLength is not an integer >= 6' },
    ],
    [
      'a rule that is not a boolean',
      '{"RequireSymbols":"yes"}',
      { kind: 'invalid', reason: 'PASSWORD_POLICY.RequireSymbols is not a boolean' },
    ],
  ])('%s', (_name, value, expected) => {
    expect(parsePasswordPolicy(value)).toEqual(expected);
  });
});

describe('the rule a password breaks', () => {
  it.each([
    ['14 characters', NIST, 'a'.repeat(14), PASSWORD_RULE_DETAILS.tooShort],
    ['15 characters', NIST, 'a'.repeat(15), undefined],
    ['15 code points of 30 UTF-16 units', NIST, EMOJI.repeat(15), undefined],
    ['14 code points of 28 UTF-16 units', NIST, EMOJI.repeat(14), PASSWORD_RULE_DETAILS.tooShort],
    ['no uppercase', COMPOSITION, 'abcd12!?', PASSWORD_RULE_DETAILS.uppercase],
    ['a non-Latin capital only', COMPOSITION, 'Ébcd12!?', PASSWORD_RULE_DETAILS.uppercase],
    ['no lowercase', COMPOSITION, 'ABCD12!?', PASSWORD_RULE_DETAILS.lowercase],
    ['no digit', COMPOSITION, 'ABcdef!?', PASSWORD_RULE_DETAILS.number],
    ['no symbol', COMPOSITION, 'ABcdef12', PASSWORD_RULE_DETAILS.symbol],
    ['every rule met', COMPOSITION, 'ABcd12^]', undefined],
    ['a backslash as the symbol', COMPOSITION, 'ABcd12\\x', undefined],
  ])('%s', (_name, policy, password, expected) => {
    expect(passwordPolicyViolation(password, policy)).toBe(expected);
  });
});

describe('confirm with a password the policy refuses', () => {
  const POLICY = '{"MinimumLength":15}';
  const weak = { ...validBody('confirm-forgot-password'), password: 'short-pass' };

  it('answers INVALID_PASSWORD saying which rule, without asking Cognito', async () => {
    // Prepare: Cognito would call any user unknown (a code mismatch) if it were asked
    cognito.on(ConfirmForgotPasswordCommand).rejects(
      new CognitoIdentityProviderServiceException({
        name: 'CodeMismatchException',
        message: 'Invalid verification code provided, please try again.',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const handler = await loadHandler('confirm-forgot-password', { PASSWORD_POLICY: POLICY });

    // Act
    const { result } = await invoke(handler, { body: weak });

    // Assess
    expect(result.statusCode).toBe(400);
    expect(json(result)).toMatchObject({
      code: 'INVALID_PASSWORD',
      detail: PASSWORD_RULE_DETAILS.tooShort,
    });
    expect(result.body).not.toContain('short-pass');
    expect(cognito.commandCalls(ConfirmForgotPasswordCommand)).toHaveLength(0);
  });

  it('asks Cognito for a password that meets the policy', async () => {
    // Prepare
    cognito.on(ConfirmForgotPasswordCommand).resolves({});
    const handler = await loadHandler('confirm-forgot-password', { PASSWORD_POLICY: POLICY });

    // Act
    const { result } = await invoke(handler, {
      body: { ...weak, password: 'a-long-enough-passphrase' },
    });

    // Assess
    expect(result.statusCode).toBe(204);
    expect(cognito.commandCalls(ConfirmForgotPasswordCommand)).toHaveLength(1);
  });

  it('leaves the judgement to Cognito when no policy is configured', async () => {
    // Prepare
    cognito.on(ConfirmForgotPasswordCommand).resolves({});
    const handler = await loadHandler('confirm-forgot-password', { PASSWORD_POLICY: undefined });

    // Act
    const { result } = await invoke(handler, { body: weak });

    // Assess
    expect(result.statusCode).toBe(204);
    expect(cognito.commandCalls(ConfirmForgotPasswordCommand)).toHaveLength(1);
  });

  it('answers INTERNAL, never a silent skip, when the policy setting is broken', async () => {
    // Prepare
    cognito.on(ConfirmForgotPasswordCommand).resolves({});
    const handler = await loadHandler('confirm-forgot-password', { PASSWORD_POLICY: '{oops' });

    // Act
    const { result } = await invoke(handler, { body: weak });

    // Assess
    expect(result.statusCode).toBe(500);
    expect(json(result)).toMatchObject({ code: 'INTERNAL' });
    expect(cognito.commandCalls(ConfirmForgotPasswordCommand)).toHaveLength(0);
  });
});
