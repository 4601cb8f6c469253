/**
 * Loads the product's handlers the way Lambda does: a fresh module graph ("cold container") with
 * the configuration in the environment at import time, since the handlers read it, and start the
 * secret fetch, at module load.
 */
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Context,
  CustomMessageTriggerEvent,
  PostConfirmationTriggerEvent,
} from 'aws-lambda';
import { vi } from 'vitest';
import { ALLOWED_ORIGIN } from './api-events';
import { FAKE_CLIENT_ID, FAKE_SECRET_ID } from './aws-fakes';

export type ApiHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;
export type TriggerHandler = (
  event: PostConfirmationTriggerEvent,
  context: Context,
) => Promise<PostConfirmationTriggerEvent>;

export type ApiFunctionName = 'forgot-password' | 'confirm-forgot-password';

const API_MODULES: Record<ApiFunctionName, () => Promise<unknown>> = {
  'forgot-password': () => import('../../lambda/forgot-password/index'),
  'confirm-forgot-password': () => import('../../lambda/confirm-forgot-password/index'),
};

const savedEnv = new Map<string, string | undefined>();

/**
 * Sets a variable for the rest of the test file (handlers loaded in `beforeAll` read some
 * variables per invocation or create clients lazily, so `vi.stubEnv`, undone after each test, is
 * too short-lived). {@link restoreEnv} puts the originals back.
 */
