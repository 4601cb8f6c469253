/**
 * `scripts/attach-trigger.ts`: attaching the post-confirmation trigger to an existing pool with
 * `UpdateUserPool` (which resets whatever it is not given) leaves every other setting as it was.
 * The request builder against a fully populated pool description; the CLI end to end against
 * cognito-local, whose `UpdateUserPool` resets what it is not given as Cognito does (for the
 * settings it keeps at all: see `EMULATOR_KEEPS`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  DescribeUserPoolCommand,
  type LambdaConfigType,
  UpdateUserPoolCommand,
  type UpdateUserPoolCommandInput,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoEmulator, startCognitoEmulator } from '../../local/cognito-emulator';
import { localCognitoClient } from '../../local/seed';
import { main, type Output } from '../../scripts/attach-trigger';
import {
  AttachTriggerError,
  attachTriggerRequest,
  type DescribedField,
  describeDifferences,
  FIXED_FIELDS,
  TRIGGER_PATH,
  UPDATABLE_FIELDS,
  type UpdatableField,
} from '../../scripts/attach-trigger-request';

const REPOSITORY_ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(REPOSITORY_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const SCRIPT = join(REPOSITORY_ROOT, 'scripts', 'attach-trigger.ts');

const TRIGGER = 'arn:aws:lambda:eu-west-1:123456789012:function:post-confirmation';
const OTHER_TRIGGER = 'arn:aws:lambda:eu-west-1:123456789012:function:their-own-post-confirmation';
const fn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;

/** Every trigger but the post-confirmation one, each set. */
const OTHER_TRIGGERS: Required<Omit<LambdaConfigType, 'PostConfirmation'>> = {
  PreSignUp: fn('pre-sign-up'),
  CustomMessage: fn('custom-message'),
  PreAuthentication: fn('pre-authentication'),
  PostAuthentication: fn('post-authentication'),
  DefineAuthChallenge: fn('define-auth-challenge'),
  CreateAuthChallenge: fn('create-auth-challenge'),
  VerifyAuthChallengeResponse: fn('verify-auth-challenge-response'),
  PreTokenGeneration: fn('pre-token-generation'),
  UserMigration: fn('user-migration'),
  PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: fn('pre-token-generation') },
  CustomSMSSender: { LambdaVersion: 'V1_0', LambdaArn: fn('custom-sms-sender') },
  CustomEmailSender: { LambdaVersion: 'V1_0', LambdaArn: fn('custom-email-sender') },
  KMSKeyID: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  InboundFederation: { LambdaVersion: 'V1_0', LambdaArn: fn('inbound-federation') },
};

/**
 * A pool as `DescribeUserPool` reports it, every updatable setting set to something other than
 * Cognito's default. The type makes the fixture fail the type check if an updatable setting is
 * missing. It reports the deprecated `UnusedAccountValidityDays` next to
 * `TemporaryPasswordValidityDays`, as Cognito does.
 */
