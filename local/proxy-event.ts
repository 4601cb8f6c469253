/**
 * Builds the API Gateway REST API (v1) Lambda proxy event for a local HTTP request, in the shape
 * API Gateway really sends (see test/api/fixtures/apigw-rest-proxy-event.json): original
 * header casing, `headers` holding the last value and `multiValueHeaders` all of them,
 * `X-Forwarded-For` with the caller appended, `requestContext.identity.sourceIp` from the socket,
 * and a base64 body (`isBase64Encoded`) when the bytes are not valid UTF-8.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** What the local gateway knows about one request. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Alternating names and values, as Node's `rawHeaders`. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly receivedAt: Date;
  readonly host: string;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The local stage name; the API root has no stage prefix locally. */
export const LOCAL_STAGE = 'local';

function headerMaps(
  rawHeaders: readonly string[],
  sourceIp: string,
): { single: Record<string, string>; multi: Record<string, string[]> } {
  const multi: Record<string, string[]> = {};
  const canonical = new Map<string, string>();
  const add = (name: string, value: string): void => {
    const key = canonical.get(name.toLowerCase()) ?? name;
    canonical.set(name.toLowerCase(), key);
    multi[key] = [...(multi[key] ?? []), value];
  };
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    if (name.toLowerCase() !== 'x-forwarded-for') add(name, rawHeaders[i + 1] ?? '');
  }
  const forwarded: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] ?? '').toLowerCase() === 'x-forwarded-for')
      forwarded.push(rawHeaders[i + 1] ?? '');
  }
  add('X-Forwarded-For', [...forwarded, sourceIp].join(', '));
  add('X-Forwarded-Proto', 'http');
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(multi))
    single[name] = values[values.length - 1] ?? '';
  return { single, multi };
}

function queryMaps(query: URLSearchParams): {
  single: Record<string, string> | null;
  multi: Record<string, string[]> | null;
} {
  const multi: Record<string, string[]> = {};
  for (const [name, value] of query) multi[name] = [...(multi[name] ?? []), value];
  const names = Object.keys(multi);
  if (names.length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  for (const name of names) single[name] = multi[name]?.at(-1) ?? '';
  return { single, multi };
}

/** Formats a date as API Gateway's `requestTime` (`17/Jun/2024:14:48:13 +0000`). */
export function requestTime(date: Date): string {
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * The proxy event for `request`, routed to `resource`.
 *
 * @example
 * toProxyEvent(raw, '/password/forgot').requestContext.identity.sourceIp // '127.0.0.1'
 */
export function toProxyEvent(request: RawRequest, resource: string): APIGatewayProxyEvent {
  const headers = headerMaps(request.rawHeaders, request.sourceIp);
  const query = queryMaps(request.query);
  let body: string | null = null;
  let isBase64Encoded = false;
  if (request.body.length > 0) {
    try {
      body = UTF8.decode(request.body);
    } catch {
      body = request.body.toString('base64');
      isBase64Encoded = true;
    }
  }
  const userAgent = headers.single['User-Agent'] ?? headers.single['user-agent'] ?? null;
  return {
    resource,
    path: request.path,
    httpMethod: request.method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      resourceId: 'local',
      resourcePath: resource,
      httpMethod: request.method,
      extendedRequestId: request.requestId,
      requestTime: requestTime(request.receivedAt),
      path: `/${LOCAL_STAGE}${request.path}`,
      accountId: '000000000000',
      protocol: 'HTTP/1.1',
      stage: LOCAL_STAGE,
      domainName: request.host,
      domainPrefix: 'local',
      requestTimeEpoch: request.receivedAt.getTime(),
      requestId: request.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: request.sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent,
        user: null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
      },
      apiId: 'local',
      authorizer: null,
    },
    body,
    isBase64Encoded,
  };
}
