/**
 * The Secrets Manager operations the product and its rotation call, served in the AWS JSON 1.1
 * protocol so the SDK clients talk to it unchanged through `AWS_ENDPOINT_URL_SECRETS_MANAGER`:
 * `GetSecretValue` (by stage or version), `PutSecretValue` (with `ClientRequestToken` and
 * `VersionStages`), `DescribeSecret` (`VersionIdsToStages`, `RotationEnabled`) and
 * `UpdateSecretVersionStage`, with the staging labels AWSCURRENT / AWSPENDING / AWSPREVIOUS as
 * Secrets Manager moves them.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './aws-service-error';
import type { LocalRotation } from './secret-rotation';

interface SecretVersion {
  readonly versionId: string;
  /** Undefined for a version a rotation staged before its createSecret step wrote it. */
  value: string | undefined;
  readonly createdAt: Date;
  stages: string[];
}

interface StoredSecret {
  readonly name: string;
  readonly arn: string;
  versions: SecretVersion[];
  rotationEnabled: boolean;
  lastRotatedDate?: Date;
}

const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const NOT_FOUND_VERSION =
  "Secrets Manager can't find the specified secret value for staging label or version.";
/** Versions without a label are dropped beyond this many, as Secrets Manager does (about 100). */
const MAX_UNLABELLED_VERSIONS = 10;

/** An in-memory Secrets Manager holding string secrets and their staged versions. */
export class LocalSecretsManager {
  private readonly secrets = new Map<string, StoredSecret>();
  /** Runs `RotateSecret`'s steps; without it `RotateSecret` is refused (no rotation function). */
  private rotation: LocalRotation | undefined;

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** Creates a secret or makes `value` its AWSCURRENT (the old one AWSPREVIOUS); returns its ARN. */
  put(name: string, value: string): string {
    const existing = this.secrets.get(name);
    if (existing) {
      this.addVersion(existing, randomUUID(), value, ['AWSCURRENT']);
      return existing.arn;
    }
    const suffix = randomUUID().replaceAll('-', '').slice(0, 6);
    const arn = `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${suffix}`;
    this.secrets.set(name, {
      name,
      arn,
      versions: [{ versionId: randomUUID(), value, createdAt: new Date(), stages: ['AWSCURRENT'] }],
      rotationEnabled: false,
    });
    return arn;
  }

  /**
   * Starts a rotation of `secretId`: marks rotation enabled and stages a new, empty version
   * AWSPENDING under `token` (as Secrets Manager does before it calls createSecret).
   */
  stagePending(secretId: string, token: string = randomUUID()): { arn: string; token: string } {
    const secret = this.find(secretId);
    secret.rotationEnabled = true;
    for (const version of secret.versions) {
      version.stages = version.stages.filter((s) => s !== 'AWSPENDING');
    }
    if (!secret.versions.some((v) => v.versionId === token)) {
      secret.versions.push({
        versionId: token,
        value: undefined,
        createdAt: new Date(),
        stages: ['AWSPENDING'],
      });
    }
    return { arn: secret.arn, token };
  }

  /** Gives the secrets their rotation function (`RotateSecret`). */
  rotateWith(rotation: LocalRotation): void {
    this.rotation = rotation;
  }