const POOL: Required<Pick<UserPoolType, DescribedField>> & UserPoolType = {
  Id: 'eu-west-1_AbCdEf123',
  Name: 'customer-accounts',
  Arn: 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123',
  Status: 'Enabled',
  CreationDate: new Date('2024-03-01T10:00:00Z'),
  LastModifiedDate: new Date('2025-01-15T08:30:00Z'),
  EstimatedNumberOfUsers: 4321,
  Domain: 'customer-accounts',
  UsernameAttributes: ['email'],
  UsernameConfiguration: { CaseSensitive: false },
  SchemaAttributes: [
    { Name: 'email', AttributeDataType: 'String', Mutable: true, Required: true },
    { Name: 'custom:tenant', AttributeDataType: 'String', Mutable: true, Required: false },
  ],
  Policies: {
    PasswordPolicy: {
      MinimumLength: 15,
      RequireUppercase: false,
      RequireLowercase: false,
      RequireNumbers: false,
      RequireSymbols: false,
      PasswordHistorySize: 5,
      TemporaryPasswordValidityDays: 3,
    },
    SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'] },
  },
  DeletionProtection: 'ACTIVE',
  LambdaConfig: OTHER_TRIGGERS,
  AutoVerifiedAttributes: ['email', 'phone_number'],
  SmsVerificationMessage: 'Your customer-accounts code is {####}',
  EmailVerificationMessage: 'Your customer-accounts code is {####}',
  EmailVerificationSubject: 'Your customer-accounts code',
  VerificationMessageTemplate: {
    SmsMessage: 'Your customer-accounts code is {####}',
    EmailMessage: 'Your customer-accounts code is {####}',
    EmailSubject: 'Your customer-accounts code',
    EmailMessageByLink: 'Verify: {##Click here##}',
    EmailSubjectByLink: 'Verify your customer-accounts address',
    DefaultEmailOption: 'CONFIRM_WITH_CODE',
  },
  SmsAuthenticationMessage: 'Your customer-accounts sign-in code is {####}',
  UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
  MfaConfiguration: 'OPTIONAL',
  DeviceConfiguration: {
    ChallengeRequiredOnNewDevice: true,
    DeviceOnlyRememberedOnUserPrompt: true,
  },
  EmailConfiguration: {
    SourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/accounts@example.com',
    ReplyToEmailAddress: 'support@example.com',
    EmailSendingAccount: 'DEVELOPER',
    From: 'Customer accounts <accounts@example.com>',
    ConfigurationSet: 'customer-accounts',
  },
  SmsConfiguration: {
    SnsCallerArn: 'arn:aws:iam::123456789012:role/customer-accounts-sms',
    ExternalId: 'f6c4a8f2-0b1e-4c3d-9a7b-2e5f8d1c6b3a',
    SnsRegion: 'eu-west-1',
    EumsSms: {
      CallerArn: 'arn:aws:iam::123456789012:role/customer-accounts-eums',
      ExternalId: 'b2d9e7c1',
      OriginationIdentity: '+447700900123',
      ConfigurationSetName: 'customer-accounts-sms',
      Region: 'eu-west-1',
    },
  },
  UserPoolTags: { 'cost-centre': 'cc-42', 'aws:team': 'identity', owner: 'accounts' },
  AdminCreateUserConfig: {
    AllowAdminCreateUserOnly: true,
    UnusedAccountValidityDays: 3,
    InviteMessageTemplate: {
      SMSMessage: 'Your username is {username} and temporary password is {####}',
      EmailMessage: 'Welcome {username}: your temporary password is {####}',
      EmailSubject: 'Your customer-accounts invitation',
    },
  },
  UserPoolAddOns: {
    AdvancedSecurityMode: 'AUDIT',
    AdvancedSecurityAdditionalFlows: { CustomAuthMode: 'AUDIT' },
  },
  DcrConfiguration: {
    EnableStatus: 'Enabled',
    OpenDcrEnabled: false,
    AuthenticatedGrantTypes: ['code', 'client_credentials'],
    OpenDcrGrantTypes: ['code'],
    AllowedScopes: ['openid', 'email'],
  },
  AccountRecoverySetting: {
    RecoveryMechanisms: [
      { Name: 'verified_email', Priority: 1 },
      { Name: 'verified_phone_number', Priority: 2 },
    ],
  },
  UserPoolTier: 'PLUS',
  KeyConfiguration: {
    KeyType: 'CUSTOMER_MANAGED_KEY',
    KmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab',
  },
  IssuerConfiguration: { Type: 'UPDATED' },
  AcrConfiguration: {
    Level1: { AcrValue: 'urn:example:acr:password' },
    Level2: { AcrValue: 'urn:example:acr:mfa' },
    Level3: { AcrValue: 'urn:example:acr:phishing-resistant' },
    Level4: { AcrValue: 'urn:example:acr:hardware' },
  },
};

/** The request that attaches TRIGGER to POOL, written out member by member. */
const EXPECTED_REQUEST: Required<UpdateUserPoolCommandInput> = {
  UserPoolId: POOL.Id,
  Policies: POOL.Policies,
  DeletionProtection: 'ACTIVE',
  LambdaConfig: { ...OTHER_TRIGGERS, PostConfirmation: TRIGGER },
  AutoVerifiedAttributes: ['email', 'phone_number'],
  SmsVerificationMessage: POOL.SmsVerificationMessage,
  EmailVerificationMessage: POOL.EmailVerificationMessage,
  EmailVerificationSubject: POOL.EmailVerificationSubject,
  VerificationMessageTemplate: POOL.VerificationMessageTemplate,
  SmsAuthenticationMessage: POOL.SmsAuthenticationMessage,
  UserAttributeUpdateSettings: POOL.UserAttributeUpdateSettings,
  MfaConfiguration: 'OPTIONAL',
  DeviceConfiguration: POOL.DeviceConfiguration,
  EmailConfiguration: POOL.EmailConfiguration,
  SmsConfiguration: POOL.SmsConfiguration,
  UserPoolTags: POOL.UserPoolTags,
  // The deprecated member is left out: TemporaryPasswordValidityDays is set.
  AdminCreateUserConfig: {
    AllowAdminCreateUserOnly: true,
    InviteMessageTemplate: POOL.AdminCreateUserConfig.InviteMessageTemplate,
  },
  UserPoolAddOns: POOL.UserPoolAddOns,
  DcrConfiguration: POOL.DcrConfiguration,
  AccountRecoverySetting: POOL.AccountRecoverySetting,
  PoolName: 'customer-accounts',
  UserPoolTier: 'PLUS',
  KeyConfiguration: POOL.KeyConfiguration,
  IssuerConfiguration: POOL.IssuerConfiguration,
  AcrConfiguration: POOL.AcrConfiguration,
};

/** Freezes a value and everything in it, so a test fails if the code under test mutates it. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
deepFreeze(POOL);

/** POOL with changes (a shallow override of its top-level members). */
function pool(changes: Partial<UserPoolType>): UserPoolType {
  return { ...structuredClone(POOL), ...changes };
}

