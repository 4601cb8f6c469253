/**
 * Post-confirmation trigger events as Cognito sends them, modelled on a captured event
 * (Powertools' `cognito/post-confirmation-confirm-forgot-password.json` fixture).
 */
import type { PostConfirmationTriggerEvent } from 'aws-lambda';

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
