/**
 * The example app's own post-confirmation trigger, as a team that already has one writes it: its
 * own work for every confirmation, and after a password reset it hands the same event to the
 * password-reset service's after-reset function (sign-out everywhere, the "password changed"
 * notice, the PasswordResetCompleted event). It waits for that call, so the user's old sessions
 * end before Cognito answers the reset, and a failure there never fails the user's request: the
 * password has already been changed when a post-confirmation trigger runs.
 *
 * AFTER_RESET_FUNCTION_ARN is `passwordReset.afterResetFunction.functionArn`; the role needs
 * `passwordReset.grantInvokeAfterReset(thisFunction)`. The Lambda runtime provides the SDK.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

// One attempt, bounded: Cognito gives the whole trigger 5 seconds.
const lambda = new LambdaClient({ maxAttempts: 1 });

export async function handler(event) {
  // ... this app's own work for every confirmation (a welcome email, a CRM update, ...)
  if (event.triggerSource === 'PostConfirmation_ConfirmForgotPassword') {
    try {
      const answer = await lambda.send(
        new InvokeCommand({
          FunctionName: process.env.AFTER_RESET_FUNCTION_ARN,
          Payload: JSON.stringify(event),
        }),
        { abortSignal: AbortSignal.timeout(4_000) },
      );
      if (answer.FunctionError) console.error(JSON.stringify({ afterReset: answer.FunctionError }));
    } catch (error) {
      console.error(JSON.stringify({ afterReset: error instanceof Error ? error.name : 'failed' }));
    }
  }
  return event;
}
