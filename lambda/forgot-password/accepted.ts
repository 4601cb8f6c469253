/**
 * The 202 of `POST /password/forgot`. One message whatever happened, so that the answer never
 * says whether an account matched.
 */
import type { CodeDeliveryDetailsType } from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyResult } from 'aws-lambda';

/** The one message of every 202, whether or not an account matched. */
export const ACCEPTED_MESSAGE = 'If an account matches, a confirmation code has been sent.';

/**
 * The 202 answer; `delivery` is Cognito's masked destination, absent when Cognito gave none.
 *
 * @example
 * accepted(output.CodeDeliveryDetails)
 */
export function accepted(details: CodeDeliveryDetailsType | undefined): APIGatewayProxyResult {
  const delivery =
    details?.DeliveryMedium && details.Destination
      ? { medium: details.DeliveryMedium, destination: details.Destination }
      : undefined;
  return {
    statusCode: 202,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: ACCEPTED_MESSAGE, ...(delivery ? { delivery } : {}) }),
  };
}
