/**
 * The trigger's floor: the least a post-confirmation trigger can do that makes the calls the
 * product's trigger makes in the request. One Cognito and one SQS client at module scope, the
 * global sign-out, then one `SendMessageBatch` of the notice and event jobs (the second call
 * waits for the first: the jobs say whether the sessions ended). No validation, no budget, no
 * logging. The trigger is judged against this, built with the very same esbuild options.
 */
import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';

const cognito = new CognitoIdentityProviderClient();
const sqs = new SQSClient();

export const handler = async (
  event: PostConfirmationTriggerEvent,
): Promise<PostConfirmationTriggerEvent> => {
  await cognito.send(
    new AdminUserGlobalSignOutCommand({ UserPoolId: event.userPoolId, Username: event.userName }),
  );
  const revokedAt = new Date().toISOString();
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: process.env.AFTER_RESET_QUEUE_URL,
      Entries: [
        {
          Id: 'notify',
          MessageBody: JSON.stringify({ kind: 'notify', to: event.request.userAttributes.email }),
        },
        {
          Id: 'publish',
          MessageBody: JSON.stringify({ kind: 'publish', user: event.userName, revokedAt }),
        },
      ],
    }),
  );
  return event;
};
