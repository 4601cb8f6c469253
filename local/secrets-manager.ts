/**
 * The few Secrets Manager operations the product calls (and one to rotate by hand), served in
 * the AWS JSON 1.1 protocol so the handlers' SDK client talks to it unchanged through
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './aws-service-error';

interface SecretVersion {
  readonly versionId: string;
  readonly value: string;
  readonly createdAt: Date;
}

interface StoredSecret {
  readonly name: string;
  readonly arn: string;
  current: SecretVersion;
  previous?: SecretVersion;
}

const NOT_FOUND = "Secrets Manager can't find the specified secret.";

/** An in-memory Secrets Manager holding string secrets with AWSCURRENT / AWSPREVIOUS stages. */
export class LocalSecretsManager {
  private readonly secrets = new Map<string, StoredSecret>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** Creates or replaces a secret's current value; returns its ARN. */
  put(name: string, value: string): string {
    const existing = this.secrets.get(name);
    const version: SecretVersion = { versionId: randomUUID(), value, createdAt: new Date() };
    if (existing) {
      existing.previous = existing.current;
      existing.current = version;
      return existing.arn;
    }
    const suffix = randomUUID().replaceAll('-', '').slice(0, 6);
    const arn = `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${suffix}`;
    this.secrets.set(name, { name, arn, current: version });
    return arn;
  }

  /** Runs one operation of the JSON protocol; throws {@link AwsServiceError} as the service does. */
  handle(operation: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (operation) {
      case 'GetSecretValue':
        return this.getSecretValue(body);
      case 'PutSecretValue':
        return this.putSecretValue(body);
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

  private getSecretValue(body: Record<string, unknown>): Record<string, unknown> {
    const secret = this.find(body.SecretId);
    const stage = typeof body.VersionStage === 'string' ? body.VersionStage : 'AWSCURRENT';
    const byId =
      typeof body.VersionId === 'string'
        ? [secret.current, secret.previous].find((v) => v?.versionId === body.VersionId)
        : undefined;
    const version =
      byId ??
      (typeof body.VersionId === 'string'
        ? undefined
        : stage === 'AWSCURRENT'
          ? secret.current
          : stage === 'AWSPREVIOUS'
            ? secret.previous
            : undefined);
    if (!version) throw new AwsServiceError('ResourceNotFoundException', NOT_FOUND);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      SecretString: version.value,
      VersionStages: [version === secret.current ? 'AWSCURRENT' : 'AWSPREVIOUS'],
      CreatedDate: version.createdAt.getTime() / 1000,
    };
  }

  private putSecretValue(body: Record<string, unknown>): Record<string, unknown> {
    const secret = this.find(body.SecretId);
    if (typeof body.SecretString !== 'string') {
      throw new AwsServiceError('InvalidParameterException', 'You must provide SecretString.');
    }
    this.put(secret.name, body.SecretString);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.current.versionId,
      VersionStages: ['AWSCURRENT'],
    };
  }
}
