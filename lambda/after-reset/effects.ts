/**
 * The three effects of contract section 4, each one AWS call that honours an abort signal.
 * They throw on failure; the caller (trigger.ts) turns a failure into a log line and a metric.
 */
import { AdminUserGlobalSignOutCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { cognitoClient, eventBridgeClient, sesClient } from './clients';
import type { NotificationEmail } from './notification-email';
import {
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  type PasswordResetCompletedDetail,
} from './password-reset-completed';

/** PutEvents answered 200 but refused the entry (it reports failures per entry, not as an error). */
export class EventRejectedError extends Error {
  override readonly name = 'EventRejectedError';
  constructor(
    readonly errorCode: string | undefined,
    detail: string | undefined,
  ) {
    super(`PutEvents refused the entry: ${errorCode ?? 'unknown'} ${detail ?? ''}`.trim());
  }
}

/**
 * Ends every session of the user (refresh tokens revoked, access tokens invalidated), since
 * Cognito keeps them alive across a password reset. Idempotent, so a repeated trigger is harmless.
 *
 * @example
 * await revokeSessions({ userPoolId: event.userPoolId, userName: event.userName }, signal);
 */
export async function revokeSessions(
  user: { readonly userPoolId: string; readonly userName: string },
  abortSignal: AbortSignal,
): Promise<void> {
  await cognitoClient().send(
    new AdminUserGlobalSignOutCommand({ UserPoolId: user.userPoolId, Username: user.userName }),
    { abortSignal },
  );
}

/**
 * Sends the notice through SES v2, as plain text and HTML, with the reset id in a header.
 *
 * @example
 * await sendNotification({ from, to: email, region: undefined, email: composeNotification(facts) }, signal);
 */
export async function sendNotification(
  message: {
    readonly from: string;
    readonly to: string;
    readonly region: string | undefined;
    readonly email: NotificationEmail;
  },
  abortSignal: AbortSignal,
): Promise<void> {
  const { email } = message;
  await sesClient(message.region).send(
    new SendEmailCommand({
      FromEmailAddress: message.from,
      Destination: { ToAddresses: [message.to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.text, Charset: 'UTF-8' },
            Html: { Data: email.html, Charset: 'UTF-8' },
          },
          Headers: email.headers.map((header) => ({ Name: header.name, Value: header.value })),
        },
      },
    }),
    { abortSignal },
  );
}

/**
 * Puts the `PasswordResetCompleted` event on the bus. PutEvents reports a refused entry in its
 * answer rather than as an error, so that case is turned into one here.
 *
 * @throws {EventRejectedError} when the bus refused the entry
 * @example
 * await publishResetCompleted({ eventBusName, detail, time }, signal);
 */
export async function publishResetCompleted(
  event: {
    readonly eventBusName: string;
    readonly detail: PasswordResetCompletedDetail;
    readonly time: Date;
  },
  abortSignal: AbortSignal,
): Promise<void> {
  const answer = await eventBridgeClient().send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: event.eventBusName,
          Source: EVENT_SOURCE,
          DetailType: EVENT_DETAIL_TYPE,
          Detail: JSON.stringify(event.detail),
          Time: event.time,
        },
      ],
    }),
    { abortSignal },
  );
  const entry = answer.Entries?.[0];
  if ((answer.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode !== undefined) {
    throw new EventRejectedError(entry?.ErrorCode, entry?.ErrorMessage);
  }
}
