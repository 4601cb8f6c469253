/**
 * Contract section 4: the trigger's logs name the user by `sub` only. Powertools logs the whole
 * event (user name and email address) when `POWERTOOLS_LOGGER_LOG_EVENT=true`, unless the
 * middleware forces `logEvent: false`; the setting is read when the logger is built, so the
 * trigger is loaded fresh with the variable set, as a container configured that way would.
 */
import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureOutput, lambdaContext, leakedSecrets, resetEvent, SUB } from './fixtures';

const cognito = mockClient(CognitoIdentityProviderClient);
const ses = mockClient(SESv2Client);
const eventBridge = mockClient(EventBridgeClient);

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('with POWERTOOLS_LOGGER_LOG_EVENT=true', () => {
  it('never logs the event: no user name or email address in any output', async () => {
    // Prepare
    for (const [name, value] of Object.entries({
      AWS_REGION: 'eu-west-1',
      EVENT_BUS_NAME: 'bus',
      NOTIFICATION_FROM: 'no-reply@example.net',
      POWERTOOLS_LOGGER_LOG_EVENT: 'true',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    })) {
      vi.stubEnv(name, value);
    }
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    vi.resetModules();
    const { handler } = (await import('../../lambda/post-confirmation/index')) as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    const output = captureOutput();

    // Act
    await handler(resetEvent(), lambdaContext());

    // Assess: the logger did write (at DEBUG), by sub, and never the event
    const text = output.text();
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ message: 'Password reset trigger done', sub: SUB }),
    );
    expect(text).not.toContain('Lambda invocation event');
    expect(leakedSecrets(text)).toEqual([]);
  });
});
