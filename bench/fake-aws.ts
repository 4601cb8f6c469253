/**
 * Loopback stand-ins for the AWS APIs the handlers call, speaking just enough of each protocol
 * for the SDK to accept the answer: AWS JSON 1.1 (`X-Amz-Target`) for Cognito, Secrets Manager
 * and EventBridge, JSON 1.0 for DynamoDB (the attempt limit's table), REST-JSON for SES v2. Each answer waits a configurable latency first, like a
 * same-Region AWS call, and every call is recorded with its arrival time (epoch milliseconds,
 * sub-millisecond resolution) so the bench can tell which calls happened during module load.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call received, as the bench reports it. */
export interface RecordedCall {
  /** `X-Amz-Target` for JSON 1.1 services, `METHOD path` for REST ones. */
  readonly operation: string;
  /** Epoch ms at which the request head arrived. */
  readonly arrivedAt: number;
  /** Whether the request carried a SigV4 `Authorization` header. */
  readonly signed: boolean;
  /** The access key id named in the SigV4 credential scope, if any. */
  readonly accessKeyId: string | undefined;
}

/** A running fake: its base URL, its call log, and a latency that may change between runs. */
export interface FakeAws {
  readonly url: string;
  latencyMs: number;
  /** Every call since it was last cleared; always empty when started with `log: false`. */
  readonly calls: RecordedCall[];
  /** Calls per operation: since the log was last cleared, or (`log: false`) since the start. */
  count(operation: string): number;
  close(): Promise<void>;
}

/** The Secrets Manager `SecretString` every variant reads (contract section 5). */
export const FAKE_CLIENT_SECRET = 'bench-client-secret-0123456789abcdefghijklmnopqrstuvwxyz';

/** The operations the bench's handlers call, by target. */
export const OPERATIONS = {
  confirmForgotPassword: 'AWSCognitoIdentityProviderService.ConfirmForgotPassword',
  forgotPassword: 'AWSCognitoIdentityProviderService.ForgotPassword',
  globalSignOut: 'AWSCognitoIdentityProviderService.AdminUserGlobalSignOut',
  getSecretValue: 'secretsmanager.GetSecretValue',
  putEvents: 'AWSEvents.PutEvents',
  countAttempt: 'DynamoDB_20120810.UpdateItem',
  sendEmail: 'POST /v2/email/outbound-emails',
  handOff: 'AmazonSQS.SendMessageBatch',
} as const;

const JSON_11 = 'application/x-amz-json-1.1';
const JSON_10 = 'application/x-amz-json-1.0';

type Answer = { status: number; contentType: string; body: unknown };

function answerFor(operation: string, requestBody: string): Answer {
  const ok = (body: unknown): Answer => ({ status: 200, contentType: JSON_11, body });
  switch (operation) {
    case OPERATIONS.confirmForgotPassword:
    case OPERATIONS.globalSignOut:
      return ok({});
    case OPERATIONS.forgotPassword:
      return ok({
        CodeDeliveryDetails: {
          Destination: 'u***@e***',
          DeliveryMedium: 'EMAIL',
          AttributeName: 'email',
        },
      });
    case OPERATIONS.getSecretValue: {
      const { SecretId } = JSON.parse(requestBody || '{}') as { SecretId?: string };
      return ok({
        ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SecretId ?? 'unknown'}-AbCdEf`,
        Name: SecretId,
        VersionId: '00000000-0000-4000-8000-000000000001',
        VersionStages: ['AWSCURRENT'],
        SecretString: JSON.stringify({ clientSecret: FAKE_CLIENT_SECRET }),
        CreatedDate: 1_767_225_600,
      });
    }
    case OPERATIONS.putEvents: {
      const { Entries = [] } = JSON.parse(requestBody || '{}') as { Entries?: unknown[] };
      return ok({
        FailedEntryCount: 0,
        Entries: Entries.map((_, i) => ({
          EventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        })),
      });
    }
    case OPERATIONS.countAttempt:
      // The attempts table: always the first attempt of a window, so the limit never answers
      return {
        status: 200,
        contentType: JSON_10,
        body: { Attributes: { attempts: { N: '1' }, expiresAt: { N: '1767226500' } } },
      };
    case OPERATIONS.handOff: {
      const { Entries = [] } = JSON.parse(requestBody || '{}') as {
        Entries?: { Id?: string; MessageBody?: string }[];
      };
      return {
        status: 200,
        contentType: JSON_10,
        body: {
          Successful: Entries.map((entry, i) => ({
            Id: entry.Id,
            MessageId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            MD5OfMessageBody: createHash('md5')
              .update(entry.MessageBody ?? '')
              .digest('hex'),
          })),
          Failed: [],
        },
      };
    }
    case OPERATIONS.sendEmail:
      return { status: 200, contentType: 'application/json', body: { MessageId: 'bench-message' } };
    default:
      return {
        status: 400,
        contentType: JSON_11,
        body: { __type: 'UnknownOperationException', message: `no fake for ${operation}` },
      };
  }
}

function operationOf(request: IncomingMessage): string {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return target;
  return `${request.method} ${(request.url ?? '/').split('?')[0]}`;
}

function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return authorization?.match(/Credential=([^/,\s]+)\//)?.[1];
}

/**
 * Starts the fake on 127.0.0.1 on a free port. With `log: false` it keeps only a count per
 * operation, so that a fake sharing a process with the code under test (the warm bench child)
 * does not grow that process's heap with every call it answers.
 *
 * @example
 * const aws = await startFakeAws(25);
 * process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER = aws.url;
 */
export async function startFakeAws(
  latencyMs = 0,
  { log = true }: { log?: boolean } = {},
): Promise<FakeAws> {
  const calls: RecordedCall[] = [];
  const counts = new Map<string, number>();
  const state = { latencyMs };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const operation = operationOf(request);
    if (log) {
      const authorization = request.headers.authorization;
      calls.push({
        operation,
        arrivedAt: performance.timeOrigin + performance.now(),
        signed: typeof authorization === 'string' && authorization.startsWith('AWS4-HMAC-SHA256'),
        accessKeyId: accessKeyIdOf(authorization),
      });
    } else {
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = answerFor(operation, Buffer.concat(chunks).toString('utf8'));
      const send = (): void => {
        const body = JSON.stringify(answer.body);
        response.writeHead(answer.status, {
          'content-type': answer.contentType,
          'content-length': Buffer.byteLength(body),
          'x-amzn-requestid': '00000000-0000-4000-8000-00000000bench',
        });
        response.end(body);
      };
      if (state.latencyMs > 0) setTimeout(send, state.latencyMs);
      else send();
    });
  });
  // Idle connections close as they would upstream, so per-request clients cannot pile up sockets.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(value: number) {
      state.latencyMs = value;
    },
    calls,
    count: (operation) =>
      log
        ? calls.filter((call) => call.operation === operation).length
        : (counts.get(operation) ?? 0),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
