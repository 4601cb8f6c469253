/**
 * `POST /password/forgot` (contract section 1): Cognito `ForgotPassword` with the server-held
 * client secret. Every answer but the preflight is held to the timing floor, and the outcomes
 * that could reveal whether an account exists all answer the same 202.
 *
 * The request's path, top to bottom: `createApiHandler` parses and validates the body, then
 * {@link forgotPassword} gets the secret and calls Cognito (`withClientSecret`) and maps the
 * outcome.
 */
import '../shared/secret-prefetch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createApiHandler, type OperationContext } from '../shared/api-handler';
import { cognitoContextFields } from '../shared/cognito-request';
import { createHandlerRuntime } from '../shared/handler-runtime';
import { ProblemError } from '../shared/problem-error';
import { type ForgotPasswordRequest, ForgotPasswordRequestSchema } from '../shared/request-schema';
import { errorName, forgotFailureOutcome } from '../shared/upstream-errors';
import { accepted } from './accepted';

const runtime = createHandlerRuntime('forgot-password');
const { logger, metrics } = runtime.observability;

async function forgotPassword(
  body: ForgotPasswordRequest,
  call: OperationContext,
): Promise<APIGatewayProxyResult> {
  await runtime.limitAttempts('forgot', body.username, call.signal);
  try {
    // Cognito's answer (its `CodeDeliveryDetails`) is deliberately unused: see `accepted`.
    await runtime.withClientSecret(body.username, call.signal, (client) =>
      runtime.cognito.send(
        new ForgotPasswordCommand({
          ...client,
          Username: body.username,
          ...cognitoContextFields(body, call.event, call.requestId),
        }),
        { abortSignal: call.signal },
      ),
    );
    return accepted();
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    const outcome = forgotFailureOutcome(error);
    if (outcome.kind === 'problem') throw outcome.problem;
    if (outcome.cause === 'user-limit') {
      // Only an existing account reaches it: the caller gets the same 202, operators a count.
      metrics.addMetric('UserLimitReached', MetricUnit.Count, 1);
      logger.info('Cognito refused ForgotPassword: a user reached its attempt limit', {
        upstream: outcome.upstream,
      });
      return accepted();
    }
    logger.warn(
      'Cognito answered ForgotPassword with a user-existence error: the user pool should enable PreventUserExistenceErrors',
      { upstream: errorName(error) },
    );
    return accepted();
  }
}

/** The Lambda entry point (middy-wrapped; see `createApiHandler`). */
export const handler = createApiHandler({
  schema: ForgotPasswordRequestSchema,
  observability: runtime.observability,
  allowedOrigins: runtime.config.allowedOrigins,
  minResponseMs: runtime.config.minResponseMs,
  confirm: false,
  operate: forgotPassword,
});
