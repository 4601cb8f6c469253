/**
 * Runs a child process per measurement: a fresh `node_modules/.bin/node` (Node 24, the shipped
 * runtime) with only a Lambda-like environment, never the bench's own (which carries tsx's
 * loader in `NODE_OPTIONS`). Children report on file descriptor 3; their stdout (the handlers'
 * logs) is drained and discarded, their stderr kept (bounded) for error messages.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import type { BuiltVariant } from './build';
import { BENCH_ORIGIN, FUNCTION_NAME } from './child/invocation';
import type { FakeAws } from './fake-aws';

/** Values every child sees; the secret id and client id are what the fake expects. */
export const BENCH_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIABENCHEXAMPLE0001',
  AWS_SECRET_ACCESS_KEY: 'bench/secret/access/key/example/0000000001',
  AWS_SESSION_TOKEN: 'bench-session-token',
  USER_POOL_CLIENT_ID: 'bench-client-id',
  CLIENT_SECRET_ID: 'cognito-password-reset/client-secret',
  FORGOT_MIN_RESPONSE_MS: '0',
  CONFIRM_MIN_RESPONSE_MS: '0',
  ALLOWED_ORIGINS: BENCH_ORIGIN,
  EVENT_BUS_NAME: 'bench-bus',
  NOTIFICATION_FROM: 'no-reply@example.com',
  REVOKE_SESSIONS: 'true',
  // The custom-message trigger as deployed with a reset page: the localized email with the link.
  RESET_PAGE_URL: 'https://app.example.com/reset',
  DEFAULT_LOCALE: 'en',
} as const;

/** The Lambda-like environment of one child: runtime variables, credentials, endpoints. */
export function childEnv(
  variant: BuiltVariant,
  aws: FakeAws,
  xrayDaemonPort: number,
): NodeJS.ProcessEnv {
  const functionName = FUNCTION_NAME[variant.operation];
  return {
    ...BENCH_ENV,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/26/[$LATEST]0123456789abcdef0123456789abcdef',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    LAMBDA_TASK_ROOT: dirname(variant.bundle),
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${xrayDaemonPort}`,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: aws.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
    AWS_ENDPOINT_URL_DYNAMODB: aws.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url,
    AWS_ENDPOINT_URL_SESV2: aws.url,
    AWS_ENDPOINT_URL_SQS: aws.url,
    // The trigger hands the notice and the event to this queue (SQS sends to the queue's URL).
    AFTER_RESET_QUEUE_URL: `${aws.url}/123456789012/after-reset`,
    ...variant.env,
  };
}

/** The Node 24 binary the project pins (never the machine's `node`). */
export function nodeBinary(root: string): string {
  return resolve(root, 'node_modules/.bin/node');
}

/** Spawns a child and resolves with the JSON line it wrote on fd 3. */
export function runChild<T>(
  node: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    // stdout and stderr both go to pipes, as a function's output goes to the Lambda runtime.
    const child = spawn(node, args, { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    child.stdout?.resume();
    let report = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString('utf8');
    });
    const channel = child.stdio[3];
    channel?.on('data', (chunk: Buffer) => {
      report += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = report.trim();
      if (code === 0 && line !== '') {
        resolvePromise(JSON.parse(line) as T);
      } else {
        reject(
          new Error(
            `bench child ${args.join(' ')} failed (${signal ?? `exit ${String(code)}`}):\n${readable(stderr)}`,
          ),
        );
      }
    });
  });
}

/** A child's stderr with minified one-line bundle excerpts cut short, so the error stays legible. */
function readable(stderr: string): string {
  return stderr
    .trim()
    .split('\n')
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)} ...` : line))
    .join('\n');
}
