/**
 * Post-confirmation trigger events as Cognito sends them, modelled on a captured event
 * (Powertools' `cognito/post-confirmation-confirm-forgot-password.json` fixture).
 */
import type { CustomMessageTriggerEvent, PostConfirmationTriggerEvent, SQSEvent } from 'aws-lambda';

export const TRIGGER_POOL_ID = 'eu-west-1_EXAMPLE';
export const TRIGGER_SUB = '11111111-2222-3333-4444-555555555555';
export const TRIGGER_EMAIL = 'user@example.com';

/**
 * @example
 * postConfirmationEvent({ requestId: 'r-1' })
 */
export function postConfirmationEvent(
  options: {
    triggerSource?: PostConfirmationTriggerEvent['triggerSource'];
    emailVerified?: boolean;
    requestId?: string;
  } = {},
): PostConfirmationTriggerEvent {
  return {
    version: '1',
    region: 'eu-west-1',
    userPoolId: TRIGGER_POOL_ID,
    userName: 'user1',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'example-client-id' },
    triggerSource: options.triggerSource ?? 'PostConfirmation_ConfirmForgotPassword',
    request: {
      userAttributes: {
        sub: TRIGGER_SUB,
        email_verified: options.emailVerified === false ? 'false' : 'true',
        'cognito:user_status': 'CONFIRMED',
        email: TRIGGER_EMAIL,
      },
      clientMetadata: { requestId: options.requestId ?? 'req-0001' },
    },
    response: {},
  };
}

/**
 * A CustomMessage event as Cognito sends it for a pool whose username is the email address (the
 * stack's): `userName` is the `sub`.
 *
 * @example
 * customMessageEvent({ locale: 'de' })
 */
export function customMessageEvent(
  options: {
    triggerSource?: CustomMessageTriggerEvent['triggerSource'];
    locale?: string;
    userName?: string;
    email?: string;
    clientMetadata?: Record<string, string>;
  } = {},
): CustomMessageTriggerEvent {
  return {
    version: '1',
    region: 'eu-west-1',
    userPoolId: TRIGGER_POOL_ID,
    userName: options.userName ?? TRIGGER_SUB,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'example-client-id' },
    triggerSource: options.triggerSource ?? 'CustomMessage_ForgotPassword',
    request: {
      userAttributes: {
        sub: TRIGGER_SUB,
        email_verified: 'true',
        'cognito:user_status': 'CONFIRMED',
        email: options.email ?? TRIGGER_EMAIL,
        ...(options.locale === undefined ? {} : { locale: options.locale }),
      },
      codeParameter: '{####}',
      linkParameter: '{##Click Here##}',
      usernameParameter: null,
      ...(options.clientMetadata === undefined ? {} : { clientMetadata: options.clientMetadata }),
    },
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  } as CustomMessageTriggerEvent;
}

/**
 * The batch Lambda's SQS event source hands deliver-after-reset: one record per message body, as
 * first delivered (receive count 1).
 *
 * @example
 * await worker(sqsEvent(queuedBodies), lambdaContext({ remainingMs: 30_000 }));
 */
export function sqsEvent(bodies: readonly string[], idPrefix = 'm'): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `${idPrefix}-${index}`,
      receiptHandle: `r-${idPrefix}-${index}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:after-reset',
      awsRegion: 'eu-west-1',
    })),
  };
}
