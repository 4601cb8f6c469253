/**
 * The local Cognito front's two-secret API, through the standard SDK on a running local stack:
 * a secret added is live at once beside the first, listed without its value, and dead once
 * deleted; the rotation probe tells the two apart as it would on Cognito.
 */
import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSecret } from '../../lambda/rotate-client-secret/probe';
import { type LocalStack, startLocalStack } from '../support/local-stack';

let stack: LocalStack;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  stack = await startLocalStack();
  cognito = new CognitoIdentityProviderClient({
    endpoint: stack.info.cognitoEndpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('two live secrets per client on the local Cognito', () => {
  it('adds, lists, accepts and deletes a secret', async () => {
    const client = { UserPoolId: stack.info.userPoolId, ClientId: stack.info.clientId };
    const added = await cognito.send(new AddUserPoolClientSecretCommand(client));
    const value = added.ClientSecretDescriptor?.ClientSecretValue ?? '';
    expect(value).not.toBe('');
    expect(await probeSecret(cognito, client.ClientId, value)).toBe('accepted');
    expect(await probeSecret(cognito, client.ClientId, 'not-a-live-secret')).toBe('rejected');

    const listed =
      (await cognito.send(new ListUserPoolClientSecretsCommand(client))).ClientSecrets ?? [];
    expect(listed).toHaveLength(2);
    for (const secret of listed) expect(secret.ClientSecretValue).toBeUndefined();
    await expect(cognito.send(new AddUserPoolClientSecretCommand(client))).rejects.toMatchObject({
      name: 'LimitExceededException',
    });

    await cognito.send(
      new DeleteUserPoolClientSecretCommand({
        ...client,
        ClientSecretId: added.ClientSecretDescriptor?.ClientSecretId,
      }),
    );
    expect(await probeSecret(cognito, client.ClientId, value)).toBe('rejected');
    const [last] =
      (await cognito.send(new ListUserPoolClientSecretsCommand(client))).ClientSecrets ?? [];
    await expect(
      cognito.send(
        new DeleteUserPoolClientSecretCommand({ ...client, ClientSecretId: last?.ClientSecretId }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  }, 60_000);
});