  /** Runs one operation of the JSON protocol; throws {@link AwsServiceError} as the service does. */
  handle(operation: string, body: Record<string, unknown>): Record<string, unknown> {
    this.rotation?.checkFault(operation);
    switch (operation) {
      case 'RotateSecret':
        return this.rotateSecret(body);
      case 'GetSecretValue':
        return this.getSecretValue(body);
      case 'PutSecretValue':
        return this.putSecretValue(body);
      case 'DescribeSecret':
        return this.describeSecret(body);
      case 'UpdateSecretVersionStage':
        return this.updateSecretVersionStage(body);
      default:
        throw new AwsServiceError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  }

  private find(secretId: unknown): StoredSecret {
    if (typeof secretId !== 'string' || secretId.length === 0) {
      throw new AwsServiceError('InvalidParameterException', 'You must provide a SecretId.');
    }
    for (const secret of this.secrets.values()) {
      if (secret.name === secretId || secret.arn === secretId) return secret;
    }
    throw new AwsServiceError('ResourceNotFoundException', NOT_FOUND);
  }

  /** Adds (or fills) a version and moves the given labels onto it; AWSCURRENT leaves AWSPREVIOUS. */
  private addVersion(
    secret: StoredSecret,
    versionId: string,
    value: string,
    stages: readonly string[],
  ): SecretVersion {
    let version = secret.versions.find((v) => v.versionId === versionId);
    if (version?.value !== undefined && version.value !== value) {
      throw new AwsServiceError(
        'ResourceExistsException',
        'A resource with the ID you requested already exists.',
      );
    }
    if (!version) {
      version = { versionId, value, createdAt: new Date(), stages: [] };
      secret.versions.push(version);
    }
    version.value = value;
    for (const stage of stages) this.moveStage(secret, stage, version);
    this.trim(secret);
    return version;
  }

  private moveStage(secret: StoredSecret, stage: string, to: SecretVersion): void {
    const from = secret.versions.find((v) => v.stages.includes(stage));
    if (from === to) return;
    if (from) from.stages = from.stages.filter((s) => s !== stage);
    if (stage === 'AWSCURRENT' && from) {
      for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
      from.stages.push('AWSPREVIOUS');
    }
    to.stages.push(stage);
  }

  private trim(secret: StoredSecret): void {
    const unlabelled = secret.versions.filter((v) => v.stages.length === 0);
    const drop = new Set(
      unlabelled.slice(0, Math.max(0, unlabelled.length - MAX_UNLABELLED_VERSIONS)),
    );
    secret.versions = secret.versions.filter((v) => !drop.has(v));
  }

  private getSecretValue(body: Record<string, unknown>): Record<string, unknown> {
    const secret = this.find(body.SecretId);
    const versionId = typeof body.VersionId === 'string' ? body.VersionId : undefined;
    const stage =
      typeof body.VersionStage === 'string'
        ? body.VersionStage
        : versionId
          ? undefined
          : 'AWSCURRENT';
    const version = secret.versions.find(
      (v) =>
        (versionId === undefined || v.versionId === versionId) &&
        (stage === undefined || v.stages.includes(stage)),
    );
    if (!version || version.value === undefined) {
      throw new AwsServiceError('ResourceNotFoundException', NOT_FOUND_VERSION);
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      SecretString: version.value,
      VersionStages: [...version.stages],
      CreatedDate: version.createdAt.getTime() / 1000,
    };
  }

  private putSecretValue(body: Record<string, unknown>): Record<string, unknown> {
    const secret = this.find(body.SecretId);
    if (typeof body.SecretString !== 'string') {
      throw new AwsServiceError('InvalidParameterException', 'You must provide SecretString.');
    }
    const stages =
      Array.isArray(body.VersionStages) && body.VersionStages.length > 0
        ? body.VersionStages.filter((s): s is string => typeof s === 'string')
        : ['AWSCURRENT'];
    const token =
      typeof body.ClientRequestToken === 'string' ? body.ClientRequestToken : randomUUID();
    const version = this.addVersion(secret, token, body.SecretString, stages);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      VersionStages: [...version.stages],
    };
  }

  /**
   * `RotateSecret`: stages AWSPENDING under the caller's token (or a new one) and answers at
   * once; the rotation function's four steps run after, as on AWS.
   */
  private rotateSecret(body: Record<string, unknown>): Record<string, unknown> {
    const secret = this.find(body.SecretId);
    const rotation = this.rotation;
    if (!rotation) {
      throw new AwsServiceError(
        'InvalidRequestException',
        'No Lambda rotation function ARN is associated with this secret.',
      );
    }
    rotation.assertIdle(secret.arn);
    const token =
      typeof body.ClientRequestToken === 'string' && body.ClientRequestToken !== ''
        ? body.ClientRequestToken
        : randomUUID();
    this.stagePending(secret.arn, token);
    void rotation.run(secret.arn, token).then((record) => {
      if (record.outcome === 'succeeded') secret.lastRotatedDate = new Date();
    });
    return { ARN: secret.arn, Name: secret.name, VersionId: token };
  }

  private describeSecret(body: Record<string, unknown>): Record<string, unknown> {
    const secret = this.find(body.SecretId);
    return {
      ARN: secret.arn,
      Name: secret.name,
      RotationEnabled: secret.rotationEnabled,
      ...(secret.lastRotatedDate
        ? { LastRotatedDate: secret.lastRotatedDate.getTime() / 1000 }
        : {}),
      VersionIdsToStages: Object.fromEntries(
        secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.versionId, [...v.stages]]),
      ),
    };
  }

  private updateSecretVersionStage(body: Record<string, unknown>): Record<string, unknown> {
    const secret = this.find(body.SecretId);
    const stage = typeof body.VersionStage === 'string' ? body.VersionStage : '';
    if (stage === '')
      throw new AwsServiceError('InvalidParameterException', 'VersionStage is required.');
    const holder = secret.versions.find((v) => v.stages.includes(stage));
    if (
      holder &&
      body.RemoveFromVersionId !== holder.versionId &&
      body.MoveToVersionId !== holder.versionId
    ) {
      throw new AwsServiceError(
        'InvalidParameterException',
        `The staging label ${stage} is currently attached to version ${holder.versionId}, so you must explicitly reference that version in RemoveFromVersionId.`,
      );
    }
    if (typeof body.MoveToVersionId === 'string') {
      const to = secret.versions.find((v) => v.versionId === body.MoveToVersionId);
      if (!to || to.value === undefined)
        throw new AwsServiceError('ResourceNotFoundException', NOT_FOUND_VERSION);
      this.moveStage(secret, stage, to);
    } else if (holder) {
      holder.stages = holder.stages.filter((s) => s !== stage);
    }
    return { ARN: secret.arn, Name: secret.name };
  }
}
