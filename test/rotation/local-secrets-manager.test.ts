/**
 * The local Secrets Manager stages versions as the service does for a rotation: RotateSecret
 * stages an empty AWSPENDING version, createSecret fills it, finishSecret moves AWSCURRENT and the
 * old current becomes AWSPREVIOUS.
 */
import { describe, expect, it } from 'vitest';
import { LocalSecretsManager } from '../../local/secrets-manager';

function manager() {
  const secrets = new LocalSecretsManager('eu-west-1', '000000000000');
  const arn = secrets.put('client', '{"clientSecret":"one"}');
  return { secrets, arn };
}

function stagesOf(secrets: LocalSecretsManager, arn: string) {
  return secrets.handle('DescribeSecret', { SecretId: arn }).VersionIdsToStages as Record<
    string,
    string[]
  >;
}

describe('a rotation through the local Secrets Manager', () => {
  it('stages, fills, tests and finishes a version', () => {
    const { secrets, arn } = manager();
    const before = secrets.handle('GetSecretValue', { SecretId: arn }).VersionId as string;
    const { token } = secrets.stagePending(arn, 'token-1');
    expect(secrets.handle('DescribeSecret', { SecretId: arn }).RotationEnabled).toBe(true);
    expect(stagesOf(secrets, arn)).toEqual({ [before]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });
    expect(() =>
      secrets.handle('GetSecretValue', {
        SecretId: arn,
        VersionId: token,
        VersionStage: 'AWSPENDING',
      }),
    ).toThrow(expect.objectContaining({ type: 'ResourceNotFoundException' }));

    secrets.handle('PutSecretValue', {
      SecretId: arn,
      ClientRequestToken: token,
      SecretString: '{"clientSecret":"two"}',
      VersionStages: ['AWSPENDING'],
    });
    expect(secrets.handle('GetSecretValue', { SecretId: arn }).SecretString).toBe(
      '{"clientSecret":"one"}',
    );
    expect(
      secrets.handle('GetSecretValue', { SecretId: arn, VersionStage: 'AWSPENDING' }).SecretString,
    ).toBe('{"clientSecret":"two"}');

    expect(() =>
      secrets.handle('UpdateSecretVersionStage', {
        SecretId: arn,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: token,
      }),
    ).toThrow(expect.objectContaining({ type: 'InvalidParameterException' }));
    secrets.handle('UpdateSecretVersionStage', {
      SecretId: arn,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: token,
      RemoveFromVersionId: before,
    });
    expect(stagesOf(secrets, arn)).toEqual({
      [before]: ['AWSPREVIOUS'],
      [token]: ['AWSPENDING', 'AWSCURRENT'],
    });
    expect(secrets.handle('GetSecretValue', { SecretId: arn }).SecretString).toBe(
      '{"clientSecret":"two"}',
    );
    expect(
      secrets.handle('GetSecretValue', { SecretId: arn, VersionStage: 'AWSPREVIOUS' }).SecretString,
    ).toBe('{"clientSecret":"one"}');
  });

  it('refuses to overwrite a filled version with another value (a retried put must be the same)', () => {
    const { secrets, arn } = manager();
    const { token } = secrets.stagePending(arn);
    const put = (value: string) =>
      secrets.handle('PutSecretValue', {
        SecretId: arn,
        ClientRequestToken: token,
        SecretString: value,
        VersionStages: ['AWSPENDING'],
      });
    put('a');
    expect(() => put('a')).not.toThrow();
    expect(() => put('b')).toThrow(expect.objectContaining({ type: 'ResourceExistsException' }));
  });

  it('a plain put keeps making the new value AWSCURRENT and the old AWSPREVIOUS', () => {
    const { secrets, arn } = manager();
    secrets.put('client', 'second');
    expect(secrets.handle('GetSecretValue', { SecretId: arn }).SecretString).toBe('second');
    expect(
      secrets.handle('GetSecretValue', { SecretId: arn, VersionStage: 'AWSPREVIOUS' }).SecretString,
    ).toBe('{"clientSecret":"one"}');
  });
});
