/**
 * Starts and stops every part of the local stack, in an order that keeps a failed start
 * harmless: all ports are bound first (a port in use fails before anything is touched), then
 * the data directory is locked (a second stack on the same directory fails), and only then is
 * old state removed and the new stack seeded.
 */
import { existsSync, rmSync } from 'node:fs';
import { Agent, type Server } from 'node:http';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  maxReceiveCount,
  RETENTION_DAYS,
  RETRY_INTERVAL_SECONDS,
} from '../infra/after-reset-retry';
import { createApiGateway } from './api-gateway';
import { ATTEMPTS_TABLE_NAME, LocalAttemptsTable } from './attempts-table';
import { createClientPage } from './client-page';
import { type CognitoEmulator, startCognitoEmulator } from './cognito-emulator';
import { CognitoFront } from './cognito-front';
import { lockDataDirectory, readJson, stackJsonPath, writeJson } from './data-dir';
import { LocalEventBus } from './event-bus';
import { LocalItemsTable } from './items-table';
import { LambdaFunction } from './lambda-function';
import { closeServer, LOOPBACK, listenOnLoopback } from './listen';
import { mailboxFor } from './mailbox';
import { memoryReport } from './memory-report';
import { awsFailure, pageFailure, pendingServer, problemFailure } from './part-server';
import { LocalRotation } from './secret-rotation';
import { LocalSecretsManager } from './secrets-manager';
import {
  clientSecretIdOf,
  clientSecretOf,
  ensureUser,
  localCognitoClient,
  PASSWORD_POLICY,
  type SeedRecord,
  seedCognito,
} from './seed';
import { createServicesEndpoint, VIEW_PATHS } from './services-server';
import { type SesEmulator, startSes } from './ses';
import { LocalQueues } from './sqs';
import { LocalEventSourceMapping } from './sqs-event-source';
import type { ThrottleLimits } from './throttle';

/** Ports of the parts (0: any free port). */
export interface StackPorts {
  readonly api: number;
  readonly client: number;
  readonly cognito: number;
  readonly services: number;
  readonly ses: number;
}

/** How to run the stack. */
export interface StackOptions {
  /** Handlers are `<lambdaDir>/<function>/index.ts`, or `index.mjs` (a built bundle). */
  readonly lambdaDir: string;
  readonly localDir: string;
  readonly ports: StackPorts;
  /** Start from an empty pool (default) or reuse the previous run's pool, client and users. */
  readonly keepData: boolean;
  readonly extraAllowedOrigins: readonly string[];
  readonly forgotMinResponseMs: string;
  readonly confirmMinResponseMs: string;
  /** The per-account attempt limit (`0`: off) and its window in seconds. */
  readonly attemptLimit: string;
  readonly attemptWindowSeconds: string;
  /**
   * How long a secret must have been AWSCURRENT before rotation deletes the one before it
   * (the rotation function's `MIN_CURRENT_AGE_SECONDS`; AWS default 600).
   */
  readonly rotationMinCurrentAgeSeconds: string;
  /** The API functions' CLIENT_SECRET_CACHE_SECONDS. */
  readonly secretCacheSeconds: string;
  /** The after-reset queue's retry horizon (hours), as `afterResetRetryHours` deploys it. */
  readonly afterResetRetryHours: number;
  /** Factor on the local SQS timings (1: SQS's own; tests run a horizon in seconds). */
  readonly afterResetTimeScale: number;
  /** API Gateway's per-method stage throttling; `undefined` switches it off. */
  readonly throttle: ThrottleLimits | undefined;
  readonly debug: boolean;
  /** Receives every line the stack prints. */
  readonly log: (line: string) => void;
}

/** Contents of `stack.json` (contract section 6). */
export interface StackInfo {
  readonly apiUrl: string;
  readonly cognitoEndpoint: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly mailboxUrl: string;
  readonly eventsUrl: string;
  readonly signOutsUrl: string;
  /** `GET`: the stack's memory after full garbage collections (for leak checks under load). */
  readonly memoryUrl: string;
  /** `GET`: messages in the after-reset queue and its dead-letter queue. */
  readonly queuesUrl: string;
  /** The after-reset queues, for SQS calls against the services endpoint (redrive). */
  readonly afterResetQueueUrl: string;
  readonly afterResetDeadLetterQueueArn: string;
  readonly allowedOrigins: readonly string[];
  readonly demoUser: { readonly username: string; readonly password: string };
  readonly clientPageUrl: string;
  readonly sesUrl: string;
  readonly dataReused: boolean;
}