function setEnv(name: string, value: string | undefined): void {
  if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Undoes every variable the loaders set (call it in `afterAll`). */
export function restoreEnv(): void {
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  savedEnv.clear();
}

/** Region, fake credentials, and no ambient AWS configuration that could reach a real account. */
export function stubAwsBaseEnv(): void {
  setEnv('AWS_REGION', 'eu-west-1');
  setEnv('AWS_DEFAULT_REGION', 'eu-west-1');
  setEnv('AWS_ACCESS_KEY_ID', 'test');
  setEnv('AWS_SECRET_ACCESS_KEY', 'test');
  setEnv('AWS_SESSION_TOKEN', undefined);
  setEnv('AWS_PROFILE', undefined);
  setEnv('AWS_ENDPOINT_URL', undefined);
  setEnv('AWS_EC2_METADATA_DISABLED', 'true');
  setEnv('POWERTOOLS_DEV', undefined);
  setEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  setEnv('POWERTOOLS_METRICS_DISABLED', undefined);
  setEnv('POWERTOOLS_TRACE_ENABLED', 'false');
}

export interface ApiEnv {
  readonly cognitoUrl: string;
  readonly secretsManagerUrl: string;
  readonly minResponseMs?: number;
  readonly allowedOrigins?: string;
  readonly extra?: Record<string, string | undefined>;
}

/**
 * Imports an API handler into a fresh module graph with its configuration.
 *
 * @example
 * const handler = await loadApiHandler('forgot-password', { cognitoUrl, secretsManagerUrl });
 */
export async function loadApiHandler(name: ApiFunctionName, env: ApiEnv): Promise<ApiHandler> {
  stubAwsBaseEnv();
  setEnv('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', env.cognitoUrl);
  setEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', env.secretsManagerUrl);
  setEnv('USER_POOL_CLIENT_ID', FAKE_CLIENT_ID);
  setEnv('CLIENT_SECRET_ID', FAKE_SECRET_ID);
  setEnv('ALLOWED_ORIGINS', env.allowedOrigins ?? ALLOWED_ORIGIN);
  setEnv('FORGOT_MIN_RESPONSE_MS', String(env.minResponseMs ?? 0));
  setEnv('CONFIRM_MIN_RESPONSE_MS', String(env.minResponseMs ?? 0));
  setEnv('AWS_LAMBDA_FUNCTION_NAME', name);
  for (const [key, value] of Object.entries(env.extra ?? {})) setEnv(key, value);
  vi.resetModules();
  const module = (await API_MODULES[name]()) as unknown as { handler: ApiHandler };
  return module.handler;
}

export interface TriggerEnv {
  readonly cognitoUrl: string;
  readonly sesUrl: string;
  readonly eventBridgeUrl: string;
  readonly eventBusName?: string | undefined;
  readonly notificationFrom?: string | undefined;
  readonly revokeSessions?: string | undefined;
  /** The SQS endpoint and the after-reset queue's URL (the hand-off). */
  readonly sqsUrl?: string | undefined;
  readonly queueUrl?: string | undefined;
}

/**
 * The configuration the trigger and the worker share: both read the same after-reset settings
 * (contract section 5), so a test sets them once for either.
 */
function setAfterResetEnv(env: TriggerEnv): void {
  stubAwsBaseEnv();
  setEnv('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', env.cognitoUrl);
  setEnv('AWS_ENDPOINT_URL_SESV2', env.sesUrl);
  setEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', env.eventBridgeUrl);
  setEnv('AWS_ENDPOINT_URL_SQS', env.sqsUrl);
  setEnv('EVENT_BUS_NAME', 'eventBusName' in env ? env.eventBusName : 'password-reset-test');
  setEnv(
    'NOTIFICATION_FROM',
    'notificationFrom' in env ? env.notificationFrom : 'no-reply@example.test',
  );
  setEnv('NOTIFICATION_REGION', undefined);
  setEnv(
    'AFTER_RESET_QUEUE_URL',
    env.queueUrl ?? 'https://sqs.eu-west-1.amazonaws.com/123456789012/after-reset',
  );
}

/** Imports the post-confirmation trigger into a fresh module graph with its configuration. */
export async function loadTriggerHandler(env: TriggerEnv): Promise<TriggerHandler> {
  setAfterResetEnv(env);
  setEnv('REVOKE_SESSIONS', env.revokeSessions ?? 'true');
  setEnv('AWS_LAMBDA_FUNCTION_NAME', 'post-confirmation');
  vi.resetModules();
  const module = (await import('../../lambda/post-confirmation/index')) as {
    handler: TriggerHandler;
  };
  return module.handler;
}

/** The deliver-after-reset worker's handler: an SQS batch in, the failed records out. */
export type WorkerHandler = (
  event: import('aws-lambda').SQSEvent,
  context: import('aws-lambda').Context,
) => Promise<import('aws-lambda').SQSBatchResponse>;

/** Imports the deliver-after-reset worker into a fresh module graph with its configuration. */
export async function loadWorkerHandler(
  env: TriggerEnv & {
    readonly deadLetterQueueUrl?: string | undefined;
    readonly idempotencyTableName?: string | undefined;
    readonly dynamoDbUrl?: string | undefined;
  },
): Promise<WorkerHandler> {
  setAfterResetEnv(env);
  setEnv('AWS_ENDPOINT_URL_DYNAMODB', env.dynamoDbUrl);
  setEnv('DEAD_LETTER_QUEUE_URL', env.deadLetterQueueUrl);
  setEnv('IDEMPOTENCY_TABLE_NAME', env.idempotencyTableName);
  setEnv('AWS_LAMBDA_FUNCTION_NAME', 'deliver-after-reset');
  vi.resetModules();
  const module = (await import('../../lambda/deliver-after-reset/index')) as {
    handler: WorkerHandler;
  };
  return module.handler;
}

/** The custom-message trigger's handler. */
export type CustomMessageHandler = (
  event: CustomMessageTriggerEvent,
  context: Context,
) => Promise<CustomMessageTriggerEvent>;

/** Imports the custom-message trigger into a fresh module graph with its configuration. */
export async function loadCustomMessageHandler(
  env: {
    readonly resetPageUrl?: string | undefined;
    readonly defaultLocale?: string | undefined;
    readonly messageTexts?: string | undefined;
  } = {},
): Promise<CustomMessageHandler> {
  stubAwsBaseEnv();
  setEnv('RESET_PAGE_URL', env.resetPageUrl);
  setEnv('DEFAULT_LOCALE', env.defaultLocale);
  setEnv('MESSAGE_TEXTS', env.messageTexts);
  setEnv('AWS_LAMBDA_FUNCTION_NAME', 'custom-message');
  vi.resetModules();
  const module = (await import('../../lambda/custom-message/index')) as {
    handler: CustomMessageHandler;
  };
  return module.handler;
}
