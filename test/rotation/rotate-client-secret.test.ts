/**
 * The rotation function's four steps (Secrets Manager's contract, Cognito's two-secret API): the
 * calls each step makes, its idempotence, and each failure that must stop a rotation.
 */
import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { depsFromEnvironment } from '../../lambda/rotate-client-secret/index';
import {
  parseRotationEvent,
  type RotationStep,
} from '../../lambda/rotate-client-secret/rotation-event';
import { type RotationDeps, runRotationStep } from '../../lambda/rotate-client-secret/steps';
import { computeSecretHash } from '../../lambda/shared/secret-hash';

const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:client-AbCdEf';
const TOKEN = 'token-new';
const OLD_VERSION = 'version-current';
const NOW = Date.parse('2026-12-07T03:00:00Z');
const CURRENT = {
  clientSecret: 'current-secret',
  clientSecretId: 'id-current',
  previousClientSecret: 'older-secret',
  previousClientSecretId: 'id-older',
};

const secrets = mockClient(SecretsManagerClient);
const cognito = mockClient(CognitoIdentityProviderClient);
let logged: string[];

function deps(): RotationDeps {
  return {
    secrets: new SecretsManagerClient({ region: 'eu-west-1' }),
    cognito: new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
    userPoolId: 'eu-west-1_pool',
    clientId: 'client-id',
    minCurrentAgeMs: 600_000,
    now: () => NOW,
    log: (message, fields) => logged.push(JSON.stringify({ message, ...fields })),
  };
}

function event(step: RotationStep) {
  return { Step: step, SecretId: SECRET_ID, ClientRequestToken: TOKEN };
}

function cognitoError(name: string, message: string) {
  return new CognitoIdentityProviderServiceException({
    name,
    message,
    $fault: 'client',
    $metadata: {},
  });
}

/** A Cognito that accepts hashes made with `live` secrets, as ConfirmForgotPassword would. */
function cognitoAccepting(live: readonly string[]) {
  cognito.on(ConfirmForgotPasswordCommand).callsFake((input) => {
    const ok = live.some(
      (s) => computeSecretHash(s, input.Username, input.ClientId) === input.SecretHash,
    );
    throw ok
      ? cognitoError(
          'CodeMismatchException',
          'Invalid verification code provided, please try again.',
        )
      : cognitoError(
          'NotAuthorizedException',
          `Unable to verify secret hash for client ${input.ClientId}`,
        );
  });
}

function staged(stages: string[] = ['AWSPENDING']) {
  secrets.on(DescribeSecretCommand).resolves({
    RotationEnabled: true,
    VersionIdsToStages: { [OLD_VERSION]: ['AWSCURRENT'], [TOKEN]: stages },
  });
}

function currentValue(value: object, createdAt = new Date(NOW - 3_600_000)) {
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ID, VersionStage: 'AWSCURRENT' }).resolves({
    SecretString: JSON.stringify(value),
    VersionId: OLD_VERSION,
    CreatedDate: createdAt,
  });
}

function noPending() {
  secrets
    .on(GetSecretValueCommand, {
      SecretId: SECRET_ID,
      VersionId: TOKEN,
      VersionStage: 'AWSPENDING',
    })
    .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
}

function pendingValue(value: object) {
  secrets
    .on(GetSecretValueCommand, {
      SecretId: SECRET_ID,
      VersionId: TOKEN,
      VersionStage: 'AWSPENDING',
    })
    .resolves({ SecretString: JSON.stringify(value), VersionId: TOKEN });
}

beforeEach(() => {
  secrets.reset();
  cognito.reset();
  logged = [];
});

