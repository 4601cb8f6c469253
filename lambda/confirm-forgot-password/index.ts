/**
 * `POST /password/confirm` (contract section 1): Cognito `ConfirmForgotPassword` with the
 * server-held client secret. A wrong code, an expired code, an unknown user and a disabled user
 * all answer the one `INVALID_CODE` document.
 *
 * The request's path, top to bottom: `createApiHandler` parses and validates the body, then
 * {@link confirmForgotPassword} gets the secret and calls Cognito (`withClientSecret`) and maps
 * the outcome.
 */
import '../shared/secret-prefetch';
import { ConfirmForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createApiHandler, type OperationContext } from '../shared/api-handler';
import { cognitoContextFields } from '../shared/cognito-request';
import { createHandlerRuntime } from '../shared/handler-runtime';
import { ProblemError } from '../shared/problem-error';
import {
  type ConfirmForgotPasswordRequest,
  ConfirmForgotPasswordRequestSchema,
} from '../shared/request-schema';
import { confirmFailureProblem } from '../shared/upstream-errors';

const runtime = createHandlerRuntime('confirm-forgot-password');

async function confirmForgotPassword(
  body: ConfirmForgotPasswordRequest,
  call: OperationContext,
): Promise<APIGatewayProxyResult> {
  try {
    await runtime.withClientSecret(body.username, call.signal, (client) =>
      runtime.cognito.send(
        new ConfirmForgotPasswordCommand({
          ...client,
          Username: body.username,
          ConfirmationCode: body.code,
          Password: body.password,
          ...cognitoContextFields(body, call.event, call.requestId),
        }),
        { abortSignal: call.signal },
      ),
    );
    return { statusCode: 204, body: '' };
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw confirmFailureProblem(error);
  }
}

/** The Lambda entry point (middy-wrapped; see `createApiHandler`). */
export const handler = createApiHandler({
  schema: ConfirmForgotPasswordRequestSchema,
  observability: runtime.observability,
  allowedOrigins: runtime.config.allowedOrigins,
  confirm: true,
  operate: confirmForgotPassword,
});
