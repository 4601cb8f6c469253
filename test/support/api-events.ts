/**
 * REST API (v1) proxy events as API Gateway sends them, modelled on a captured event (Powertools'
 * `apigw-rest/no-auth.json` fixture): single- and multi-value headers, CloudFront headers, the
 * `X-Forwarded-For` chain beside `requestContext.identity.sourceIp`.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiFunctionName } from './handlers';

export const SOURCE_IP = '198.51.100.23';
export const ALLOWED_ORIGIN = 'https://app.example.test';

export type ResetPath = '/password/forgot' | '/password/confirm';

export interface ApiEventOptions {
  readonly path?: ResetPath | string;
  readonly method?: string;
  /** A value to send as JSON, or a raw string sent as is. */
  readonly body?: unknown;
  readonly rawBody?: string | null;
  readonly headers?: Record<string, string> | null;
  readonly isBase64Encoded?: boolean;
  readonly sourceIp?: string;
}

const BASE_HEADERS: Record<string, string> = {
  Accept: '*/*',
  'Accept-Encoding': 'gzip, deflate',
  'CloudFront-Forwarded-Proto': 'https',
  'CloudFront-Is-Desktop-Viewer': 'true',
  'CloudFront-Is-Mobile-Viewer': 'false',
  'CloudFront-Viewer-Country': 'GB',
  'Content-Type': 'application/json',
  Host: 'abcdef1234.execute-api.eu-west-1.amazonaws.com',
  'User-Agent': 'HTTPie/3.2.2',
  Via: '1.1 49c0c4776e390b983c9f9f5365e3140c.cloudfront.net (CloudFront)',
  'X-Amz-Cf-Id': 'x9VncJ8IMo4X5UQEL8-Xg94vWwwuokofx236RgW1CrFCTh9DnPrgJA==',
  'X-Amzn-Trace-Id': 'Root=1-66704cad-0fbaf1491365339d168b2a7d',
  'X-Forwarded-For': `${SOURCE_IP}, 130.176.209.21`,
  'X-Forwarded-Port': '443',
  'X-Forwarded-Proto': 'https',
};

/**
 * @example
 * apiEvent({ path: '/password/forgot', body: { username: 'alice' } })
 */
export function apiEvent(options: ApiEventOptions = {}): APIGatewayProxyEvent {
  const path = options.path ?? '/password/forgot';
  const method = options.method ?? 'POST';
  const headers = options.headers === undefined ? BASE_HEADERS : options.headers;
  const body =
    options.rawBody !== undefined
      ? options.rawBody
      : options.body === undefined
        ? null
        : JSON.stringify(options.body);
  const sourceIp = options.sourceIp ?? SOURCE_IP;
  return {
    resource: path,
    path,
    httpMethod: method,
    headers:
      headers === null ? (null as unknown as APIGatewayProxyEvent['headers']) : { ...headers },
    multiValueHeaders:
      headers === null
        ? (null as unknown as APIGatewayProxyEvent['multiValueHeaders'])
        : Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      resourceId: '3nq1cq',
      resourcePath: path,
      httpMethod: method,
      extendedRequestId: 'ZhDrKF5dDoEEHfA=',
      requestTime: '17/Jun/2024:14:48:13 +0000',
      path: `/prod${path}`,
      accountId: '000000000000',
      protocol: 'HTTP/1.1',
      stage: 'prod',
      domainPrefix: 'abcdef1234',
      requestTimeEpoch: 1718635693506,
      requestId: randomUUID(),
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: 'HTTPie/3.2.2',
        user: null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
      },
      domainName: 'abcdef1234.execute-api.eu-west-1.amazonaws.com',
      apiId: 'abcdef1234',
      authorizer: null,
    },
    body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/** A valid forgot request for `username`. */
export function forgotEvent(username = 'alice@example.test', extra: Record<string, unknown> = {}) {
  return apiEvent({ path: '/password/forgot', body: { username, ...extra } });
}

/** A valid confirm request. */
export function confirmEvent(
  username = 'alice@example.test',
  code = '123456',
  password = 'Correct-Horse-Battery-Staple-9',
  extra: Record<string, unknown> = {},
) {
  return apiEvent({ path: '/password/confirm', body: { username, code, password, ...extra } });
}

/** One API function with the Cognito operation it calls and its answer when all goes well. */
export interface ApiOperation {
  readonly name: ApiFunctionName;
  readonly cognitoOperation: string;
  readonly successStatus: number;
  readonly event: () => APIGatewayProxyEvent;
}

/** Both API functions, for suites that hold each to the same behaviour (`describe.each`). */
export function apiOperations(username: string, code: string, password: string): ApiOperation[] {
  return [
    {
      name: 'forgot-password',
      cognitoOperation: 'ForgotPassword',
      successStatus: 202,
      event: () => forgotEvent(username),
    },
    {
      name: 'confirm-forgot-password',
      cognitoOperation: 'ConfirmForgotPassword',
      successStatus: 204,
      event: () => confirmEvent(username, code, password),
    },
  ];
}
