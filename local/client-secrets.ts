/**
 * The app clients' secrets as Cognito keeps them since its two-secret API: each client holds one
 * or two live secrets (`AddUserPoolClientSecret`, `ListUserPoolClientSecrets`,
 * `DeleteUserPoolClientSecret`), and a `SECRET_HASH` made with any live one is accepted.
 * cognito-local knows one secret per client; this store starts from it and takes over.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { MAX_CLIENT_SECRETS } from '../lambda/rotate-client-secret/client-secrets';
import { secretHashMatches } from './secret-hash';

/** One live secret of a client. */
export interface LiveSecret {
  readonly id: string;
  readonly value: string;
  readonly createdAt: Date;
}

/** Cognito's refusal of a secret operation, with its error type. */
export class ClientSecretError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'ClientSecretError';
  }
}

/** Cognito's limit of live secrets per client (the rotation function knows it too). */
const MAX_SECRETS_PER_CLIENT = MAX_CLIENT_SECRETS;

/** The live secrets of every client the local Cognito has been asked about. */
export class ClientSecretStore {
  private readonly clients = new Map<string, LiveSecret[]>();

  /** The client's live secrets, starting from the one the emulator generated. */
  live(clientId: string, emulatorSecret: string | undefined): readonly LiveSecret[] {
    let secrets = this.clients.get(clientId);
    if (!secrets) {
      secrets = emulatorSecret
        ? [{ id: randomUUID(), value: emulatorSecret, createdAt: new Date(0) }]
        : [];
      this.clients.set(clientId, secrets);
    }
    return secrets;
  }

  /** Whether `secretHash` was made with one of the client's live secrets. */
  matches(
    clientId: string,
    emulatorSecret: string | undefined,
    username: string,
    secretHash: string,
  ): boolean {
    return this.live(clientId, emulatorSecret).some((s) =>
      secretHashMatches(secretHash, username, clientId, s.value),
    );
  }

  /** `AddUserPoolClientSecret`: a generated (or given) secret, refused beyond two. */
  add(clientId: string, emulatorSecret: string | undefined, given?: string): LiveSecret {
    const secrets = this.live(clientId, emulatorSecret) as LiveSecret[];
    if (secrets.length >= MAX_SECRETS_PER_CLIENT) {
      throw new ClientSecretError(
        'LimitExceededException',
        `The app client already has ${MAX_SECRETS_PER_CLIENT} client secrets.`,
      );
    }
    const secret: LiveSecret = {
      id: randomUUID(),
      value: given ?? randomBytes(32).toString('base64url').toLowerCase(),
      createdAt: new Date(),
    };
    secrets.push(secret);
    return secret;
  }

  /** `DeleteUserPoolClientSecret`: refused for an unknown id or the last secret. */
  delete(clientId: string, emulatorSecret: string | undefined, secretId: string): void {
    const secrets = this.live(clientId, emulatorSecret) as LiveSecret[];
    const at = secrets.findIndex((s) => s.id === secretId);
    if (at < 0)
      throw new ClientSecretError('ResourceNotFoundException', 'Client secret not found.');
    if (secrets.length === 1) {
      throw new ClientSecretError(
        'InvalidParameterException',
        'You cannot delete the last client secret.',
      );
    }
    secrets.splice(at, 1);
  }
}
