/**
 * The floor: the least any confirm implementation on the required SDK can do. One client at
 * module scope, one `ConfirmForgotPasswordCommand`, no validation, no secret hash, no logging.
 * The product is judged against this, built with the very same esbuild options.
 */
import {
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new CognitoIdentityProviderClient();

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const body = JSON.parse(event.body ?? '{}') as Record<string, string>;
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