/** A running stack. */
export interface RunningStack {
  readonly info: StackInfo;
  stop(): Promise<void>;
}

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';
export const SECRET_NAME = 'cognito-password-reset/app-client';
export const EVENT_BUS_NAME = 'password-reset-local';
export const NOTIFICATION_FROM = 'security@example.com';
export const AFTER_RESET_QUEUE = 'password-reset-after-reset';
export const AFTER_RESET_DEAD_LETTER_QUEUE = 'password-reset-after-reset-dlq';
export const IDEMPOTENCY_TABLE_NAME = 'password-reset-after-reset-idempotency';
const API_TIMEOUT_MS = 10_000;
const TRIGGER_TIMEOUT_MS = 5_000;
/** The deployed rotation function's timeout (infra/settings.ts). */
const ROTATION_TIMEOUT_MS = 30_000;
/** The deployed worker's timeout (infra/settings.ts). */
const WORKER_TIMEOUT_MS = 30_000;

/**
 * The stack's own Lambda Invoke clients (the rotation's steps, the SQS event source), which call
 * the stack's services endpoint over loopback. A new connection per call: a kept-alive socket that
 * the server closes for idleness just as the next call picks it up fails that call with a reset,
 * and an idle gap near the server's keep-alive timeout is what a rotation every few seconds makes.
 */
function invokeClientSettings(servicesUrl: string) {
  return {
    region: REGION,
    endpoint: servicesUrl,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: false }) }),
  };
}

