/**
 * Contract section 5's metrics, with exactly the dimension sets the stack's alarms select on:
 * default `[service]`, `Problem` with `[service, code]`, `SecretRefreshed` with `[service]`, and
 * `ColdStart` with `[service]`. Read from the EMF lines the handlers write to stdout.
 */
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureLogs, type LogCapture } from '../support/log-capture';
import { CLIENT_ID, invoke, loadHandler, secretString, validBody } from './support';

const cognito = mockClient(CognitoIdentityProviderClient);
const secretsManager = mockClient(SecretsManagerClient);

interface EmfLine {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

let logs: LogCapture;
const METRICS_ON = { POWERTOOLS_METRICS_DISABLED: 'false' };
/** The non-empty lines written since the capture started or was last cleared. */
const lines = () => logs.text().split('\n').filter(Boolean);

beforeEach(() => {
  logs = captureLogs();
  cognito.reset();
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
  cognito.on(ForgotPasswordCommand).resolves({});
  cognito.on(ConfirmForgotPasswordCommand).resolves({});
});

afterEach(() => {
  logs.restore();
  vi.useRealTimers();
});

/** Every EMF metric written, with its dimension set and values. */
function emitted(): { name: string; dimensions: string[]; line: EmfLine }[] {
  return lines()
    .filter((line) => line.startsWith('{"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine)
    .flatMap((line) =>
      line._aws.CloudWatchMetrics.flatMap((directive) => {
        expect(directive.Namespace).toBe('CognitoPasswordReset');
        expect(directive.Dimensions).toHaveLength(1);
        return directive.Metrics.map((metric) => ({
          name: metric.Name,
          dimensions: directive.Dimensions[0] ?? [],
          line,
        }));
      }),
    );
}

describe('Problem', () => {
  it.each([
    ['forgot-password', { body: { username: '' } }, 'VALIDATION_FAILED'],
    ['forgot-password', { method: 'GET', body: null }, 'METHOD_NOT_ALLOWED'],
    ['confirm-forgot-password', { body: '{' }, 'MALFORMED_JSON'],
  ] as const)(
    '%s counts one Problem with dimensions [service, code] (%s)',
    async (name, input, code) => {
      const handler = await loadHandler(name, METRICS_ON);
      await invoke(handler, input);
      const problems = emitted().filter((metric) => metric.name === 'Problem');
      expect(problems).toHaveLength(1);
      expect(problems[0]?.dimensions).toEqual(['service', 'code']);
      expect(problems[0]?.line).toMatchObject({ service: name, code, Problem: 1 });
    },
  );

  it('counts a Cognito-mapped problem under its code', async () => {
    cognito.on(ConfirmForgotPasswordCommand).rejects(
      new CognitoIdentityProviderServiceException({
        name: 'CodeMismatchException',
        message: 'x',
        $fault: 'client',
        $metadata: {},
      }),
    );
    const handler = await loadHandler('confirm-forgot-password', METRICS_ON);
    await invoke(handler, { body: validBody('confirm-forgot-password') });
    expect(emitted().find((metric) => metric.name === 'Problem')?.line).toMatchObject({
      service: 'confirm-forgot-password',
      code: 'INVALID_CODE',
    });
  });

  it('is not counted for a success', async () => {
    const handler = await loadHandler('forgot-password', METRICS_ON);
    await invoke(handler, { body: validBody('forgot-password') });
    await invoke(handler, { body: validBody('forgot-password') });
    expect(emitted().filter((metric) => metric.name === 'Problem')).toEqual([]);
  });
});

describe('ColdStart', () => {
  it('is emitted once, on the first invocation of a container', async () => {
    const handler = await loadHandler('forgot-password', METRICS_ON);
    await invoke(handler, { body: validBody('forgot-password') });
    await invoke(handler, { body: validBody('forgot-password') });
    const coldStarts = emitted().filter((metric) => metric.name === 'ColdStart');
    expect(coldStarts).toHaveLength(1);
    expect(coldStarts[0]?.dimensions).toEqual(['service']);
    expect(coldStarts[0]?.line).toMatchObject({ service: 'forgot-password', ColdStart: 1 });
  });
});

describe('Flushing', () => {
  it('writes nothing for a warm success: no empty EMF document, no "No application metrics" warning', async () => {
    const handler = await loadHandler('confirm-forgot-password', METRICS_ON);
    await invoke(handler, { body: validBody('confirm-forgot-password') });
    logs.clear();
    await invoke(handler, { body: validBody('confirm-forgot-password') });
    expect(emitted()).toEqual([]);
    expect(lines().filter((line) => /no application metrics/i.test(line))).toEqual([]);
  });

  it('publishes what an invocation stored, in the same invocation', async () => {
    const handler = await loadHandler('confirm-forgot-password', METRICS_ON);
    await invoke(handler, { body: validBody('confirm-forgot-password') });
    logs.clear();
    await invoke(handler, { body: { username: '' } });
    expect(emitted().map((metric) => metric.name)).toEqual(['Problem']);
  });
});

describe('SecretRefreshed', () => {
  it('is counted with dimensions [service] when a rejected hash made the secret refresh', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secretString('oldsecret0123456789abcdefghijklmno') })
      .resolves({ SecretString: secretString() });
    cognito
      .on(ForgotPasswordCommand)
      .rejectsOnce(
        new CognitoIdentityProviderServiceException({
          name: 'NotAuthorizedException',
          message: `Unable to verify secret hash for client ${CLIENT_ID}`,
          $fault: 'client',
          $metadata: {},
        }),
      )
      .resolves({});
    const handler = await loadHandler('forgot-password', METRICS_ON);
    await vi.waitFor(() =>
      expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1),
    );
    vi.setSystemTime(Date.now() + 60_000);

    // Act
    const { result } = await invoke(handler, { body: validBody('forgot-password') });

    // Assess
    expect(result.statusCode).toBe(202);
    const refreshed = emitted().filter((metric) => metric.name === 'SecretRefreshed');
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]?.dimensions).toEqual(['service']);
    expect(refreshed[0]?.line).toMatchObject({ service: 'forgot-password', SecretRefreshed: 1 });
  });
});