describe('attachTriggerRequest: every updatable setting goes back unchanged', () => {
  let request: UpdateUserPoolCommandInput;
  beforeAll(() => {
    request = attachTriggerRequest(POOL, TRIGGER).request;
  });

  it('builds exactly the full request: each setting as described, PostConfirmation set', () => {
    const plan = attachTriggerRequest(POOL, TRIGGER);
    expect(plan.request).toStrictEqual(EXPECTED_REQUEST);
    expect(plan.unchanged).toBe(false);
    expect(plan.previousTrigger).toBeUndefined();
  });

  // One row per request member (the record type makes the list complete), for readable failures.
  const ROWS: Record<Exclude<UpdatableField, 'LambdaConfig' | 'AdminCreateUserConfig'>, true> = {
    Policies: true,
    DeletionProtection: true,
    AutoVerifiedAttributes: true,
    SmsVerificationMessage: true,
    EmailVerificationMessage: true,
    EmailVerificationSubject: true,
    VerificationMessageTemplate: true,
    SmsAuthenticationMessage: true,
    UserAttributeUpdateSettings: true,
    MfaConfiguration: true,
    DeviceConfiguration: true,
    EmailConfiguration: true,
    SmsConfiguration: true,
    UserPoolTags: true,
    UserPoolAddOns: true,
    DcrConfiguration: true,
    AccountRecoverySetting: true,
    PoolName: true,
    UserPoolTier: true,
    KeyConfiguration: true,
    IssuerConfiguration: true,
    AcrConfiguration: true,
  };
  it.each(Object.keys(ROWS) as (keyof typeof ROWS)[])('%s is sent as described', (field) => {
    const described = field === 'PoolName' ? POOL.Name : POOL[field];
    expect(described).toBeDefined();
    expect(request[field]).toStrictEqual(described);
  });

  it('sets PostConfirmation and keeps every other LambdaConfig entry', () => {
    expect(request.LambdaConfig).toStrictEqual({ ...OTHER_TRIGGERS, PostConfirmation: TRIGGER });
  });

  it('sends nothing UpdateUserPool does not take (id, ARN, schema, dates, counts)', () => {
    expect(Object.keys(request).sort()).toStrictEqual(Object.keys(EXPECTED_REQUEST).sort());
  });

  it('sends copies: changing the request leaves the description alone', () => {
    const { request: copy } = attachTriggerRequest(POOL, TRIGGER);
    expect(Object.isFrozen(copy.Policies)).toBe(false);
    expect(copy.Policies).not.toBe(POOL.Policies);
    expect(copy.AccountRecoverySetting?.RecoveryMechanisms).not.toBe(
      POOL.AccountRecoverySetting.RecoveryMechanisms,
    );
  });

  it('sends only the settings the pool has, and LambdaConfig', () => {
    expect(attachTriggerRequest({ Id: 'eu-west-1_Min1' }, TRIGGER).request).toStrictEqual({
      UserPoolId: 'eu-west-1_Min1',
      LambdaConfig: { PostConfirmation: TRIGGER },
    });
  });
});

describe('attachTriggerRequest: another post-confirmation trigger', () => {
  const theirs = pool({ LambdaConfig: { ...OTHER_TRIGGERS, PostConfirmation: OTHER_TRIGGER } });

  it.each([
    ['no options', undefined],
    ['replace: false', { replace: false }],
  ])('is refused with %s, naming it and the way out', (_name, options) => {
    const attempt = () => attachTriggerRequest(theirs, TRIGGER, options);
    expect(attempt).toThrow(AttachTriggerError);
    expect(attempt).toThrow(`already has a post-confirmation trigger: ${OTHER_TRIGGER}`);
    expect(attempt).toThrow('A user pool has only one post-confirmation trigger');
    expect(attempt).toThrow("Call the service's trigger from your own trigger instead");
    expect(attempt).toThrow('README, "Use in your own CDK app"');
    expect(attempt).toThrow('--replace');
  });

  it('is replaced with replace: true, every other setting kept', () => {
    const plan = attachTriggerRequest(theirs, TRIGGER, { replace: true });
    expect(plan.request).toStrictEqual(EXPECTED_REQUEST);
    expect(plan.unchanged).toBe(false);
    expect(plan.previousTrigger).toBe(OTHER_TRIGGER);
  });
});

describe('attachTriggerRequest: the same trigger already attached', () => {
  const ours = pool({ LambdaConfig: { ...OTHER_TRIGGERS, PostConfirmation: TRIGGER } });

  it.each([
    ['no options', undefined],
    ['replace: true', { replace: true }],
  ])('is unchanged with %s (nothing to send; the request is still complete)', (_name, options) => {
    const plan = attachTriggerRequest(ours, TRIGGER, options);
    expect(plan.unchanged).toBe(true);
    expect(plan.previousTrigger).toBe(TRIGGER);
    expect(plan.request).toStrictEqual(EXPECTED_REQUEST);
  });

  it('is not matched by another version of the function', () => {
    expect(() => attachTriggerRequest(ours, `${TRIGGER}:2`)).toThrow(AttachTriggerError);
  });
});

