/**
 * The parts of a Cognito request both operations build the same way from a validated body and
 * the API Gateway event (contract section 1).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';

interface OptionalFields {
  readonly clientMetadata?: Readonly<Record<string, string>> | undefined;
  readonly encodedData?: string | undefined;
  readonly analyticsEndpointId?: string | undefined;
}

export interface CognitoContextFields {
  UserContextData: { IpAddress?: string; EncodedData?: string };
  ClientMetadata: Record<string, string>;
  AnalyticsMetadata?: { AnalyticsEndpointId: string };
}

/**
 * `UserContextData` carries the source IP API Gateway saw (never a body field or a header a
 * caller can forge); `ClientMetadata` always carries our request id, overwriting a caller's, so
 * the trigger's logs and events correlate with this call.
 *
 * @example
 * new ForgotPasswordCommand({ ClientId, Username, SecretHash, ...cognitoContextFields(body, event, requestId) })
 */
export function cognitoContextFields(
  body: OptionalFields,
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  requestId: string,
): CognitoContextFields {
  const sourceIp = event.requestContext?.identity?.sourceIp;
  return {
    UserContextData: {
      ...(sourceIp ? { IpAddress: sourceIp } : {}),
      ...(body.encodedData !== undefined ? { EncodedData: body.encodedData } : {}),
    },
    ClientMetadata: { ...body.clientMetadata, requestId },
    ...(body.analyticsEndpointId !== undefined
      ? { AnalyticsMetadata: { AnalyticsEndpointId: body.analyticsEndpointId } }
      : {}),
  };
}
