/**
 * Test fixtures of the post-confirmation trigger: events built on the real Cognito sample,
 * a Lambda context, and a capture of everything the function writes (stdout, stderr, console).
 */
import { readFileSync } from 'node:fs';
import type { Context, PostConfirmationTriggerEvent } from 'aws-lambda';
import { onTestFinished } from 'vitest';
import { captureLogs } from '../support/log-capture';

/** A copy of the real sample (Powertools' test fixtures), kept in the repository. */
const SAMPLE_PATH = new URL(
  './fixtures/post-confirmation-confirm-forgot-password.json',
  import.meta.url,
);

/** The real sample as Cognito sends it (no clientMetadata). */
export function sampleEvent(): PostConfirmationTriggerEvent {
  return JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as PostConfirmationTriggerEvent;
}

/** Values that must never appear in any output. */
export const SECRETS = {
  email: 'jane.doe@example.org',
  /** An email-shaped user name, as in pools that sign in by email. */
  userName: 'jane.d+reset@example.com',
  /** A code and a password a careless client put into clientMetadata. */
  code: '834291',
  password: 'Correct-Horse-Battery-Staple-42',
} as const;

export const SUB = '11111111-2222-3333-4444-555555555555';
export const POOL_ID = 'eu-west-1_EXAMPLE';
export const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef';

/** A reset event on the sample, with a requestId as the confirm handler sets it. */
export function resetEvent(
  overrides: {
    attributes?: Record<string, string | undefined>;
    clientMetadata?: Record<string, string> | undefined;
  } = {},
): PostConfirmationTriggerEvent {
  const event = sampleEvent();
  event.userName = SECRETS.userName;
  const attributes: Record<string, string | undefined> = {
    ...event.request.userAttributes,
    email: SECRETS.email,
    email_verified: 'true',
    ...overrides.attributes,
  };
  event.request.userAttributes = Object.fromEntries(
    Object.entries(attributes).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const clientMetadata =
    'clientMetadata' in overrides
      ? overrides.clientMetadata
      : { requestId: REQUEST_ID, code: SECRETS.code, password: SECRETS.password };
  if (clientMetadata === undefined) delete event.request.clientMetadata;
  else event.request.clientMetadata = clientMetadata;
  return event;
}

/** A Lambda context with the deployed 5 s timeout. */
export function lambdaContext(timeoutMs = 5_000): Context {
  const startedAt = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'post-confirmation',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:post-confirmation',
    memoryLimitInMB: '1024',
    awsRequestId: 'd7f0a1e2-0000-4000-8000-000000000001',
    logGroupName: '/aws/lambda/post-confirmation',
    logStreamName: '2026/11/26/[$LATEST]0000',
    getRemainingTimeInMillis: () => timeoutMs - (Date.now() - startedAt),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** One EMF document as Powertools writes it. */
export interface EmfDocument {
  readonly _aws: {
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: ReadonlyArray<ReadonlyArray<string>>;
      readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit: string }>;
    }>;
  };
  readonly [key: string]: unknown;
}

/** Everything the code under test writes, by any route. */
export interface OutputCapture {
  /** All output as one string. */
  text(): string;
  /** Output lines that parse as JSON objects. */
  jsonLines(): Array<Record<string, unknown>>;
  /** The EMF documents among them. */
  emf(): EmfDocument[];
  /** Log entries (JSON lines that are not EMF). */
  logs(): Array<Record<string, unknown>>;
  /** Metric name -> the dimension sets it was emitted with, and its summed value. */
  metrics(): Map<string, { dimensions: string[][]; value: number; service: unknown[] }>;
}

/**
 * Captures process.stdout, process.stderr and every console method until the test ends (Powertools writes through
 * its own Console on the process streams; vitest replaces the global console).
 */
export function captureOutput(): OutputCapture {
  const capture = captureLogs();
  onTestFinished(() => capture.restore());
  const jsonLines = capture.records;
  const emf = () => jsonLines().filter((line) => '_aws' in line) as unknown as EmfDocument[];
  return {
    text: capture.text,
    jsonLines,
    emf,
    logs: () => jsonLines().filter((line) => !('_aws' in line)),
    metrics: () => {
      const result = new Map<
        string,
        { dimensions: string[][]; value: number; service: unknown[] }
      >();
      for (const doc of emf()) {
        for (const directive of doc._aws.CloudWatchMetrics) {
          for (const metric of directive.Metrics) {
            const entry = result.get(metric.Name) ?? { dimensions: [], value: 0, service: [] };
            entry.dimensions.push(...directive.Dimensions.map((set) => [...set]));
            const raw = doc[metric.Name];
            entry.value += Array.isArray(raw)
              ? raw.reduce((a: number, b: number) => a + b, 0)
              : Number(raw);
            entry.service.push(doc.service);
            result.set(metric.Name, entry);
          }
        }
      }
      return result;
    },
  };
}

/** Asserts nothing sensitive was written: no email, user name, code or password. */
export function leakedSecrets(output: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, value]) => output.includes(value))
    .map(([name]) => name);
}

/** A promise that never settles, as from an endpoint that never answers. */
export const hang = () => new Promise<never>(() => undefined);

/** A promise with its resolve and reject exposed. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