/** Starts the whole local stack; rejects (having stopped what it started) if any part fails. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch(() => undefined);
    }
  };
  try {
    return await start(options, cleanups, stopAll);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function start(
  options: StackOptions,
  cleanups: (() => Promise<void> | void)[],
  stopAll: () => Promise<void>,
): Promise<RunningStack> {
  const { log } = options;
  // 1. Every port, before anything else is touched.
  const api = pendingServer('api', problemFailure, log);
  const client = pendingServer('client page', pageFailure, log);
  const cognito = pendingServer('cognito', awsFailure, log);
  const services = pendingServer('services', awsFailure, log);
  const bind = async (part: { server: Server }, port: number, name: string): Promise<string> => {
    const bound = await listenOnLoopback(part.server, port, name);
    cleanups.push(() => closeServer(part.server));
    return `http://${LOOPBACK}:${bound}`;
  };
  const apiUrl = await bind(api, options.ports.api, 'API');
  const clientUrl = await bind(client, options.ports.client, 'reference client page');
  const cognitoUrl = await bind(cognito, options.ports.cognito, 'Cognito endpoint');
  const servicesUrl = await bind(services, options.ports.services, 'local AWS services');
  const ses: SesEmulator = await startSes(options.ports.ses);
  cleanups.push(() => ses.stop());

  // 2. The data directory: ours alone from here on.
  const releaseLock = lockDataDirectory(options.localDir);
  const stackJson = stackJsonPath(options.localDir);
  // Should the process end without a clean stop (a forced exit), still leave no stale files.
  const onExit = (): void => {
    rmSync(stackJson, { force: true });
    releaseLock();
  };
  process.once('exit', onExit);
  cleanups.push(() => {
    process.off('exit', onExit);
    releaseLock();
  });
  rmSync(stackJson, { force: true });
  const cognitoDir = join(options.localDir, 'cognito');
  const seedPath = join(options.localDir, 'seed.json');
  if (!options.keepData) {
    rmSync(cognitoDir, { recursive: true, force: true });
    rmSync(seedPath, { force: true });
  }

  // 3. The parts.
  // The page's origin as printed, and as typed by someone who prefers `localhost`.
  const allowedOrigins = [
    clientUrl,
    clientUrl.replace(LOOPBACK, 'localhost'),
    ...options.extraAllowedOrigins,
  ];
  const secrets = new LocalSecretsManager(REGION, ACCOUNT_ID);
  const bus = new LocalEventBus(EVENT_BUS_NAME, REGION, ACCOUNT_ID);
  // The after-reset queue as infra/after-reset-delivery.ts deploys it, timings scaled.
  const queues = new LocalQueues(servicesUrl, REGION, ACCOUNT_ID, options.afterResetTimeScale);
  const retention = RETENTION_DAYS * 86_400;
  const deadLetter = queues.create(AFTER_RESET_DEAD_LETTER_QUEUE, {
    visibilityTimeoutSeconds: 30,
    retentionSeconds: retention,
  });
  const afterResetQueue = queues.create(AFTER_RESET_QUEUE, {
    visibilityTimeoutSeconds: RETRY_INTERVAL_SECONDS,
    retentionSeconds: retention,
    redrive: {
      deadLetterQueue: AFTER_RESET_DEAD_LETTER_QUEUE,
      maxReceiveCount: maxReceiveCount(options.afterResetRetryHours),
    },
  });
  const idempotency = new LocalItemsTable(IDEMPOTENCY_TABLE_NAME, 'id');
  const emulator: CognitoEmulator = await startCognitoEmulator({
    dataDirectory: cognitoDir,
    region: REGION,
    issuerUrl: cognitoUrl,
    lambdaEndpoint: servicesUrl,
    triggerFunctionName: 'post-confirmation',
    customMessageFunctionName: 'custom-message',
    sesEndpoint: ses.url,
    debug: options.debug,
    onCodeSent: (to) => {
      ses.emails(); // keeps the store within its cap
      log(
        `[mail] code sent to ${to}; read it: curl -s '${servicesUrl}${VIEW_PATHS.mailbox}?to=${to}'`,
      );
    },
  });
  cleanups.push(() => emulator.stop());
  const front = new CognitoFront(emulator);
  cognito.attach((request, response) => front.handle(request, response));

  const { seed, reused } = await seedOrReuse(options, cognitoUrl, seedPath);
  const admin = localCognitoClient(cognitoUrl, REGION);
  const secret = await clientSecretOf(admin, seed.userPoolId, seed.clientId);
  // The value as rotation writes it: the secret and its Cognito id, so that rotation knows which
  // of the client's two secrets the functions use.
  const secretId = await clientSecretIdOf(admin, seed.userPoolId, seed.clientId);
  admin.destroy();
  if (!secret) throw new Error('the local app client has no secret');
  secrets.put(SECRET_NAME, JSON.stringify({ clientSecret: secret, clientSecretId: secretId }));

  const commonEnvironment = {
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognitoUrl,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: servicesUrl,
    AWS_ENDPOINT_URL_DYNAMODB: servicesUrl,
    AWS_ENDPOINT_URL_EVENTBRIDGE: servicesUrl,
    AWS_ENDPOINT_URL_SESV2: ses.url,
    AWS_ENDPOINT_URL_SQS: servicesUrl,
    POWERTOOLS_TRACE_DISABLED: 'true',
    POWERTOOLS_DEV: 'false',
    POWERTOOLS_LOG_LEVEL: options.debug ? 'DEBUG' : 'INFO',
  };
  const apiEnvironment = {
    ...commonEnvironment,
    USER_POOL_CLIENT_ID: seed.clientId,
    CLIENT_SECRET_ID: SECRET_NAME,
    ALLOWED_ORIGINS: allowedOrigins.join(','),
    FORGOT_MIN_RESPONSE_MS: options.forgotMinResponseMs,
    CONFIRM_MIN_RESPONSE_MS: options.confirmMinResponseMs,
    ATTEMPTS_TABLE_NAME: ATTEMPTS_TABLE_NAME,
    ATTEMPT_LIMIT: options.attemptLimit,
    ATTEMPT_WINDOW_SECONDS: options.attemptWindowSeconds,
    CLIENT_SECRET_CACHE_SECONDS: options.secretCacheSeconds,
  };
  // The newest mail already reported (by identity: the store drops its oldest entries).
  let lastSeen = ses.emails().at(-1);
  const reportNewMail = (): void => {
    const emails = ses.emails();
    const from = lastSeen === undefined ? 0 : emails.lastIndexOf(lastSeen) + 1;
    for (const email of emails.slice(from)) {
      if (email.from === NOTIFICATION_FROM) {
        log(`[mail] notification "${email.subject}" sent to ${email.destination.to.join(', ')}`);
      }
    }
    lastSeen = emails.at(-1) ?? lastSeen;
  };
  const lambda = (name: string, timeoutMs: number, environment: Record<string, string>) =>
    new LambdaFunction({
      name,
      modulePath: handlerModule(options.lambdaDir, name),
      environment: {
        ...environment,
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(timeoutMs / 1000),
      },
      timeoutMs,
      maxConcurrency: 4,
      region: REGION,
      accountId: ACCOUNT_ID,
      log: (line) => log(`[${name}] ${line}`),
      afterInvoke: name === 'deliver-after-reset' ? reportNewMail : undefined,
    });
  const forgot = lambda('forgot-password', API_TIMEOUT_MS, apiEnvironment);
  const confirm = lambda('confirm-forgot-password', API_TIMEOUT_MS, {
    ...apiEnvironment,
    PASSWORD_POLICY: JSON.stringify(PASSWORD_POLICY),
  });
  const trigger = lambda('post-confirmation', TRIGGER_TIMEOUT_MS, {
    ...commonEnvironment,
    EVENT_BUS_NAME,
    NOTIFICATION_FROM,
    REVOKE_SESSIONS: 'true',
    AFTER_RESET_QUEUE_URL: afterResetQueue.url,
  });
  const worker = lambda('deliver-after-reset', WORKER_TIMEOUT_MS, {
    ...commonEnvironment,
    EVENT_BUS_NAME,
    NOTIFICATION_FROM,
    AFTER_RESET_QUEUE_URL: afterResetQueue.url,
    DEAD_LETTER_QUEUE_URL: deadLetter.url,
    IDEMPOTENCY_TABLE_NAME,
    DEFAULT_LOCALE: 'en',
  });
  // The reset email's link points at the local reference page, as resetPageUrl would on AWS.
  const customMessage = lambda('custom-message', TRIGGER_TIMEOUT_MS, {
    ...commonEnvironment,
    RESET_PAGE_URL: `${clientUrl}/`,
    DEFAULT_LOCALE: 'en',
  });
  const rotator = lambda('rotate-client-secret', ROTATION_TIMEOUT_MS, {
    ...commonEnvironment,
    USER_POOL_ID: seed.userPoolId,
    CLIENT_ID: seed.clientId,
    MIN_CURRENT_AGE_SECONDS: options.rotationMinCurrentAgeSeconds,
  });
  const lambdaClient = new LambdaClient({
    ...invokeClientSettings(servicesUrl),
    // One attempt per step, as Secrets Manager invokes (it retries the rotation, not the call).
    maxAttempts: 1,
  });
  cleanups.push(() => lambdaClient.destroy());
  const rotation = new LocalRotation(lambdaClient, 'rotate-client-secret', log);
  secrets.rotateWith(rotation);
  for (const fn of [forgot, confirm, trigger, worker, customMessage, rotator]) {
    cleanups.push(() => fn.stop());
  }
  // Every function on a reset's path starts before the stack says it is up: a broken handler
  // fails the start, and the first reset does not pay the worker's init on the same cores.
  await Promise.all([
    forgot.warm(),
    confirm.warm(),
    trigger.warm(),
    customMessage.warm(),
    worker.warm(),
  ]);
  // Lambda's SQS event source: polls the queue and invokes the worker over the Invoke endpoint.
  const workerClient = new LambdaClient({
    ...invokeClientSettings(servicesUrl),
    maxAttempts: 1,
  });
  cleanups.push(() => workerClient.destroy());
  const eventSource = new LocalEventSourceMapping({
    queues,
    queueName: AFTER_RESET_QUEUE,
    queueArn: afterResetQueue.arn,
    region: REGION,
    invoke: (event) => invokeForResult(workerClient, 'deliver-after-reset', event),
    log: (line) => log(`[after-reset queue] ${line}`),
  });
  cleanups.push(() => eventSource.stop());

  front.onSignOut((record) => log(`[sign-out] all sessions of user ${record.username} revoked`));
  bus.onEvent((event) =>
    log(`[event] ${event['detail-type']} from ${event.source}: ${JSON.stringify(event.detail)}`),
  );

  const mailbox = async (to: string) => {
    const user = await emulator.user(seed.userPoolId, to);
    const addresses = [to, ...(user?.email ? [user.email] : [])];
    return mailboxFor(ses.emails(), addresses);
  };
  const functions = new Map([
    ['forgot-password', forgot],
    ['confirm-forgot-password', confirm],
    ['post-confirmation', trigger],
    ['deliver-after-reset', worker],
    ['custom-message', customMessage],
    ['rotate-client-secret', rotator],
  ]);
  services.attach(
    createServicesEndpoint({
      secrets,
      rotation,
      attempts: new LocalAttemptsTable(),
      idempotency,
      queues,
      queueNames: [AFTER_RESET_QUEUE, AFTER_RESET_DEAD_LETTER_QUEUE],
      bus,
      front,
      functions,
      mailbox,
      memory: () => memoryReport(functions),
      onInvoked: (name, event, outcome) => {
        if (name !== 'post-confirmation' || outcome.ok) return;
        const { userPoolId, userName } = (event ?? {}) as {
          userPoolId?: unknown;
          userName?: unknown;
        };
        log(`[post-confirmation] failed: ${outcome.errorType}: ${outcome.errorMessage}`);
        if (typeof userPoolId === 'string' && typeof userName === 'string') {
          front.recordTriggerFailure(userPoolId, userName, outcome.errorMessage);
        }
      },
    }),
  );
  api.attach(
    createApiGateway({
      routes: new Map([
        ['/password/forgot', forgot],
        ['/password/confirm', confirm],
      ]),
      allowedOrigins,
      throttle: options.throttle,
      onRequest: (line) => log(`[api] ${line}`),
    }),
  );
  client.attach(createClientPage(apiUrl, PASSWORD_POLICY));
  eventSource.start();

  const info: StackInfo = {
    apiUrl,
    cognitoEndpoint: cognitoUrl,
    userPoolId: seed.userPoolId,
    clientId: seed.clientId,
    mailboxUrl: `${servicesUrl}${VIEW_PATHS.mailbox}`,
    eventsUrl: `${servicesUrl}${VIEW_PATHS.events}`,
    signOutsUrl: `${servicesUrl}${VIEW_PATHS.signOuts}`,
    memoryUrl: `${servicesUrl}${VIEW_PATHS.memory}`,
    queuesUrl: `${servicesUrl}${VIEW_PATHS.queues}`,
    afterResetQueueUrl: afterResetQueue.url,
    afterResetDeadLetterQueueArn: deadLetter.arn,
    allowedOrigins,
    demoUser: seed.demoUser,
    clientPageUrl: clientUrl,
    sesUrl: ses.url,
    dataReused: reused,
  };
  writeJson(stackJson, info);
  cleanups.push(() => rmSync(stackJson, { force: true }));
  return { info, stop: stopAll };
}

/**
 * Invokes a function synchronously over the Invoke endpoint and returns its result; a function
 * error (an `X-Amz-Function-Error` answer) throws, as the event source mapping sees it.
 */