describe('attachTriggerRequest: the deprecated UnusedAccountValidityDays', () => {
  /** A description has no member for what is not set (JSON has no undefined). */
  const withDays = (temporary: number | undefined, unused: number | undefined) =>
    pool({
      Policies: {
        PasswordPolicy: {
          MinimumLength: 15,
          ...(temporary === undefined ? {} : { TemporaryPasswordValidityDays: temporary }),
        },
      },
      AdminCreateUserConfig: {
        AllowAdminCreateUserOnly: true,
        ...(unused === undefined ? {} : { UnusedAccountValidityDays: unused }),
      },
    });

  it.each([
    // temporary, unused, sent unused, noted
    [3, 3, undefined, true],
    [3, 7, undefined, true],
    [undefined, 7, 7, false],
    [3, undefined, undefined, false],
    [undefined, undefined, undefined, false],
  ])(
    'TemporaryPasswordValidityDays %s, UnusedAccountValidityDays %s: sends %s',
    (temporary, unused, sent, noted) => {
      const plan = attachTriggerRequest(withDays(temporary, unused), TRIGGER);
      expect(plan.request.AdminCreateUserConfig?.UnusedAccountValidityDays).toBe(sent);
      expect('UnusedAccountValidityDays' in (plan.request.AdminCreateUserConfig ?? {})).toBe(
        sent !== undefined,
      );
      expect(plan.request.AdminCreateUserConfig?.AllowAdminCreateUserOnly).toBe(true);
      expect(plan.request.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays).toBe(temporary);
      expect(plan.notes.some((note) => note.includes('UnusedAccountValidityDays'))).toBe(noted);
    },
  );
});

describe('attachTriggerRequest: input it refuses', () => {
  it.each([
    ['a pool without Id', { ...POOL, Id: undefined }, TRIGGER, 'no Id'],
    ['an empty ARN', POOL, '', 'not a Lambda function ARN'],
    ['a function name', POOL, 'post-confirmation', 'not a Lambda function ARN'],
    ['an SNS topic ARN', POOL, 'arn:aws:sns:eu-west-1:123456789012:topic', 'not a Lambda'],
    ['a layer ARN', POOL, 'arn:aws:lambda:eu-west-1:123456789012:layer:x:1', 'not a Lambda'],
  ])('%s', (_name, described, arn, message) => {
    expect(() => attachTriggerRequest(described, arn)).toThrow(message);
  });

  it.each([
    TRIGGER,
    `${TRIGGER}:7`,
    `${TRIGGER}:live`,
    `${TRIGGER}:$LATEST`,
    'arn:aws-cn:lambda:cn-north-1:123456789012:function:x',
    'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:x',
    'arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:x',
  ])('takes %s', (arn) => {
    expect(attachTriggerRequest({ Id: 'eu-west-1_A1' }, arn).request.LambdaConfig).toStrictEqual({
      PostConfirmation: arn,
    });
  });
});