describe('every step checks the version as AWS templates do', () => {
  it.each([
    [
      'rotation disabled',
      { RotationEnabled: false, VersionIdsToStages: { [TOKEN]: ['AWSPENDING'] } },
      /not enabled/,
    ],
    [
      'token unknown',
      { RotationEnabled: true, VersionIdsToStages: { [OLD_VERSION]: ['AWSCURRENT'] } },
      /no version/,
    ],
    [
      'token not pending',
      { RotationEnabled: true, VersionIdsToStages: { [TOKEN]: ['AWSPREVIOUS'] } },
      /AWSPENDING/,
    ],
  ])('refuses when %s', async (_, described, error) => {
    secrets.on(DescribeSecretCommand).resolves(described);
    await expect(runRotationStep(deps(), event('createSecret'))).rejects.toThrow(error);
    expect(cognito.calls()).toHaveLength(0);
  });

  it('does nothing for a version already AWSCURRENT', async () => {
    staged(['AWSCURRENT']);
    await runRotationStep(deps(), event('finishSecret'));
    expect(secrets.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  it('refuses a malformed event', () => {
    expect(() =>
      parseRotationEvent({ Step: 'dropSecret', SecretId: SECRET_ID, ClientRequestToken: TOKEN }),
    ).toThrow();
    expect(() => parseRotationEvent({ Step: 'createSecret', ClientRequestToken: TOKEN })).toThrow();
  });
});

describe('createSecret', () => {
  it('deletes the oldest secret AWSCURRENT does not hold, adds one and stages it AWSPENDING with the current as previous', async () => {
    staged();
    currentValue(CURRENT);
    noPending();
    cognito.on(ListUserPoolClientSecretsCommand).resolves({
      ClientSecrets: [
        { ClientSecretId: 'id-current', ClientSecretCreateDate: new Date(NOW - 3_600_000) },
        { ClientSecretId: 'id-older', ClientSecretCreateDate: new Date(NOW - 7_200_000) },
      ],
    });
    cognito.on(AddUserPoolClientSecretCommand).resolves({
      ClientSecretDescriptor: { ClientSecretId: 'id-new', ClientSecretValue: 'new-secret' },
    });
    await runRotationStep(deps(), event('createSecret'));
    expect(
      cognito.commandCalls(DeleteUserPoolClientSecretCommand).map((c) => c.args[0].input),
    ).toEqual([
      { UserPoolId: 'eu-west-1_pool', ClientId: 'client-id', ClientSecretId: 'id-older' },
    ]);
    const put = secrets.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(put?.ClientRequestToken).toBe(TOKEN);
    expect(put?.VersionStages).toEqual(['AWSPENDING']);
    expect(JSON.parse(put?.SecretString ?? '')).toEqual({
      clientSecret: 'new-secret',
      clientSecretId: 'id-new',
      previousClientSecret: 'current-secret',
      previousClientSecretId: 'id-current',
    });
    expect(logged.join('\n')).not.toMatch(/new-secret|current-secret|older-secret/);
  });

  it('treats a placeholder current as no previous and deletes nothing while there is room', async () => {
    staged();
    currentValue({ placeholder: 'x' });
    noPending();
    cognito
      .on(ListUserPoolClientSecretsCommand)
      .resolves({ ClientSecrets: [{ ClientSecretId: 'id-generated' }] });
    cognito.on(AddUserPoolClientSecretCommand).resolves({
      ClientSecretDescriptor: { ClientSecretId: 'id-new', ClientSecretValue: 'new-secret' },
    });
    await runRotationStep(deps(), event('createSecret'));
    expect(cognito.commandCalls(DeleteUserPoolClientSecretCommand)).toHaveLength(0);
    const put = secrets.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(JSON.parse(put?.SecretString ?? '')).toEqual({
      clientSecret: 'new-secret',
      clientSecretId: 'id-new',
    });
  });

  it('is done when AWSPENDING already holds a value (a retried step adds nothing)', async () => {
    staged();
    currentValue(CURRENT);
    pendingValue({ clientSecret: 'new-secret', clientSecretId: 'id-new' });
    await runRotationStep(deps(), event('createSecret'));
    expect(cognito.calls()).toHaveLength(0);
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('refuses to delete the fallback of a current secret younger than the minimum age', async () => {
    staged();
    currentValue(CURRENT, new Date(NOW - 60_000));
    noPending();
    cognito.on(ListUserPoolClientSecretsCommand).resolves({
      ClientSecrets: [{ ClientSecretId: 'id-current' }, { ClientSecretId: 'id-older' }],
    });
    await expect(runRotationStep(deps(), event('createSecret'))).rejects.toThrow(/s old/);
    expect(cognito.commandCalls(DeleteUserPoolClientSecretCommand)).toHaveLength(0);
    expect(cognito.commandCalls(AddUserPoolClientSecretCommand)).toHaveLength(0);
  });

  it('refuses to guess when the client is full and AWSCURRENT records no secret id', async () => {
    staged();
    currentValue({ clientSecret: 'legacy' });
    noPending();
    cognito.on(ListUserPoolClientSecretsCommand).resolves({
      ClientSecrets: [{ ClientSecretId: 'a' }, { ClientSecretId: 'b' }],
    });
    await expect(runRotationStep(deps(), event('createSecret'))).rejects.toThrow(/by hand/);
    expect(cognito.commandCalls(DeleteUserPoolClientSecretCommand)).toHaveLength(0);
  });

  it('fails without staging anything when Cognito cannot add a secret', async () => {
    staged();
    currentValue(CURRENT);
    noPending();
    cognito
      .on(ListUserPoolClientSecretsCommand)
      .resolves({ ClientSecrets: [{ ClientSecretId: 'id-current' }] });
    cognito
      .on(AddUserPoolClientSecretCommand)
      .rejects(cognitoError('LimitExceededException', 'limit'));
    await expect(runRotationStep(deps(), event('createSecret'))).rejects.toThrow('limit');
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });
});

describe('setSecret', () => {
  it('makes no call beyond the version check: the added secret is already live', async () => {
    staged();
    await runRotationStep(deps(), event('setSecret'));
    expect(cognito.calls()).toHaveLength(0);
    expect(secrets.calls()).toHaveLength(1);
  });
});

describe('testSecret', () => {
  it('passes when Cognito accepts the pending and previous secrets and rejects a wrong one', async () => {
    staged();
    pendingValue({ clientSecret: 'new-secret', previousClientSecret: 'current-secret' });
    cognitoAccepting(['new-secret', 'current-secret']);
    await runRotationStep(deps(), event('testSecret'));
    const probes = cognito.commandCalls(ConfirmForgotPasswordCommand).map((c) => c.args[0].input);
    expect(probes).toHaveLength(3);
    for (const probe of probes) expect(probe.Username).toMatch(/^rotation-probe-/);
  });

  it.each([
    ['the pending secret is rejected', ['current-secret'], /pending client secret/],
    ['the previous secret is rejected', ['new-secret'], /previous client secret/],
  ])('fails when %s', async (_, live, error) => {
    staged();
    pendingValue({ clientSecret: 'new-secret', previousClientSecret: 'current-secret' });
    cognitoAccepting(live);
    await expect(runRotationStep(deps(), event('testSecret'))).rejects.toThrow(error);
  });

  it('fails when Cognito accepts any secret (the probe would prove nothing)', async () => {
    staged();
    pendingValue({ clientSecret: 'new-secret' });
    cognito.on(ConfirmForgotPasswordCommand).rejects(cognitoError('CodeMismatchException', 'code'));
    await expect(runRotationStep(deps(), event('testSecret'))).rejects.toThrow(/proves nothing/);
  });

  it('fails on an inconclusive answer (throttling)', async () => {
    staged();
    pendingValue({ clientSecret: 'new-secret' });
    cognito
      .on(ConfirmForgotPasswordCommand)
      .rejects(cognitoError('TooManyRequestsException', 'slow down'));
    await expect(runRotationStep(deps(), event('testSecret'))).rejects.toThrow(/inconclusive/);
  });
});

describe('finishSecret', () => {
  it('moves AWSCURRENT from the current version to the token', async () => {
    staged();
    await runRotationStep(deps(), event('finishSecret'));
    expect(secrets.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_ID,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: OLD_VERSION,
    });
  });
});

describe('MIN_CURRENT_AGE_SECONDS', () => {
  it.each([
    [undefined, 600_000],
    ['0', 0],
    ['5', 5_000],
    ['900', 900_000],
    ['', 600_000],
    ['-1', 600_000],
    ['1.5', 600_000],
    ['soon', 600_000],
  ])('%j -> %i ms (anything but whole seconds keeps twice the cache period)', (value, ms) => {
    expect(depsFromEnvironment({ MIN_CURRENT_AGE_SECONDS: value }).minCurrentAgeMs).toBe(ms);
  });
});
