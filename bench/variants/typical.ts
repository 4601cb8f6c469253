/**
 * The typical implementation, as commonly found in public code: classic zod for the body, the
 * client secret fetched from Secrets Manager on every request, both clients created per request,
 * nothing prefetched at module load. It is what the product's design choices are measured
 * against, next to the floor.
 */
import { createHmac } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';

const ConfirmBody = z
  .object({
    username: z.string().min(1).max(128),
    code: z.string().min(1).max(2048).regex(/^\S+$/),
    password: z.string().min(1).max(256).regex(/^\S+$/),
    clientMetadata: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const SecretValue = z.object({ clientSecret: z.string().min(1) });

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const parsed = ConfirmBody.safeParse(JSON.parse(event.body ?? 'null'));
  if (!parsed.success) {
    return { statusCode: 400, body: JSON.stringify({ errors: parsed.error.issues.length }) };
  }
  const secrets = new SecretsManagerClient({});
  const secret = await secrets.send(
    new GetSecretValueCommand({ SecretId: process.env.CLIENT_SECRET_ID }),
  );
  const { clientSecret } = SecretValue.parse(JSON.parse(secret.SecretString ?? '{}'));
  const clientId = process.env.USER_POOL_CLIENT_ID ?? '';
  const { username, code, password, clientMetadata } = parsed.data;
  const secretHash = createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
  const cognito = new CognitoIdentityProviderClient({});
  await cognito.send(
    new ConfirmForgotPasswordCommand({
      ClientId: clientId,
      Username: username,
      ConfirmationCode: code,
      Password: password,
      SecretHash: secretHash,
      ClientMetadata: clientMetadata,
    }),
  );
  return { statusCode: 204, body: '' };
};
