/**
 * An alarm on a metric nobody emits never fires. Every alarm of the stack on the handlers'
 * namespace is matched against the EMF documents the real handlers write when the failure it
 * watches happens (AWS replaced by aws-sdk-client-mock): same metric name, exactly the same
 * dimension set, the same dimension values.
 */
import {
  AdminUserGlobalSignOutCommand,
  CodeDeliveryFailureException,
  CodeMismatchException,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  LimitExceededException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METRICS_NAMESPACE } from '../../infra/password-reset-stack';
import { apiEvent } from '../support/api-events';
import { secretString } from '../support/aws-fakes';
import {
  type ApiFunctionName,
  loadApiHandler,
  loadCustomMessageHandler,
  loadTriggerHandler,
  loadWorkerHandler,
} from '../support/handlers';
import { lambdaContext } from '../support/lambda-context';
import { captureLogs } from '../support/log-capture';
import { customMessageEvent, postConfirmationEvent, sqsEvent } from '../support/trigger-events';
import { synthesize } from './synth';
import { resourcesOfType } from './template-queries';

interface WatchedMetric {
  readonly alarm: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

interface EmfDocument {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

const cognito = mockClient(CognitoIdentityProviderClient);
const secretsManager = mockClient(SecretsManagerClient);
const ses = mockClient(SESv2Client);
const eventBridge = mockClient(EventBridgeClient);
const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
const UNUSED_ENDPOINT = 'http://127.0.0.1:9';

let watched: WatchedMetric[] = [];
const documents: EmfDocument[] = [];

/** Runs one API handler invocation in a fresh container and keeps the EMF it writes. */
async function invokeApi(
  name: ApiFunctionName,
  cognitoError: Error,
  env: Record<string, string> = {},
): Promise<number> {
  cognito.reset();
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
  cognito.on(ForgotPasswordCommand).rejects(cognitoError);
  cognito.on(ConfirmForgotPasswordCommand).rejects(cognitoError);
  const handler = await loadApiHandler(name, {
    cognitoUrl: UNUSED_ENDPOINT,
    secretsManagerUrl: UNUSED_ENDPOINT,
    extra: { POWERTOOLS_METRICS_DISABLED: 'false', ...env },
  });
  const path = name === 'forgot-password' ? '/password/forgot' : '/password/confirm';
  const body =
    name === 'forgot-password'
      ? { username: 'user@example.com' }
      : { username: 'user@example.com', code: '123456', password: 'a-long-enough-passphrase' };
  return captureEmf(
    async () => (await handler(apiEvent({ path, body }), lambdaContext())).statusCode,
  );
}

async function captureEmf<T>(run: () => Promise<T>): Promise<T> {
  const logs = captureLogs();
  try {
    return await run();
  } finally {
    logs.restore();
    for (const record of logs.records()) {
      if (typeof record._aws === 'object' && record._aws !== null) {
        documents.push(record as unknown as EmfDocument);
      }
    }
  }
}

beforeAll(async () => {
  // Prepare: the alarms as deployed
  const { template } = synthesize();
  watched = Object.entries(resourcesOfType(template, 'AWS::CloudWatch::Alarm'))
    .map(([alarm, resource]) => ({ alarm, properties: resource.Properties ?? {} }))
    .filter(({ properties }) => properties.Namespace === METRICS_NAMESPACE)
    .map(({ alarm, properties }) => ({
      alarm,
      metricName: String(properties.MetricName),
      dimensions: Object.fromEntries(
        (properties.Dimensions as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]),
      ),
    }));

  // Act: make every watched failure happen once in the real handlers
  const statuses = [
    await invokeApi(
      'forgot-password',
      new ResourceNotFoundException({ message: 'User pool client does not exist.', $metadata: {} }),
    ),
    await invokeApi(
      'confirm-forgot-password',
      new ResourceNotFoundException({ message: 'User pool client does not exist.', $metadata: {} }),
    ),
    await invokeApi(
      'forgot-password',
      new TooManyRequestsException({ message: 'Too many requests.', $metadata: {} }),
    ),
    await invokeApi(
      'confirm-forgot-password',
      new TooManyRequestsException({ message: 'Too many requests.', $metadata: {} }),
    ),
    await invokeApi(
      'forgot-password',
      new LimitExceededException({ message: 'Attempt limit exceeded.', $metadata: {} }),
    ),
    await invokeApi(
      'confirm-forgot-password',
      new LimitExceededException({ message: 'Attempt limit exceeded.', $metadata: {} }),
    ),
    await invokeApi(
      'confirm-forgot-password',
      new CodeMismatchException({ message: 'Invalid verification code.', $metadata: {} }),
    ),
    await invokeApi(
      'forgot-password',
      new CodeDeliveryFailureException({ message: 'Unable to deliver.', $metadata: {} }),
    ),
  ];
  // The attempts table failing: the request goes on to Cognito (whatever it answers), the failure is counted.
  dynamo.on(UpdateItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));
  for (const name of ['forgot-password', 'confirm-forgot-password'] as const) {
    statuses.push(
      await invokeApi(
        name,
        new CodeMismatchException({ message: 'Invalid verification code.', $metadata: {} }),
        { ATTEMPTS_TABLE_NAME: 'attempts' },
      ),
    );
  }
  expect(statuses).toEqual([500, 500, 429, 429, 202, 400, 400, 502, 500, 400]);

