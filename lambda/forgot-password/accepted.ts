/**
 * The 202 of `POST /password/forgot`: one body, byte for byte, whatever happened, so that the
 * answer never says whether an account matched. Cognito's `CodeDeliveryDetails` are not passed
 * on: for an unknown, disabled or unverified user Cognito simulates a destination from what was
 * typed (`N***@E***` for `NOBODY@EXAMPLE.COM`), for a real one it masks the stored address
 * (`d***@e***`), so any destination in the answer would tell the two apart.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

/** The one message of every 202, whether or not an account matched. */
export const ACCEPTED_MESSAGE = 'If an account matches, a confirmation code has been sent.';

/** The one body of every 202. */
export const ACCEPTED_BODY = JSON.stringify({ message: ACCEPTED_MESSAGE });

/**
 * The 202 answer, the same for every outcome Cognito may have had.
 *
 * @example
 * return accepted();
 */
export function accepted(): APIGatewayProxyResult {
  return {
    statusCode: 202,
    headers: { 'Content-Type': 'application/json' },
    body: ACCEPTED_BODY,
  };
}
