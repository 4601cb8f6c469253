/**
 * The local Cognito endpoint (`cognitoEndpoint`): a thin front on cognito-local that behaves as
 * the real user pool does where the emulator does not, so local runs catch what Cognito would:
 * - a wrong or missing `SecretHash` is rejected (`NotAuthorizedException`, Cognito's wording);
 * - `PreventUserExistenceErrors` ENABLED: unknown, disabled and unverified users get the same
 *   answers as real ones (a simulated code delivery, a code mismatch, "Incorrect username or
 *   password"), and code destinations are masked;
 * - the pool's minimum password length is enforced;
 * - disabled users cannot sign in; a wrong password is `NotAuthorizedException`;
 * - `AdminUserGlobalSignOut` is recorded, and refresh tokens issued before it are refused;
 * - an app client holds one or two live secrets (`AddUserPoolClientSecret`,
 *   `ListUserPoolClientSecrets`, `DeleteUserPoolClientSecret`, see client-secrets.ts) and a hash
 *   made with either is accepted;
 * - every other call (admin calls included) passes through unchanged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { keepNewest, keepNewestKeys, RECORD_CAP, TOKEN_CAP } from './bounded';
import { ClientSecretError, ClientSecretStore } from './client-secrets';
import type { CognitoEmulator, EmulatedUser } from './cognito-emulator';
import {
  AWS_JSON_CONTENT_TYPE,
  answerUnexpectedFailure,
  awsTarget,
  parseJsonObject,
  readBody,
  sendAwsError,
  sendAwsResult,
  stringField,
} from './http-util';
import { maskEmail } from './mask';

/** One recorded `AdminUserGlobalSignOut`. */
export interface SignOutRecord {
  readonly userPoolId: string;
  readonly username: string;
  readonly at: string;
}

/** What the front remembers of an issued refresh token. */
interface IssuedToken {
  readonly userPoolId: string;
  readonly username: string;
  readonly issuedAt: number;
}

class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'CognitoError';
  }
}

const CODE_MISMATCH = new CognitoError(
  'CodeMismatchException',
  'Invalid verification code provided, please try again.',
);
const WRONG_CREDENTIALS = new CognitoError(
  'NotAuthorizedException',
  'Incorrect username or password.',
);
const MAX_BODY = 1024 * 1024;

/** Operations that carry a `SecretHash` for the app client and the user they name. */
const TOP_LEVEL_SECRET_HASH = new Set([
  'ForgotPassword',
  'ConfirmForgotPassword',
  'SignUp',
  'ConfirmSignUp',
  'ResendConfirmationCode',
]);

type Forward = (operation: string, body: Record<string, unknown>) => Promise<ForwardedAnswer>;

interface ForwardedAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly raw: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** The front's state and its request handler. */
export class CognitoFront {
  private readonly signOuts: SignOutRecord[] = [];
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly listeners: ((record: SignOutRecord) => void)[] = [];
  private readonly triggerFailures: { key: string; at: number; message: string }[] = [];
  private readonly clientSecrets = new ClientSecretStore();

  constructor(private readonly emulator: CognitoEmulator) {}

  /** Recorded global sign-outs, oldest first (the newest {@link RECORD_CAP}). */
  recordedSignOuts(): readonly SignOutRecord[] {
    return this.signOuts;
  }

  /** Calls `listener` for each global sign-out recorded from now on. */
  onSignOut(listener: (record: SignOutRecord) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Notes that the post-confirmation trigger failed for a user. cognito-local swallows trigger
   * errors; Cognito fails the user's request with `UserLambdaValidationException` (after the
   * password has changed), and so does this front.
   */
  recordTriggerFailure(userPoolId: string, username: string, message: string): void {
    this.triggerFailures.push({ key: `${userPoolId}/${username}`, at: Date.now(), message });
    keepNewest(this.triggerFailures, RECORD_CAP);
  }

