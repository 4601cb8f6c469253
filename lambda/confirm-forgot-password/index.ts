/**
 * `POST /password/confirm` (contract section 1): Cognito `ConfirmForgotPassword` with the
 * server-held client secret. A wrong code, an expired code, an unknown user and a disabled user
 * all answer the one `INVALID_CODE` document, and every answer but the preflight is held to the
 * confirm timing floor, so that Cognito's quicker answer for an unknown user does not show.
 *
 * The request's path, top to bottom: `createApiHandler` parses and validates the body, then
 * {@link confirmForgotPassword} checks the new password against the pool's policy (so that a weak
 * password answers alike for every account), gets the secret and calls Cognito
 * (`withClientSecret`) and maps the outcome.
 */
import '../shared/secret-prefetch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ConfirmForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createApiHandler, type OperationContext } from '../shared/api-handler';
import { cognitoContextFields } from '../shared/cognito-request';
import { createHandlerRuntime } from '../shared/handler-runtime';
import { assertMeetsPasswordPolicy } from '../shared/password-policy';
import { ProblemError } from '../shared/problem-error';
import {
  type ConfirmForgotPasswordRequest,
  ConfirmForgotPasswordRequestSchema,
} from '../shared/request-schema';
import { confirmFailureProblem, isPerUserLimit } from '../shared/upstream-errors';

const runtime = createHandlerRuntime('confirm-forgot-password');

async function confirmForgotPassword(
  body: ConfirmForgotPasswordRequest,
  call: OperationContext,
): Promise<APIGatewayProxyResult> {
  assertMeetsPasswordPolicy(body.password, runtime.config.passwordPolicy);
  await runtime.limitAttempts('confirm', body.username, call.signal);
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
    // A user's attempt limit answers the one INVALID_CODE (only an existing account reaches it);
    // operators still see it counted.
    if (isPerUserLimit(error)) {
      runtime.observability.metrics.addMetric('UserLimitReached', MetricUnit.Count, 1);
    }
    throw confirmFailureProblem(error);
  }
}

/** The Lambda entry point (middy-wrapped; see `createApiHandler`). */
export const handler = createApiHandler({
  schema: ConfirmForgotPasswordRequestSchema,
  observability: runtime.observability,
  allowedOrigins: runtime.config.allowedOrigins,
  minResponseMs: runtime.config.confirmMinResponseMs,
  confirm: true,
  operate: confirmForgotPassword,
});