  cognito.reset();
  cognito.on(AdminUserGlobalSignOutCommand).rejects(new Error('AccessDeniedException'));
  ses.reset();
  ses.on(SendEmailCommand).rejects(new Error('MessageRejected'));
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).rejects(new Error('ResourceNotFoundException'));
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const trigger = await loadTriggerHandler({
    cognitoUrl: UNUSED_ENDPOINT,
    sesUrl: UNUSED_ENDPOINT,
    eventBridgeUrl: UNUSED_ENDPOINT,
  });
  sqs.on(SendMessageBatchCommand).rejects(new Error('KmsAccessDenied'));
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  await captureEmf(() => trigger(postConfirmationEvent(), lambdaContext({ remainingMs: 5_000 })));
  // The worker failing each kind of job (SES, EventBridge, the retried sign-out): the jobs come
  // from the real trigger, once with its sign-out failing (a revoke job) and once without (a
  // publish job).
  const queued: string[] = [];
  sqs.reset();
  sqs
    .on(SendMessageBatchCommand)
    .callsFake((input: { Entries?: { Id?: string; MessageBody?: string }[] }) => {
      for (const entry of input.Entries ?? []) queued.push(entry.MessageBody ?? '');
      return { Successful: (input.Entries ?? []).map((entry) => ({ Id: entry.Id })), Failed: [] };
    });
  await trigger(postConfirmationEvent(), lambdaContext({ remainingMs: 5_000 }));
  cognito.reset();
  await trigger(postConfirmationEvent(), lambdaContext({ remainingMs: 5_000 }));
  cognito.on(AdminUserGlobalSignOutCommand).rejects(new Error('ServiceUnavailable'));
  ses.on(SendEmailCommand).rejects(new Error('ServiceUnavailable'));
  eventBridge.on(PutEventsCommand).rejects(new Error('ServiceUnavailable'));
  const worker = await loadWorkerHandler({
    cognitoUrl: UNUSED_ENDPOINT,
    sesUrl: UNUSED_ENDPOINT,
    eventBridgeUrl: UNUSED_ENDPOINT,
  });
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const retried = await captureEmf(() =>
    worker(sqsEvent(queued), lambdaContext({ remainingMs: 30_000 })),
  );
  expect(queued.map((body) => (JSON.parse(body) as { kind: string }).kind).sort()).toEqual([
    'notify',
    'notify',
    'publish',
    'revoke',
  ]);
  expect(retried.batchItemFailures).toHaveLength(4);
  // The reset email falling back to the plain message (an environment edited into a bad URL).
  const customMessage = await loadCustomMessageHandler({ resetPageUrl: 'http://app.example.com' });
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  await captureEmf(() =>
    customMessage(customMessageEvent(), lambdaContext({ remainingMs: 5_000 })),
  );
}, 60_000);

afterAll(() => {
  cognito.restore();
  secretsManager.restore();
  ses.restore();
  eventBridge.restore();
  dynamo.restore();
  sqs.restore();
});

describe('alarms on the handlers’ metrics', () => {
  it('exist for INTERNAL, throttling, attempt limits, code guessing, delivery, a failed sign-out, a failed hand-off, the reset email fallback and each after-reset job failing', () => {
    expect(watched.map((metric) => metric.metricName).sort()).toEqual([
      'AttemptLimitUnavailable',
      'AttemptLimitUnavailable',
      'EventPublishFailed',
      'HandOffFailed',
      'MessageFallback',
      'NotificationFailed',
      'Problem',
      'Problem',
      'Problem',
      'Problem',
      'Problem',
      'Problem',
      'SessionsRevokeFailed',
      'SessionsRevokeFailed',
      'UserLimitReached',
      'UserLimitReached',
    ]);
  });

  it('each select a metric name, dimension set and values the handlers really emit', () => {
    for (const metric of watched) {
      const names = Object.keys(metric.dimensions).sort();
      const emittedBy = documents.filter(
        (document) =>
          document._aws.CloudWatchMetrics.some(
            (directive) =>
              directive.Namespace === METRICS_NAMESPACE &&
              directive.Metrics.some((m) => m.Name === metric.metricName) &&
              directive.Dimensions.some(
                (set) => JSON.stringify([...set].sort()) === JSON.stringify(names),
              ),
          ) && Object.entries(metric.dimensions).every(([name, value]) => document[name] === value),
      );
      expect(
        emittedBy,
        `${metric.alarm}: ${metric.metricName} ${JSON.stringify(metric.dimensions)}`,
      ).not.toEqual([]);
    }
  });
});