describe('describeDifferences', () => {
  it('finds none between a pool and itself, nor when only unrelated members differ', () => {
    expect(describeDifferences(POOL, structuredClone(POOL))).toStrictEqual([]);
    expect(
      describeDifferences(
        POOL,
        pool({ LastModifiedDate: new Date(), EstimatedNumberOfUsers: 1, Status: 'Disabled' }),
      ),
    ).toStrictEqual([]);
  });

  it('finds exactly LambdaConfig.PostConfirmation after the request is applied', () => {
    const { request } = attachTriggerRequest(POOL, TRIGGER);
    const after = pool({ LambdaConfig: request.LambdaConfig });
    expect(describeDifferences(POOL, after)).toStrictEqual([TRIGGER_PATH]);
  });

  /** Each checked setting changed (mostly back to Cognito's default), and where it shows. */
  const CHANGES: [string, Partial<UserPoolType>, string][] = [
    ['Policies', { Policies: undefined }, 'Policies.PasswordPolicy.MinimumLength'],
    [
      'SignInPolicy',
      { Policies: { PasswordPolicy: POOL.Policies.PasswordPolicy } },
      'Policies.SignInPolicy.AllowedFirstAuthFactors[0]',
    ],
    ['DeletionProtection', { DeletionProtection: 'INACTIVE' }, 'DeletionProtection'],
    ['LambdaConfig', { LambdaConfig: {} }, 'LambdaConfig.PreSignUp'],
    ['AutoVerifiedAttributes', { AutoVerifiedAttributes: ['email'] }, 'AutoVerifiedAttributes[1]'],
    ['SmsVerificationMessage', { SmsVerificationMessage: undefined }, 'SmsVerificationMessage'],
    [
      'EmailVerificationMessage',
      { EmailVerificationMessage: undefined },
      'EmailVerificationMessage',
    ],
    ['EmailVerificationSubject', { EmailVerificationSubject: 'x' }, 'EmailVerificationSubject'],
    [
      'VerificationMessageTemplate',
      { VerificationMessageTemplate: {} },
      'VerificationMessageTemplate.DefaultEmailOption',
    ],
    [
      'SmsAuthenticationMessage',
      { SmsAuthenticationMessage: undefined },
      'SmsAuthenticationMessage',
    ],
    [
      'UserAttributeUpdateSettings',
      { UserAttributeUpdateSettings: undefined },
      'UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate[0]',
    ],
    ['MfaConfiguration', { MfaConfiguration: 'OFF' }, 'MfaConfiguration'],
    [
      'DeviceConfiguration',
      { DeviceConfiguration: undefined },
      'DeviceConfiguration.ChallengeRequiredOnNewDevice',
    ],
    [
      'EmailConfiguration',
      { EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' } },
      'EmailConfiguration.EmailSendingAccount',
    ],
    ['SmsConfiguration', { SmsConfiguration: undefined }, 'SmsConfiguration.EumsSms.CallerArn'],
    ['UserPoolTags', { UserPoolTags: {} }, 'UserPoolTags["cost-centre"]'],
    [
      'AdminCreateUserConfig',
      { AdminCreateUserConfig: undefined },
      'AdminCreateUserConfig.AllowAdminCreateUserOnly',
    ],
    [
      'UserPoolAddOns',
      { UserPoolAddOns: { AdvancedSecurityMode: 'OFF' } },
      'UserPoolAddOns.AdvancedSecurityMode',
    ],
    ['DcrConfiguration', { DcrConfiguration: undefined }, 'DcrConfiguration.EnableStatus'],
    [
      'AccountRecoverySetting',
      { AccountRecoverySetting: undefined },
      'AccountRecoverySetting.RecoveryMechanisms[0].Name',
    ],
    ['Name', { Name: 'renamed' }, 'Name'],
    ['UserPoolTier', { UserPoolTier: 'ESSENTIALS' }, 'UserPoolTier'],
    ['KeyConfiguration', { KeyConfiguration: undefined }, 'KeyConfiguration.KmsKeyArn'],
    [
      'IssuerConfiguration',
      { IssuerConfiguration: { Type: 'ORIGINAL' } },
      'IssuerConfiguration.Type',
    ],
    ['AcrConfiguration', { AcrConfiguration: undefined }, 'AcrConfiguration.Level1.AcrValue'],
    [
      'SchemaAttributes (fixed)',
      { SchemaAttributes: POOL.SchemaAttributes?.slice(0, 1) },
      'SchemaAttributes[1].Name',
    ],
    ['UsernameAttributes (fixed)', { UsernameAttributes: [] }, 'UsernameAttributes[0]'],
    ['AliasAttributes (fixed)', { AliasAttributes: ['preferred_username'] }, 'AliasAttributes[0]'],
    [
      'UsernameConfiguration (fixed)',
      { UsernameConfiguration: undefined },
      'UsernameConfiguration.CaseSensitive',
    ],
  ];
  const topOf = (path: string) => path.split(/[.[]/)[0];

  it('has a change for every updatable and fixed setting', () => {
    expect([...new Set(CHANGES.map(([, , path]) => topOf(path)))].sort()).toStrictEqual(
      [...Object.values(UPDATABLE_FIELDS), ...FIXED_FIELDS].sort(),
    );
  });

  it.each(CHANGES)('reports %s', (_name, changes, path) => {
    const differences = describeDifferences(POOL, pool(changes));
    expect(differences).toContain(path);
    expect(differences.every((found) => topOf(found) === topOf(path))).toBe(true);
  });

  it.each([
    ['is skipped when TemporaryPasswordValidityDays supersedes it', 3, []],
    ['is reported otherwise', undefined, ['AdminCreateUserConfig.UnusedAccountValidityDays']],
  ])('UnusedAccountValidityDays %s', (_name, temporary, expected) => {
    const before: UserPoolType = {
      Policies: { PasswordPolicy: { MinimumLength: 15, TemporaryPasswordValidityDays: temporary } },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 7 },
    };
    const after: UserPoolType = {
      ...before,
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    };
    expect(describeDifferences(before, after)).toStrictEqual(expected);
  });

  it.each([
    ['absent and empty object', { UserPoolTags: undefined }, { UserPoolTags: {} }],
    [
      'absent and empty list',
      { AutoVerifiedAttributes: undefined },
      { AutoVerifiedAttributes: [] },
    ],
    ['absent and null', { MfaConfiguration: undefined }, { MfaConfiguration: null as never }],
  ] satisfies [string, UserPoolType, UserPoolType][])('treats %s alike', (_name, a, b) => {
    expect(describeDifferences(a, b)).toStrictEqual([]);
  });

  it('reports a value that changes kind (list against text)', () => {
    expect(
      describeDifferences(
        { AutoVerifiedAttributes: ['email'] },
        {
          AutoVerifiedAttributes: 'email' as never,
        },
      ),
    ).toStrictEqual(['AutoVerifiedAttributes']);
  });
});

// --- The CLI, end to end against cognito-local -------------------------------------------------

/** What `main` printed. */
function recorder(): Output & { out: string[]; err: string[]; text(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    log: (line) => out.push(line),
    error: (line) => err.push(line),
    text: () => [...out, ...err].join('\n'),
  };
}

/**
 * A pool with settings other than the defaults: every updatable one CreateUserPool takes. cognito-local
 * keeps only some of them (`EMULATOR_KEEPS`).
 */
const CREATE_POOL: CreateUserPoolCommandInput = {
  PoolName: 'imported-pool',
  Policies: {
    PasswordPolicy: {
      MinimumLength: 15,
      RequireUppercase: false,
      RequireLowercase: false,
      RequireNumbers: true,
      RequireSymbols: false,
      PasswordHistorySize: 3,
      TemporaryPasswordValidityDays: 2,
    },
    SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] },
  },
  DeletionProtection: 'ACTIVE',
  LambdaConfig: { PreSignUp: fn('pre-sign-up'), CustomMessage: fn('custom-message') },
  AutoVerifiedAttributes: ['email'],
  UsernameAttributes: ['email'],
  SmsVerificationMessage: 'Imported code {####}',
  EmailVerificationMessage: 'Imported code {####}',
  EmailVerificationSubject: 'Imported code',
  VerificationMessageTemplate: {
    DefaultEmailOption: 'CONFIRM_WITH_CODE',
    EmailMessage: 'Imported code {####}',
    EmailSubject: 'Imported code',
    SmsMessage: 'Imported code {####}',
  },
  SmsAuthenticationMessage: 'Imported sign-in code {####}',
  MfaConfiguration: 'OPTIONAL',
  UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
  DeviceConfiguration: {
    ChallengeRequiredOnNewDevice: true,
    DeviceOnlyRememberedOnUserPrompt: false,
  },
  EmailConfiguration: {
    EmailSendingAccount: 'DEVELOPER',
    SourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/accounts@example.com',
    From: 'accounts@example.com',
    ReplyToEmailAddress: 'support@example.com',
  },
  SmsConfiguration: {
    SnsCallerArn: 'arn:aws:iam::123456789012:role/sms',
    ExternalId: 'external-id',
    SnsRegion: 'eu-west-1',
  },
  UserPoolTags: { 'cost-centre': 'cc-42', owner: 'accounts' },
  AdminCreateUserConfig: {
    AllowAdminCreateUserOnly: true,
    InviteMessageTemplate: { EmailMessage: 'Hi {username}, {####}', EmailSubject: 'Welcome' },
  },
  UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
  AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
  UserPoolTier: 'PLUS',
  DcrConfiguration: { EnableStatus: 'Disabled' },
  KeyConfiguration: { KeyType: 'AWS_OWNED_KEY' },
  IssuerConfiguration: { Type: 'UPDATED' },
  AcrConfiguration: { Level1: { AcrValue: 'urn:example:acr:1' } },
};

