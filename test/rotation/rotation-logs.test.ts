/**
 * The rotation function logs ids and decisions, never a secret value or a secret hash: every byte
 * it writes while it runs each step (and a failing one) is captured and scanned.
 */
import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
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
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureLogs } from '../support/log-capture';

const SECRET_ID = 'rotation-log-secret';
const TOKEN = 'token-new';
const NEW_SECRET = 'new-secret-value-0123456789abcdef';
const CURRENT_SECRET = 'current-secret-value-0123456789ab';

const secrets = mockClient(SecretsManagerClient);
const cognito = mockClient(CognitoIdentityProviderClient);

afterEach(() => {
  secrets.reset();
  cognito.reset();
  vi.unstubAllEnvs();
});

describe('the rotation function logs no secret', () => {
  it('on every step and on a failing one', async () => {
    // Prepare
    vi.stubEnv('USER_POOL_ID', 'eu-west-1_pool');
    vi.stubEnv('CLIENT_ID', 'client-id');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.resetModules();
    const { handler } = await import('../../lambda/rotate-client-secret/index');
    secrets.on(DescribeSecretCommand).resolves({
      RotationEnabled: true,
      VersionIdsToStages: { old: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] },
    });
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({
      SecretString: JSON.stringify({ clientSecret: CURRENT_SECRET, clientSecretId: 'id-current' }),
      CreatedDate: new Date(0),
    });
    secrets
      .on(GetSecretValueCommand, { VersionId: TOKEN, VersionStage: 'AWSPENDING' })
      .rejectsOnce(new ResourceNotFoundException({ message: 'none', $metadata: {} }))
      .resolves({
        SecretString: JSON.stringify({
          clientSecret: NEW_SECRET,
          previousClientSecret: CURRENT_SECRET,
        }),
      });
    secrets.on(PutSecretValueCommand).resolves({});
    secrets.on(UpdateSecretVersionStageCommand).resolves({});
    cognito
      .on(ListUserPoolClientSecretsCommand)
      .resolves({ ClientSecrets: [{ ClientSecretId: 'id-current' }] });
    cognito.on(AddUserPoolClientSecretCommand).resolves({
      ClientSecretDescriptor: { ClientSecretId: 'id-new', ClientSecretValue: NEW_SECRET },
    });
    // Cognito rejects every hash with a message that echoes its input, the worst case for a log.
    cognito.on(ConfirmForgotPasswordCommand).callsFake((input) => {
      throw new CognitoIdentityProviderServiceException({
        name: 'NotAuthorizedException',
        message: `Unable to verify secret hash ${input.SecretHash} for client ${input.ClientId}`,
        $fault: 'client',
        $metadata: {},
      });
    });
    const logs = captureLogs();

    // Act
    for (const Step of ['createSecret', 'setSecret', 'finishSecret']) {
      await handler({ Step, SecretId: SECRET_ID, ClientRequestToken: TOKEN });
    }
    const failed = await handler({
      Step: 'testSecret',
      SecretId: SECRET_ID,
      ClientRequestToken: TOKEN,
    }).catch((error: unknown) => error);
    logs.restore();

    // Assess
    expect(failed).toBeInstanceOf(Error);
    const probes = cognito.commandCalls(ConfirmForgotPasswordCommand).map((c) => c.args[0].input);
    expect(probes.length).toBeGreaterThan(0);
    const text = logs.text();
    expect(logs.records().map((r) => r.message)).toContain('Rotation step failed.');
    for (const leaked of [NEW_SECRET, CURRENT_SECRET, ...probes.map((p) => p.SecretHash ?? 'x')]) {
      expect(text).not.toContain(leaked);
    }
  });
});
