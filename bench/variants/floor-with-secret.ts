/**
 * Experiment: the floor plus the one thing the product must add, the Secrets Manager client
 * fetching the secret at module load (not awaited). Its bundle is the least a product that reads
 * the secret through the SDK can weigh; everything else the product carries comes on top.
 */
import {
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new CognitoIdentityProviderClient();
const secret = new SecretsManagerClient()
  .send(new GetSecretValueCommand({ SecretId: process.env.CLIENT_SECRET_ID }))
  .then((output) => output.SecretString);
secret.catch(() => undefined);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const body = JSON.parse(event.body ?? '{}') as Record<string, string>;
  await secret;
  await client.send(
    new ConfirmForgotPasswordCommand({
      ClientId: process.env.USER_POOL_CLIENT_ID,
      Username: body.username,
      ConfirmationCode: body.code,
      Password: body.password,
    }),
  );
  return { statusCode: 204, body: '' };
};
