/**
 * What a child process hands a handler, and what it expects back: an API Gateway REST (v1) proxy
 * event, a Cognito post-confirmation event or a CustomMessage (ForgotPassword) event, and a Lambda context, shaped as AWS sends them
 * (after the samples in the team's shared events). Its one import, the captured API Gateway event,
 * is inlined by esbuild: no module loads at run time, so a child's own start-up cost stays out of
 * what it measures.
 */
import CAPTURED from '../../test/api/fixtures/apigw-rest-proxy-event.json' with { type: 'json' };

/** Which product operation a variant implements. */
export type Operation = 'confirm' | 'forgot' | 'trigger' | 'message';

/** The function name each operation is deployed as (also the Lambda env the child sets). */
export const FUNCTION_NAME: Record<Operation, string> = {
  confirm: 'confirm-forgot-password',
  forgot: 'forgot-password',
  trigger: 'post-confirmation',
  message: 'custom-message',
};

/**
 * How long the bench's fake Lambda lets an invocation run: the stack's API timeout unless the
 * parent sets `BENCH_FUNCTION_TIMEOUT_MS`.
 */
const TIMEOUT_MS = Number(process.env.BENCH_FUNCTION_TIMEOUT_MS) || 10_000;

const BODIES: Record<Exclude<Operation, 'trigger' | 'message'>, Record<string, string>> = {
  confirm: { username: 'bench-user', code: '123456', password: 'Correct-Horse-Battery-9' },
  forgot: { username: 'bench-user' },
};

/** The Origin every API invocation carries: one of `BENCH_ENV.ALLOWED_ORIGINS`. */
export const BENCH_ORIGIN = 'https://app.example.com';

/**
 * An API Gateway REST proxy event exactly as API Gateway sends it: the captured sample (its
 * CloudFront and forwarding headers, `multiValueHeaders`, full `requestContext`) with this
 * route's paths, a fresh request id and time, an allowed `Origin` and the operation's body.
 */
function apiEvent(operation: 'confirm' | 'forgot', requestId: string): Record<string, unknown> {
  const path = `/password/${operation}`;
  const headers = {
    ...(CAPTURED.headers as Record<string, string>),
    'Content-Type': 'application/json',
    Origin: BENCH_ORIGIN,
  };
  return {
    ...CAPTURED,
    resource: path,
    path,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    requestContext: {
      ...(CAPTURED.requestContext as Record<string, unknown>),
      resourcePath: path,
      path: `/prod${path}`,
      requestTimeEpoch: Date.now(),
      requestId,
    },
    body: JSON.stringify(BODIES[operation]),
  };
}

function triggerEvent(requestId: string): Record<string, unknown> {
  return {
    version: '1',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_EXAMPLE',
    userName: 'bench-user',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'bench-client-id' },
    triggerSource: 'PostConfirmation_ConfirmForgotPassword',
    request: {
      userAttributes: {
        sub: '11111111-2222-3333-4444-555555555555',
        email_verified: 'true',
        'cognito:user_status': 'CONFIRMED',
        email: 'user@example.com',
      },
      clientMetadata: { requestId },
    },
    response: {},
  };
}

/** The event Cognito sends before the code email, for a German user of an email-username pool. */
function messageEvent(): Record<string, unknown> {
  return {
    version: '1',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_EXAMPLE',
    userName: '11111111-2222-3333-4444-555555555555',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'bench-client-id' },
    triggerSource: 'CustomMessage_ForgotPassword',
    request: {
      userAttributes: {
        sub: '11111111-2222-3333-4444-555555555555',
        email_verified: 'true',
        'cognito:user_status': 'CONFIRMED',
        email: 'user@example.com',
        locale: 'de-DE',
      },
      codeParameter: '{####}',
      linkParameter: '{##Click Here##}',
      usernameParameter: null,
    },
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  };
}

/** One invocation's inputs: the event and the Lambda context. */
export interface Invocation {
  readonly event: Record<string, unknown>;
  readonly context: Record<string, unknown>;
}

function hex(length: number): string {
  return crypto.randomUUID().replaceAll('-', '').slice(0, length);
}

/**
 * Builds a fresh event and context for one invocation, with its own request id, and sets the
 * per-invocation trace header in the environment as the Lambda runtime does (sampled, as nearly
 * every request of a low-traffic function is under X-Ray's 1 request/s reservoir).
 */
export function invocationFor(operation: Operation): Invocation {
  const awsRequestId = crypto.randomUUID();
  process.env._X_AMZN_TRACE_ID = `Root=1-${hex(8)}-${hex(24)};Parent=${hex(16)};Sampled=1`;
  const functionName = FUNCTION_NAME[operation];
  const deadline = Date.now() + TIMEOUT_MS;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/26/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  const event =
    operation === 'trigger'
      ? triggerEvent(awsRequestId)
      : operation === 'message'
        ? messageEvent()
        : apiEvent(operation, awsRequestId);
  return { event, context };
}

/**
 * Throws unless the handler answered as a successful call does, so that a bench never times a
 * handler that is failing (a fast 500 would look like a win).
 */
export function assertSucceeded(
  operation: Operation,
  invocation: Invocation,
  result: unknown,
): void {
  const expected = { confirm: 204, forgot: 202 } as const;
  if (operation === 'message') {
    const html = (result as { response?: { emailMessage?: unknown } } | undefined)?.response
      ?.emailMessage;
    // The localized email with the link (the placeholder twice), not the plain fallback
    if (
      typeof html !== 'string' ||
      html.split('{####}').length !== 3 ||
      !html.includes('lang="de"')
    ) {
      throw new Error(
        `custom-message did not compose the reset email: ${String(html).slice(0, 300)}`,
      );
    }
    return;
  }
  if (operation === 'trigger') {
    if (
      result !== invocation.event &&
      JSON.stringify(result) !== JSON.stringify(invocation.event)
    ) {
      throw new Error(`trigger did not return its event: ${JSON.stringify(result)}`);
    }
    return;
  }
  const status = (result as { statusCode?: unknown } | undefined)?.statusCode;
  if (status !== expected[operation]) {
    const body = (result as { body?: unknown } | undefined)?.body;
    throw new Error(
      `${operation} answered ${String(status)} (expected ${expected[operation]}): ${String(body).slice(0, 500)}`,
    );
  }
}
