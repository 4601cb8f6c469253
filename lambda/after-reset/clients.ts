/**
 * The after-reset AWS SDK clients (trigger and deliver-after-reset), each created on first use and then kept for the container's
 * life. Region and endpoints come from the standard variables (`AWS_REGION`,
 * `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`, `AWS_ENDPOINT_URL_SESV2`,
 * `AWS_ENDPOINT_URL_EVENTBRIDGE`, `AWS_ENDPOINT_URL_SQS`), which the SDK reads itself, plain-HTTP loopback included.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Attempts per call (the first and one SDK retry). */
export const MAX_ATTEMPTS = 2;

/**
 * Settings shared by the clients. One retry at most: each call's own deadline (see
 * budget.ts) cuts whatever a retry would not finish in time, and the connection and request
 * timeouts make a dead endpoint fail fast enough for that retry to fit.
 */
const sharedSettings = () =>
  ({
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 500,
      requestTimeout: 800,
      throwOnRequestTimeout: true,
    }),
  }) as const;

let cognito: CognitoIdentityProviderClient | undefined;
let eventBridge: EventBridgeClient | undefined;
let sqs: SQSClient | undefined;
const sesByRegion = new Map<string, SESv2Client>();

/**
 * The Cognito client, for `AdminUserGlobalSignOut`, created on first use so that an invocation
 * with revoking switched off (or a sign-up confirmation) never pays for it.
 *
 * @example
 * await cognitoClient().send(new AdminUserGlobalSignOutCommand(input), { abortSignal });
 */
export function cognitoClient(): CognitoIdentityProviderClient {
  cognito ??= new CognitoIdentityProviderClient(sharedSettings());
  return cognito;
}

/**
 * The EventBridge client, for `PutEvents`, created on first use (an unset bus never creates it).
 *
 * @example
 * await eventBridgeClient().send(new PutEventsCommand({ Entries: [entry] }), { abortSignal });
 */
export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= new EventBridgeClient(sharedSettings());
  return eventBridge;
}

/**
 * The SES v2 client in the sender identity's region (`NOTIFICATION_REGION`), or the function's
 * own region when that is unset: SES identities are regional, and a verified sender often lives
 * in one region only.
 *
 * @example
 * await sesClient(config.notificationRegion).send(new SendEmailCommand(input), { abortSignal });
 */
export function sesClient(region: string | undefined): SESv2Client {
  const key = region ?? '';
  let client = sesByRegion.get(key);
  if (client === undefined) {
    client = new SESv2Client(
      region === undefined ? sharedSettings() : { ...sharedSettings(), region },
    );
    sesByRegion.set(key, client);
  }
  return client;
}

/**
 * The SQS client, for the hand-off of the after-reset jobs. It sends to the queue's own URL
 * (the SDK's default), so a queue URL on a local endpoint needs no other setting.
 *
 * @example
 * await sqsClient().send(new SendMessageBatchCommand({ QueueUrl, Entries }), { abortSignal });
 */
export function sqsClient(): SQSClient {
  sqs ??= new SQSClient(sharedSettings());
  return sqs;
}