  /**
   * Handles one HTTP request to the Cognito endpoint. Whatever fails unexpectedly (in the front or
   * in the emulator behind it) is Cognito's `InternalErrorException` (500), never a crash.
   */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await this.handleRequest(request, response);
    } catch {
      answerUnexpectedFailure(response, () =>
        sendAwsError(response, 'InternalErrorException', 'Local Cognito front failed.', 500),
      );
    }
  }

  private async handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readBody(request, MAX_BODY);
    } catch {
      sendAwsError(response, 'InvalidParameterException', 'Request too large.');
      return;
    }
    const { operation } = awsTarget(request);
    const body = request.method === 'POST' ? parseJsonObject(raw) : undefined;
    if (!body || operation === '') {
      await this.pipe(request, raw, response);
      return;
    }
    try {
      const answer = await this.answer(operation, body, (op, b) => this.forward(request, op, b));
      if (answer === undefined) {
        await this.pipe(request, raw, response);
      } else if (isForwarded(answer)) {
        response.writeHead(answer.status, { ...answer.headers });
        response.end(answer.raw);
      } else {
        sendAwsResult(response, answer);
      }
    } catch (error) {
      if (error instanceof CognitoError || error instanceof ClientSecretError)
        sendAwsError(response, error.type, error.message);
      else sendAwsError(response, 'InternalErrorException', 'Local Cognito front failed.', 500);
    }
  }

  /**
   * Decides one call: a body to answer with, a forwarded answer, or `undefined` to pass the
   * request through untouched.
   */
  private async answer(
    operation: string,
    body: Record<string, unknown>,
    forward: Forward,
  ): Promise<Record<string, unknown> | ForwardedAnswer | undefined> {
    switch (operation) {
      case 'ForgotPassword':
        return this.forgotPassword(body, forward);
      case 'ConfirmForgotPassword':
        return this.confirmForgotPassword(body, forward);
      case 'InitiateAuth':
        return this.initiateAuth(body, forward);
      case 'AdminUserGlobalSignOut':
        return this.adminUserGlobalSignOut(body);
      case 'AddUserPoolClientSecret':
      case 'ListUserPoolClientSecrets':
      case 'DeleteUserPoolClientSecret':
        return this.clientSecretOperation(operation, body);
      case 'RespondToAuthChallenge': {
        const clientId = stringField(body, 'ClientId') ?? '';
        const responses = (body.ChallengeResponses ?? {}) as Record<string, unknown>;
        await this.verifySecretHash(
          clientId,
          stringField(responses, 'USERNAME') ?? '',
          stringField(responses, 'SECRET_HASH'),
        );
        return undefined;
      }
      default:
        if (TOP_LEVEL_SECRET_HASH.has(operation)) {
          await this.verifyBodySecretHash(body);
        }
        return undefined;
    }
  }

  /** {@link verifySecretHash} for a request with top-level `ClientId`, `Username` and `SecretHash`. */
  private verifyBodySecretHash(body: Record<string, unknown>): Promise<string> {
    return this.verifySecretHash(
      stringField(body, 'ClientId') ?? '',
      stringField(body, 'Username') ?? '',
      stringField(body, 'SecretHash'),
    );
  }

  private async verifySecretHash(
    clientId: string,
    username: string,
    secretHash: string | undefined,
  ): Promise<string> {
    const client = await this.emulator.client(clientId);
    if (!client) {
      throw new CognitoError(
        'ResourceNotFoundException',
        `User pool client ${clientId} does not exist.`,
      );
    }
    if (client.ClientSecret) {
      if (secretHash === undefined) {
        throw new CognitoError(
          'NotAuthorizedException',
          `Client ${clientId} is configured for secret but secret was not received`,
        );
      }
      if (!this.clientSecrets.matches(clientId, client.ClientSecret, username, secretHash)) {
        throw new CognitoError(
          'NotAuthorizedException',
          `Unable to verify secret hash for client ${clientId}`,
        );
      }
    }
    return client.UserPoolId;
  }

  /** The two-secret API on the client the emulator knows (its pool must match). */
  private async clientSecretOperation(
    operation: string,
    body: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const clientId = stringField(body, 'ClientId') ?? '';
    const client = await this.emulator.client(clientId);
    if (!client || client.UserPoolId !== stringField(body, 'UserPoolId')) {
      throw new CognitoError(
        'ResourceNotFoundException',
        `User pool client ${clientId} does not exist.`,
      );
    }
    const describe = (s: { id: string; createdAt: Date }) => ({
      ClientSecretId: s.id,
      ClientSecretCreateDate: s.createdAt.getTime() / 1000,
    });
    if (operation === 'AddUserPoolClientSecret') {
      const added = this.clientSecrets.add(
        clientId,
        client.ClientSecret,
        stringField(body, 'ClientSecret'),
      );
      return { ClientSecretDescriptor: { ...describe(added), ClientSecretValue: added.value } };
    }
    if (operation === 'DeleteUserPoolClientSecret') {
      this.clientSecrets.delete(
        clientId,
        client.ClientSecret,
        stringField(body, 'ClientSecretId') ?? '',
      );
      return {};
    }
    return { ClientSecrets: this.clientSecrets.live(clientId, client.ClientSecret).map(describe) };
  }

  private async forgotPassword(
    body: Record<string, unknown>,
    forward: Forward,
  ): Promise<Record<string, unknown> | ForwardedAnswer> {
    const username = stringField(body, 'Username') ?? '';
    const userPoolId = await this.verifyBodySecretHash(body);
    const user = await this.emulator.user(userPoolId, username);
    if (!user?.enabled || !user.emailVerified || !user.email) {
      return { CodeDeliveryDetails: simulatedDelivery(username) };
    }
    const answer = await forward('ForgotPassword', { ...body, Username: user.username });
    if (answer.status !== 200) return answer;
    return {
      ...answer.body,
      CodeDeliveryDetails: { ...deliveryOf(answer.body), Destination: maskEmail(user.email) },
    };
  }

  private async confirmForgotPassword(
    body: Record<string, unknown>,
    forward: Forward,
  ): Promise<ForwardedAnswer> {
    const username = stringField(body, 'Username') ?? '';
    const userPoolId = await this.verifyBodySecretHash(body);
    const user = await this.emulator.user(userPoolId, username);
    if (!user) throw CODE_MISMATCH;
    if (!user.enabled) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    const password = stringField(body, 'Password') ?? '';
    await this.checkPasswordPolicy(userPoolId, password);
    const started = Date.now();
    const answer = await forward('ConfirmForgotPassword', { ...body, Username: user.username });
    const key = `${userPoolId}/${user.username}`;
    const failure = this.triggerFailures.find((f) => f.key === key && f.at >= started);
    this.triggerFailures.splice(
      0,
      this.triggerFailures.length,
      ...this.triggerFailures.filter((f) => f.key !== key),
    );
    if (answer.status === 200 && failure) {
      throw new CognitoError(
        'UserLambdaValidationException',
        `PostConfirmation failed with error ${failure.message}.`,
      );
    }
    return answer;
  }

  private async checkPasswordPolicy(userPoolId: string, password: string): Promise<void> {
    const minimum = await this.emulator.passwordMinimumLength(userPoolId);
    if (Array.from(password).length < minimum) {
      throw new CognitoError(
        'InvalidPasswordException',
        'Password did not conform with policy: Password not long enough',
      );
    }
  }

  private async initiateAuth(
    body: Record<string, unknown>,
    forward: Forward,
  ): Promise<ForwardedAnswer> {
    const clientId = stringField(body, 'ClientId') ?? '';
    const flow = stringField(body, 'AuthFlow') ?? '';
    const parameters = (body.AuthParameters ?? {}) as Record<string, unknown>;
    const secretHash = stringField(parameters, 'SECRET_HASH');
    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
      const token = this.tokens.get(stringField(parameters, 'REFRESH_TOKEN') ?? '');
      if (token) {
        const name = stringField(parameters, 'USERNAME') ?? token.username;
        await this.verifySecretHash(clientId, name, secretHash);
        const revoked = this.signOuts.some(
          (s) =>
            s.userPoolId === token.userPoolId &&
            s.username === token.username &&
            Date.parse(s.at) >= token.issuedAt,
        );
        if (revoked)
          throw new CognitoError('NotAuthorizedException', 'Refresh Token has been revoked');
      }
      return forward('InitiateAuth', body);
    }
    const username = stringField(parameters, 'USERNAME') ?? '';
    const userPoolId = await this.verifySecretHash(clientId, username, secretHash);
    const user = await this.emulator.user(userPoolId, username);
    if (!user) throw WRONG_CREDENTIALS;
    if (!user.enabled) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    const issuedAt = Date.now();
    const answer = await forward('InitiateAuth', {
      ...body,
      AuthParameters: { ...parameters, USERNAME: user.username },
    });
    if (
      answer.status !== 200 &&
      String(answer.body.__type ?? '').endsWith('InvalidPasswordException')
    ) {
      throw WRONG_CREDENTIALS;
    }
    this.remember(answer, user, userPoolId, issuedAt);
    return answer;
  }

  private remember(
    answer: ForwardedAnswer,
    user: EmulatedUser,
    userPoolId: string,
    issuedAt: number,
  ): void {
    const result = answer.body.AuthenticationResult as Record<string, unknown> | undefined;
    const refreshToken = result ? stringField(result, 'RefreshToken') : undefined;
    if (answer.status === 200 && refreshToken) {
      this.tokens.set(refreshToken, { userPoolId, username: user.username, issuedAt });
      keepNewestKeys(this.tokens, TOKEN_CAP);
    }
  }

  private async adminUserGlobalSignOut(
    body: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const userPoolId = stringField(body, 'UserPoolId') ?? '';
    const username = stringField(body, 'Username') ?? '';
    const user = await this.emulator.user(userPoolId, username);
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    const record: SignOutRecord = {
      userPoolId,
      username: user.username,
      at: new Date().toISOString(),
    };
    this.signOuts.push(record);
    keepNewest(this.signOuts, RECORD_CAP);
    for (const listener of this.listeners) listener(record);
    return {};
  }

  /** Sends a (possibly rewritten) call to the emulator and reads its answer. */
  private forward(
    original: IncomingMessage,
    operation: string,
    body: Record<string, unknown>,
  ): Promise<ForwardedAnswer> {
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        `${this.emulator.url}/`,
        {
          method: 'POST',
          headers: {
            'Content-Type': AWS_JSON_CONTENT_TYPE,
            'Content-Length': payload.length,
            'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
            ...(original.headers['user-agent']
              ? { 'User-Agent': original.headers['user-agent'] }
              : {}),
          },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('error', reject);
          answer.on('end', () => {
            const raw = Buffer.concat(chunks);
            resolve({
              status: answer.statusCode ?? 500,
              body: parseJsonObject(raw) ?? {},
              raw,
              headers: {
                'Content-Type': String(answer.headers['content-type'] ?? AWS_JSON_CONTENT_TYPE),
                ...(answer.headers['x-amzn-errortype']
                  ? { 'x-amzn-ErrorType': String(answer.headers['x-amzn-errortype']) }
                  : {}),
              },
            });
          });
        },
      );
      upstream.on('error', reject);
      upstream.end(payload);
    });
  }

  /** Passes a request through byte for byte (non-JSON calls, health checks, JWKS). */
  private pipe(request: IncomingMessage, raw: Buffer, response: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const headers = { ...request.headers, host: new URL(this.emulator.url).host };
      headers['content-length'] = String(raw.length);
      delete headers['transfer-encoding'];
      const upstream = httpRequest(
        `${this.emulator.url}${request.url ?? '/'}`,
        { method: request.method, headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', resolve);
        },
      );
      upstream.on('error', () => {
        if (!response.headersSent)
          sendAwsError(response, 'InternalErrorException', 'Emulator unreachable.', 500);
        resolve();
      });
      upstream.end(raw);
    });
  }
}

function isForwarded(answer: Record<string, unknown> | ForwardedAnswer): answer is ForwardedAnswer {
  return answer.raw instanceof Buffer && typeof answer.status === 'number';
}

function deliveryOf(body: Record<string, unknown>): Record<string, unknown> {
  const details = body.CodeDeliveryDetails;
  return typeof details === 'object' && details !== null
    ? (details as Record<string, unknown>)
    : {};
}

/**
 * The delivery Cognito simulates for a user it will not reveal: same shape and masking as a
 * real one, derived from the username so repeated requests look stable.
 */
export function simulatedDelivery(username: string): Record<string, string> {
  return {
    AttributeName: 'email',
    DeliveryMedium: 'EMAIL',
    Destination: maskEmail(username.includes('@') ? username : `${username}@example.com`),
  };
}
