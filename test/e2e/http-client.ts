/**
 * Plain HTTP and AWS calls against a running local stack, as an outside client makes them.
 */
import { request } from 'node:http';
import {
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { computeSecretHash } from '../../local/secret-hash';
import { localCognitoClient } from '../../local/seed';
import { REGION, SECRET_NAME, type StackInfo } from '../../local/stack';

/** An HTTP answer. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/** Sends one request with exactly the given method, headers and body bytes. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // An explicit length: Node sends a GET body neither chunked nor with a length otherwise.
    const length =
      options.body === undefined
        ? {}
        : { 'Content-Length': String(Buffer.byteLength(options.body)) };
    const headers = { ...length, ...options.headers };
    const outgoing = request(url, { method: options.method ?? 'GET', headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({
          status: incoming.statusCode ?? 0,
          headers,
          text,
          json: <T>() => JSON.parse(text) as T,
        });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** POSTs a JSON body to one of the API's paths. */
export function postJson(
  info: StackInfo,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(`${info.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** One mailbox entry (contract section 6). */
export interface Mail {
  readonly kind: 'code' | 'notification';
  readonly to: string;
  readonly code?: string;
  readonly subject?: string;
  readonly link?: string;
  readonly text?: string;
  readonly html?: string;
  readonly at: string;
}

/** What the mailbox holds for a user, newest first. */
export async function mailbox(info: StackInfo, to: string): Promise<Mail[]> {
  return (await send(`${info.mailboxUrl}?to=${encodeURIComponent(to)}`)).json<Mail[]>();
}

/** The newest code delivered to a user. */
export async function latestCode(info: StackInfo, to: string): Promise<string> {
  const code = (await mailbox(info, to)).find((mail) => mail.kind === 'code')?.code;
  if (!code) throw new Error(`no code in the mailbox of ${to}`);
  return code;
}

/** The app client's secret, as the handlers read it from the local Secrets Manager. */
export async function clientSecret(info: StackInfo): Promise<string> {
  const secrets = new SecretsManagerClient({
    region: REGION,
    endpoint: new URL(info.mailboxUrl).origin,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const answer = await secrets.send(new GetSecretValueCommand({ SecretId: SECRET_NAME }));
  secrets.destroy();
  return (JSON.parse(answer.SecretString ?? '{}') as { clientSecret: string }).clientSecret;
}

/** A Cognito client for the stack's Cognito endpoint. */
export function cognitoOf(info: StackInfo): CognitoIdentityProviderClient {
  return localCognitoClient(info.cognitoEndpoint, REGION);
}

/** Signs in with USER_PASSWORD_AUTH (and the SECRET_HASH the client requires). */
export async function signIn(
  info: StackInfo,
  username: string,
  password: string,
): Promise<InitiateAuthCommandOutput> {
  const secret = await clientSecret(info);
  return cognitoOf(info).send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: info.clientId,
      AuthParameters: {
        USERNAME: username,
        PASSWORD: password,
        SECRET_HASH: computeSecretHash(username, info.clientId, secret),
      },
    }),
  );
}

/** The error name an AWS call failed with, or `'none'`. */
export async function errorNameOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'none';
  } catch (error) {
    return (error as Error).name;
  }
}
