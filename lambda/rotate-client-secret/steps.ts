/**
 * Secrets Manager's four rotation steps for the app-client secret, with Cognito's two-secret API.
 * Each step is idempotent: Secrets Manager retries a failed step, and a step that already did its
 * work finds it done. Values never leave this module but in the calls that need them.
 *
 * - createSecret: `GetSecretValue` AWSCURRENT and AWSPENDING (token); `ListUserPoolClientSecrets`;
 *   `DeleteUserPoolClientSecret` of the oldest secret AWSCURRENT does not hold, when the client
 *   holds two; `AddUserPoolClientSecret`; `PutSecretValue` AWSPENDING
 *   `{clientSecret: NEW, previousClientSecret: CURRENT}`.
 * - setSecret: nothing. `AddUserPoolClientSecret` already made the new secret live beside the old
 *   one (Cognito generates it; there is no separate "set"), so the functions' fallback covers
 *   every moment from here on.
 * - testSecret: probes (see probe.ts) with the pending secret (must be accepted), its
 *   `previousClientSecret` (must be accepted: the fallback of containers still holding it) and a
 *   random secret (must be rejected, so an acceptance means something).
 * - finishSecret: `UpdateSecretVersionStage` AWSCURRENT to the token's version.
 */
import { randomBytes } from 'node:crypto';
import {
  AddUserPoolClientSecretCommand,
  type CognitoIdentityProviderClient,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { DEFAULT_SECRET_TTL_MS } from '../shared/client-secret';
import { errorName } from '../shared/upstream-errors';
import { secretToDelete } from './client-secrets';
import { probeSecret } from './probe';
import { RotationError, type RotationEvent } from './rotation-event';
import { pendingSecretValue, readSecretValue } from './secret-value';

/**
 * How long a secret must have been AWSCURRENT before rotation deletes the one before it: twice the
 * functions' default cache period, so no container can still hold the deleted one as its current
 * secret (and if one did, its rejection refresh would pick up the new value).
 */
export const DEFAULT_MIN_CURRENT_AGE_MS = 2 * DEFAULT_SECRET_TTL_MS;

/** What the steps talk to; the handler builds it once per container. */
export interface RotationDeps {
  readonly secrets: SecretsManagerClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly minCurrentAgeMs: number;
  readonly now: () => number;
  /** Ids and decisions only; never a value. */
  readonly log: (message: string, fields?: Record<string, string | number | boolean>) => void;
}

/**
 * Runs one step of a rotation after the checks AWS's rotation templates make: rotation enabled,
 * the token a version of the secret, already AWSCURRENT (nothing to do) or staged AWSPENDING.
 *
 * @example
 * await runRotationStep(deps, { Step: 'createSecret', SecretId, ClientRequestToken })
 */
export async function runRotationStep(deps: RotationDeps, event: RotationEvent): Promise<void> {
  const described = await deps.secrets.send(
    new DescribeSecretCommand({ SecretId: event.SecretId }),
  );
  if (described.RotationEnabled === false) {
    throw new RotationError('Rotation is not enabled on the secret.');
  }
  const stages = described.VersionIdsToStages?.[event.ClientRequestToken];
  if (!stages) throw new RotationError('The token is no version of the secret.');
  if (stages.includes('AWSCURRENT')) {
    deps.log('The version is already AWSCURRENT; nothing to do.', { step: event.Step });
    return;
  }
  if (!stages.includes('AWSPENDING')) {
    throw new RotationError('The version is not staged AWSPENDING.');
  }
  switch (event.Step) {
    case 'createSecret':
      return createSecret(deps, event);
    case 'setSecret':
      deps.log('setSecret: nothing to do, AddUserPoolClientSecret made the secret live.');
      return;
    case 'testSecret':
      return testSecret(deps, event);
    case 'finishSecret':
      return finishSecret(deps, event, described.VersionIdsToStages ?? {});
  }
}

async function createSecret(deps: RotationDeps, event: RotationEvent): Promise<void> {
  const currentVersion = await deps.secrets.send(
    new GetSecretValueCommand({ SecretId: event.SecretId, VersionStage: 'AWSCURRENT' }),
  );
  const pending = await deps.secrets
    .send(
      new GetSecretValueCommand({
        SecretId: event.SecretId,
        VersionId: event.ClientRequestToken,
        VersionStage: 'AWSPENDING',
      }),
    )
    .catch((error: unknown) => {
      if (errorName(error) === 'ResourceNotFoundException') return undefined;
      throw error;
    });
  if (pending?.SecretString !== undefined) {
    deps.log('createSecret: AWSPENDING already holds a new secret.');
    return;
  }
  const current = readSecretValue(currentVersion.SecretString);
  const client = { UserPoolId: deps.userPoolId, ClientId: deps.clientId };
  const listed = await deps.cognito.send(new ListUserPoolClientSecretsCommand(client));
  const deletion = secretToDelete(listed.ClientSecrets ?? [], current);
  if (deletion) {
    const currentAge = deps.now() - (currentVersion.CreatedDate?.getTime() ?? 0);
    if (deletion.isFallback && currentAge < deps.minCurrentAgeMs) {
      throw new RotationError(
        `AWSCURRENT is ${Math.round(currentAge / 1000)} s old: a function may still use the secret before it; rotate again after ${Math.round(deps.minCurrentAgeMs / 1000)} s.`,
      );
    }
    await deps.cognito.send(
      new DeleteUserPoolClientSecretCommand({ ...client, ClientSecretId: deletion.clientSecretId }),
    );
    deps.log('createSecret: deleted the oldest unused client secret.', {
      clientSecretId: deletion.clientSecretId,
      wasFallback: deletion.isFallback,
    });
  }
  const added = await deps.cognito.send(new AddUserPoolClientSecretCommand(client));
  const value = added.ClientSecretDescriptor?.ClientSecretValue;
  const id = added.ClientSecretDescriptor?.ClientSecretId;
  if (!value || !id) throw new RotationError('Cognito returned no new client secret.');
  await deps.secrets.send(
    new PutSecretValueCommand({
      SecretId: event.SecretId,
      ClientRequestToken: event.ClientRequestToken,
      SecretString: pendingSecretValue(current, { value, id }),
      VersionStages: ['AWSPENDING'],
    }),
  );
  deps.log('createSecret: added a client secret and staged it AWSPENDING.', {
    clientSecretId: id,
    hasPrevious: current.clientSecret !== undefined,
  });
}

async function testSecret(deps: RotationDeps, event: RotationEvent): Promise<void> {
  const pending = await deps.secrets.send(
    new GetSecretValueCommand({
      SecretId: event.SecretId,
      VersionId: event.ClientRequestToken,
      VersionStage: 'AWSPENDING',
    }),
  );
  const value = readSecretValue(pending.SecretString);
  if (!value.clientSecret) throw new RotationError('AWSPENDING holds no client secret.');
  if ((await probeSecret(deps.cognito, deps.clientId, value.clientSecret)) !== 'accepted') {
    throw new RotationError('Cognito rejects the pending client secret.');
  }
  if (
    value.previousClientSecret &&
    (await probeSecret(deps.cognito, deps.clientId, value.previousClientSecret)) !== 'accepted'
  ) {
    throw new RotationError('Cognito rejects the pending value’s previous client secret.');
  }
  const wrong = randomBytes(32).toString('base64');
  if ((await probeSecret(deps.cognito, deps.clientId, wrong)) !== 'rejected') {
    throw new RotationError('Cognito accepts a wrong client secret: the probe proves nothing.');
  }
  deps.log('testSecret: Cognito accepts the pending secret and rejects a wrong one.');
}

async function finishSecret(
  deps: RotationDeps,
  event: RotationEvent,
  versions: Record<string, string[]>,
): Promise<void> {
  const current = Object.entries(versions).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
  await deps.secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId: event.SecretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: event.ClientRequestToken,
      ...(current ? { RemoveFromVersionId: current } : {}),
    }),
  );
  deps.log('finishSecret: moved AWSCURRENT to the new version.', {
    versionId: event.ClientRequestToken,
  });
}