async function invokeForResult(
  client: LambdaClient,
  name: string,
  event: unknown,
): Promise<unknown> {
  const answer = await client.send(
    new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }),
  );
  const text = Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8');
  if (answer.FunctionError !== undefined) {
    throw Object.assign(new Error(`${name} failed: ${text.slice(0, 200)}`), {
      name: 'FunctionError',
    });
  }
  return text === '' ? null : (JSON.parse(text) as unknown);
}

/** The handler module of a function: its TypeScript source, or else a built bundle. */
function handlerModule(lambdaDir: string, name: string): string {
  const source = join(lambdaDir, name, 'index.ts');
  return existsSync(source) ? source : join(lambdaDir, name, 'index.mjs');
}

function isSeedRecord(value: unknown): value is SeedRecord {
  const record = value as Partial<SeedRecord> | undefined;
  return (
    typeof record?.userPoolId === 'string' &&
    typeof record.clientId === 'string' &&
    typeof record.demoUser?.username === 'string' &&
    typeof record.demoUser.password === 'string'
  );
}

/** With `--keep`, the previous pool and client when they still exist; otherwise a new seed. */
async function seedOrReuse(
  options: StackOptions,
  cognitoUrl: string,
  seedPath: string,
): Promise<{ seed: SeedRecord; reused: boolean }> {
  const cognito = localCognitoClient(cognitoUrl, REGION);
  try {
    const previous = options.keepData ? readJson(seedPath) : undefined;
    if (
      isSeedRecord(previous) &&
      (await clientSecretOf(cognito, previous.userPoolId, previous.clientId))
    ) {
      const { username, password } = previous.demoUser;
      await ensureUser(cognito, previous.userPoolId, username, password);
      return { seed: previous, reused: true };
    }
    const seed = await seedCognito(cognito);
    writeJson(seedPath, seed);
    return { seed, reused: false };
  } finally {
    cognito.destroy();
  }
}
