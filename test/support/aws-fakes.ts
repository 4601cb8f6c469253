/**
 * Fault servers shaped as the AWS services the product calls, each answering its operations
 * the way the real service does when healthy. Values are recognisable fakes: no real account,
 * region resource or key appears.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type FaultServer, type Responder, startFaultServer } from './fault-server';

/** The app-client secret the fake Secrets Manager serves unless told otherwise. */
export const FAKE_CLIENT_SECRET = 'fake0client0secret0for0tests0only0abcdefghijklmn';
export const FAKE_CLIENT_ID = 'fakeclientid0123456789abc';
export const FAKE_SECRET_ID = 'password-reset/app-client-secret';

/** The masked destination Cognito reports, for unknown and known users alike. */
export const FAKE_DELIVERY = {
  AttributeName: 'email',
  DeliveryMedium: 'EMAIL',
  Destination: 'u***@e***',
} as const;

const JSON_11 = 'application/x-amz-json-1.1';

/** The operation of an AWS JSON 1.1 request: `X-Amz-Target: Service.Operation`. */
function jsonTargetOperation(request: IncomingMessage): string | undefined {
  const target = request.headers['x-amz-target'];
  if (typeof target !== 'string') return undefined;
  return target.slice(target.lastIndexOf('.') + 1) || undefined;
}

/**
 * Cognito user pools: `ForgotPassword`, `ConfirmForgotPassword` and `AdminUserGlobalSignOut`.
 *
 * @example
 * const cognito = await startFakeCognito();
 * vi.stubEnv('AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', cognito.url);
 */
export function startFakeCognito(responders: Record<string, Responder> = {}): Promise<FaultServer> {
  return startFaultServer({
    operationOf: jsonTargetOperation,
    contentType: JSON_11,
    responders: {
      ForgotPassword: () => ({ body: { CodeDeliveryDetails: FAKE_DELIVERY } }),
      ConfirmForgotPassword: () => ({ body: {} }),
      AdminUserGlobalSignOut: () => ({ body: {} }),
      ...responders,
    },
  });
}

/** The `SecretString` of the product's secret (contract section 5). */
export function secretString(
  clientSecret = FAKE_CLIENT_SECRET,
  previousClientSecret?: string,
): string {
  return JSON.stringify(
    previousClientSecret ? { clientSecret, previousClientSecret } : { clientSecret },
  );
}

/** Secrets Manager: `GetSecretValue`. */
export function startFakeSecretsManager(
  value: () => string = () => secretString(),
): Promise<FaultServer> {
  return startFaultServer({
    operationOf: jsonTargetOperation,
    contentType: JSON_11,
    responders: {
      GetSecretValue: () => ({
        body: {
          Name: FAKE_SECRET_ID,
          SecretString: value(),
          VersionId: randomUUID(),
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 1_700_000_000,
        },
      }),
    },
  });
}

/** EventBridge: `PutEvents`. */
export function startFakeEventBridge(): Promise<FaultServer> {
  return startFaultServer({
    operationOf: jsonTargetOperation,
    contentType: JSON_11,
    responders: {
      PutEvents: (request) => {
        const entries = (request.body as { Entries?: unknown[] } | undefined)?.Entries ?? [];
        return {
          body: { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) },
        };
      },
    },
  });
}

/** SES v2 (REST-JSON): `POST /v2/email/outbound-emails` is `SendEmail`. */
export function startFakeSes(): Promise<FaultServer> {
  return startFaultServer({
    operationOf: (request) =>
      request.method === 'POST' && request.url?.split('?')[0] === '/v2/email/outbound-emails'
        ? 'SendEmail'
        : undefined,
    contentType: 'application/json',
    responders: { SendEmail: () => ({ body: { MessageId: `fake-${randomUUID()}` } }) },
  });
}

/** SQS (AWS JSON 1.0): `SendMessageBatch` and `SendMessage`, each accepting every entry. */
export function startFakeSqs(): Promise<FaultServer> {
  return startFaultServer({
    operationOf: jsonTargetOperation,
    contentType: 'application/x-amz-json-1.0',
    responders: {
      SendMessageBatch: (request) => {
        const entries =
          (request.body as { Entries?: { Id?: string; MessageBody?: string }[] } | undefined)
            ?.Entries ?? [];
        return {
          body: {
            Successful: entries.map((entry) => ({
              Id: entry.Id,
              MessageId: randomUUID(),
              MD5OfMessageBody: createHash('md5')
                .update(entry.MessageBody ?? '', 'utf8')
                .digest('hex'),
            })),
            Failed: [],
          },
        };
      },
      SendMessage: (request) => ({
        body: {
          MessageId: randomUUID(),
          MD5OfMessageBody: createHash('md5')
            .update(
              (request.body as { MessageBody?: string } | undefined)?.MessageBody ?? '',
              'utf8',
            )
            .digest('hex'),
        },
      }),
    },
  });
}
