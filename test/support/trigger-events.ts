/**
 * Post-confirmation trigger events as Cognito sends them, modelled on a captured event
 * (Powertools' `cognito/post-confirmation-confirm-forgot-password.json` fixture).
 */
import type { CustomMessageTriggerEvent, PostConfirmationTriggerEvent } from 'aws-lambda';

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