/**
 * The updatable settings cognito-local (5.3) reports after CreateUserPool, each of which its
 * UpdateUserPool sets to what the request says (so resets when left out), as Cognito does. The
 * others it drops at creation (DeletionProtection, UserPoolTier, DcrConfiguration,
 * KeyConfiguration, IssuerConfiguration, AcrConfiguration), stores without reporting or updating
 * (UserAttributeUpdateSettings), or never updates (the name: PoolName is ignored).
 */
const EMULATOR_KEEPS = [
  'AccountRecoverySetting',
  'AdminCreateUserConfig',
  'AutoVerifiedAttributes',
  'DeviceConfiguration',
  'EmailConfiguration',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'LambdaConfig',
  'MfaConfiguration',
  'Policies',
  'SmsAuthenticationMessage',
  'SmsConfiguration',
  'SmsVerificationMessage',
  'UserPoolAddOns',
  'UserPoolTags',
  'VerificationMessageTemplate',
] as const satisfies readonly (UpdatableField & DescribedField)[];

describe('attach-trigger CLI against cognito-local', () => {
  let dataDirectory: string;
  let emulator: CognitoEmulator;
  let cognito: CognitoIdentityProviderClient;

  beforeAll(async () => {
    dataDirectory = mkdtempSync(join(tmpdir(), 'attach-trigger-'));
    emulator = await startCognitoEmulator({
      dataDirectory,
      region: 'eu-west-1',
      issuerUrl: 'http://127.0.0.1:1',
      // No user signs up here, so nothing is invoked or sent.
      lambdaEndpoint: 'http://127.0.0.1:1',
      triggerFunctionName: 'post-confirmation',
      customMessageFunctionName: 'custom-message',
      sesEndpoint: 'http://127.0.0.1:1',
      debug: false,
      onCodeSent: () => {},
    });
    cognito = localCognitoClient(emulator.url, 'eu-west-1');
  });

  afterAll(async () => {
    cognito?.destroy();
    await emulator?.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  async function createPool(changes: Partial<CreateUserPoolCommandInput> = {}): Promise<string> {
    const answer = await cognito.send(new CreateUserPoolCommand({ ...CREATE_POOL, ...changes }));
    const id = answer.UserPool?.Id;
    if (!id) throw new Error('no pool created');
    return id;
  }

  async function describePool(id: string): Promise<UserPoolType> {
    const answer = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: id }));
    if (!answer.UserPool) throw new Error(`no pool ${id}`);
    return answer.UserPool;
  }

  /**
   * `before` as it must read after the attachment: PostConfirmation changed, and nothing else but
   * the deprecated `UnusedAccountValidityDays`, which the request leaves out (the password policy
   * has `TemporaryPasswordValidityDays`). cognito-local reports its own default for it (7) until
   * then, and nothing after.
   */
  const attached = (before: UserPoolType, arn = TRIGGER): UserPoolType => {
    expect(before.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays).toBe(2);
    const { UnusedAccountValidityDays: _superseded, ...adminCreateUserConfig } =
      before.AdminCreateUserConfig ?? {};
    return {
      ...before,
      LambdaConfig: { ...before.LambdaConfig, PostConfirmation: arn },
      AdminCreateUserConfig: adminCreateUserConfig,
    };
  };

  describe('the emulator', () => {
    it('reports the non-default settings it keeps, and not the others', async () => {
      const before = await describePool(await createPool());
      const reported = (Object.keys(CREATE_POOL) as (keyof CreateUserPoolCommandInput)[])
        .filter((field) => field in before)
        .sort();
      expect(reported).toStrictEqual([...EMULATOR_KEEPS, 'UsernameAttributes'].sort());
      expect(before.Name).toBe('imported-pool');
      expect(before.Policies).toMatchObject(CREATE_POOL.Policies ?? {});
      expect(before.UserPoolTags).toStrictEqual(CREATE_POOL.UserPoolTags);
      expect(before.MfaConfiguration).toBe('OPTIONAL');
      expect(before.LambdaConfig).toStrictEqual(CREATE_POOL.LambdaConfig);
      expect(before.EmailVerificationMessage).toBe('Imported code {####}');
    });

    // The control: the end-to-end check below can fail, because a request that leaves a setting
    // out resets it here, as UpdateUserPool does.
    it.each(EMULATOR_KEEPS.filter((field) => field !== 'LambdaConfig'))(
      'resets %s when UpdateUserPool leaves it out',
      async (field) => {
        const id = await createPool();
        const before = await describePool(id);
        const { request } = attachTriggerRequest(before, TRIGGER);
        delete request[field];
        await cognito.send(new UpdateUserPoolCommand(request));
        const differences = describeDifferences(before, await describePool(id));
        expect(differences).toContain(TRIGGER_PATH);
        expect(differences.some((path) => path.split(/[.[]/)[0] === field)).toBe(true);
      },
    );
  });

  it('attaches the trigger and leaves every other setting as it was', async () => {
    const id = await createPool();
    const before = await describePool(id);
    const output = recorder();

    const code = await main(['--user-pool-id', id, '--trigger-arn', TRIGGER], cognito, output);

    expect(output.err).toStrictEqual([]);
    expect(code).toBe(0);
    const after = await describePool(id);
    expect(after).toStrictEqual(attached(before));
    expect(after.LambdaConfig).toStrictEqual({
      PreSignUp: fn('pre-sign-up'),
      CustomMessage: fn('custom-message'),
      PostConfirmation: TRIGGER,
    });
    expect(describeDifferences(before, after)).toStrictEqual([TRIGGER_PATH]);
    expect(output.text()).toContain(`${TRIGGER_PATH}: (none) -> ${TRIGGER}`);
    expect(output.text()).toContain('AdminCreateUserConfig.UnusedAccountValidityDays is left out');
    expect(output.text()).toContain('does not grant Cognito permission to invoke the function');
    expect(output.text()).toContain('Attached.');
  });

  it('--dry-run prints the full request and changes nothing', async () => {
    const id = await createPool();
    const before = await describePool(id);
    const output = recorder();

    const code = await main(
      ['--user-pool-id', id, '--trigger-arn', TRIGGER, '--dry-run'],
      cognito,
      output,
    );

    expect(code).toBe(0);
    const json = output.out.slice(output.out.findIndex((line) => line.startsWith('Dry run')) + 1);
    expect(JSON.parse(json.join('\n'))).toStrictEqual(
      attachTriggerRequest(before, TRIGGER).request,
    );
    expect(await describePool(id)).toStrictEqual(before);
  });

  it('reports a trigger already attached and sends no update', async () => {
    const id = await createPool({
      LambdaConfig: { PreSignUp: fn('pre'), PostConfirmation: TRIGGER },
    });
    const before = await describePool(id);
    const sent: string[] = [];
    const watched = localCognitoClient(emulator.url, 'eu-west-1');
    watched.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const output = recorder();

    const code = await main(['--user-pool-id', id, '--trigger-arn', TRIGGER], watched, output);
    watched.destroy();

    expect(code).toBe(0);
    expect(output.text()).toContain('is already attached; nothing to do');
    expect(sent).toStrictEqual(['DescribeUserPoolCommand']);
    expect(await describePool(id)).toStrictEqual(before);
  });

  it('refuses a pool with another post-confirmation trigger, and --replace replaces it', async () => {
    const id = await createPool({
      LambdaConfig: { PreSignUp: fn('pre'), PostConfirmation: OTHER_TRIGGER },
    });
    const before = await describePool(id);

    const refused = recorder();
    expect(await main(['--user-pool-id', id, '--trigger-arn', TRIGGER], cognito, refused)).toBe(1);
    expect(refused.err.join('\n')).toContain(
      `already has a post-confirmation trigger: ${OTHER_TRIGGER}`,
    );
    expect(refused.err.join('\n')).toContain('Use in your own CDK app');
    expect(await describePool(id)).toStrictEqual(before);

    const replaced = recorder();
    const code = await main(
      ['--user-pool-id', id, '--trigger-arn', TRIGGER, '--replace'],
      cognito,
      replaced,
    );
    expect(code).toBe(0);
    expect(replaced.text()).toContain(`${OTHER_TRIGGER} -> ${TRIGGER}`);
    expect(await describePool(id)).toStrictEqual(attached(before));
  });

  it('exits 1 listing what differs when the pool changed more than the trigger', async () => {
    const id = await createPool();
    // Something between the script and the pool drops two settings from the request.
    const lossy = localCognitoClient(emulator.url, 'eu-west-1');
    lossy.middlewareStack.add(
      (next) => (args) => {
        const input = args.input as UpdateUserPoolCommandInput;
        if ('UserPoolId' in input && 'LambdaConfig' in input) {
          delete input.UserPoolTags;
          delete input.MfaConfiguration;
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const output = recorder();

    const code = await main(['--user-pool-id', id, '--trigger-arn', TRIGGER], lossy, output);
    lossy.destroy();

    expect(code).toBe(1);
    const errors = output.err.join('\n');
    expect(errors).toContain('the pool was updated, but DescribeUserPool now reports it');
    expect(errors).toContain('MfaConfiguration: was OPTIONAL, now (none)');
    expect(errors).toContain('UserPoolTags["cost-centre"]: was cc-42, now (none)');
    expect(errors).toContain('UserPoolTags.owner: was accounts, now (none)');
    expect(errors).not.toContain(TRIGGER_PATH);
    expect(output.out.join('\n')).not.toContain('Attached.');
  });

  it('says the update was sent when reading the pool back fails', async () => {
    const id = await createPool();
    const before = await describePool(id);
    // The second DescribeUserPool (the read-back) fails as a throttled call would.
    let describes = 0;
    const flaky = localCognitoClient(emulator.url, 'eu-west-1');
    flaky.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'DescribeUserPoolCommand' && ++describes === 2) {
          const error = new Error('Rate exceeded');
          error.name = 'TooManyRequestsException';
          throw error;
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const output = recorder();

    const code = await main(['--user-pool-id', id, '--trigger-arn', TRIGGER], flaky, output);
    flaky.destroy();

    expect(code).toBe(1);
    expect(output.err).toStrictEqual([
      'error: DescribeUserPool (after the update) failed: TooManyRequestsException: Rate exceeded',
      `  the update was sent; check the pool by hand: aws cognito-idp describe-user-pool --user-pool-id ${id}`,
    ]);
    expect(await describePool(id)).toStrictEqual(attached(before));
  });

  it('reports an unknown pool in one line, with a hint and no stack trace', async () => {
    const output = recorder();
    const code = await main(
      ['--user-pool-id', 'local_Missing1', '--trigger-arn', TRIGGER],
      cognito,
      output,
    );
    expect(code).toBe(1);
    expect(output.err).toStrictEqual([
      'error: DescribeUserPool failed: ResourceNotFoundException: User Pool local_Missing1 not found',
      '  check the pool id and the region',
    ]);
  });

  it.each([
    ['no arguments', [], '--user-pool-id is required'],
    ['no trigger', ['--user-pool-id', 'eu-west-1_A1'], '--trigger-arn is required'],
    ['a bad pool id', ['--user-pool-id', 'nope', '--trigger-arn', TRIGGER], 'not a user pool id'],
    [
      'a bad ARN',
      ['--user-pool-id', 'eu-west-1_A1', '--trigger-arn', 'x'],
      'not a Lambda function ARN',
    ],
    [
      'an unknown option',
      ['--user-pool-id', 'eu-west-1_A1', '--trigger-arn', TRIGGER, '--force'],
      "Unknown option '--force'",
    ],
    ['a positional', ['eu-west-1_A1'], 'Unexpected argument'],
    [
      'an empty region',
      ['--user-pool-id', 'eu-west-1_A1', '--trigger-arn', TRIGGER, '--region', ''],
      '--region is empty',
    ],
  ])('exits 2 with usage for %s, calling nothing', async (_name, argv, message) => {
    const output = recorder();
    const untouched = localCognitoClient('http://127.0.0.1:1', 'eu-west-1');
    expect(await main(argv, untouched, output)).toBe(2);
    untouched.destroy();
    expect(output.err.join('\n')).toContain(`error: ${message}`);
    expect(output.err.join('\n')).toContain('usage: npx tsx scripts/attach-trigger.ts');
  });

  it('runs as a command: the SDK finds the endpoint in AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', async () => {
    const id = await createPool();
    const before = await describePool(id);
    const run = (...argv: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        execFile(
          process.execPath,
          [TSX, SCRIPT, '--user-pool-id', id, '--trigger-arn', TRIGGER, ...argv],
          {
            cwd: REPOSITORY_ROOT,
            env: {
              PATH: process.env.PATH,
              HOME: tmpdir(),
              AWS_CONFIG_FILE: '/dev/null',
              AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
              AWS_ACCESS_KEY_ID: 'local',
              AWS_SECRET_ACCESS_KEY: 'local',
              AWS_MAX_ATTEMPTS: '1',
              AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: emulator.url,
            },
          },
          (error, stdout, stderr) =>
            done({ code: error ? (error.code as number) : 0, stdout, stderr }),
        );
      });

    const noRegion = await run();
    expect(noRegion.code).toBe(1);
    expect(noRegion.stderr).toContain('pass --region or set AWS_REGION');
    expect(noRegion.stderr).not.toMatch(/^\s+at /m);

    const dryRun = await run('--region', 'eu-west-1', '--dry-run');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('Dry run: nothing sent.');
    expect(await describePool(id)).toStrictEqual(before);

    const attach = await run('--region', 'eu-west-1');
    expect(attach.stderr).toBe('');
    expect(attach.code).toBe(0);
    expect(attach.stdout).toContain('Attached.');
    expect(await describePool(id)).toStrictEqual(attached(before));

    const again = await run('--region', 'eu-west-1');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('is already attached; nothing to do');
  });

  it('--help prints the usage and exits 0', async () => {
    const output = recorder();
    expect(await main(['--help'], cognito, output)).toBe(0);
    expect(output.out.join('\n')).toContain('--dry-run');
  });
});
