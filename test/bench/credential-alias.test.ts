/**
 * The bundles alias the SDK's default credential chain (`@aws-sdk/credential-provider-node`) to
 * an environment-only provider (scripts/credential-provider-env-only.ts). These tests prove that
 * a function built with the product's options still signs its calls with the credentials Lambda
 * puts in the environment, and that nothing of the full chain is left in the bundle.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_CLIENT_SECRET, type FakeAws, OPERATIONS, startFakeAws } from '../../bench/fake-aws';
import { bundleOptions, ENV_ONLY_CREDENTIAL_PROVIDER } from '../../scripts/bundle-options';
import {
  credentialsTreatedAsExpired,
  defaultProvider,
} from '../../scripts/credential-provider-env-only';

const root = resolve(import.meta.dirname, '../..');

interface Probe {
  resolveCredentials(): Promise<Record<string, unknown>>;
  readSecret(secretId: string): Promise<string | undefined>;
}

const ENV_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'ASIAPROBEEXAMPLE0001',
  AWS_SECRET_ACCESS_KEY: 'probe/secret/access/key/example/000000001',
  AWS_SESSION_TOKEN: 'probe-session-token',
};

describe('a bundle built with the product options', () => {
  let dir: string;
  let bundle: string;
  let metafile: Metafile;
  let aws: FakeAws;
  let imports = 0;
  const freshProbe = async (): Promise<Probe> => {
    imports += 1;
    return (await import(`${pathToFileURL(bundle).href}?probe=${imports}`)) as Probe;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'credential-alias-'));
    bundle = join(dir, 'index.mjs');
    const result = await build({
      ...bundleOptions('test/bench/fixtures/secret-probe.ts', bundle),
      absWorkingDir: root,
    });
    metafile = result.metafile as Metafile;
    aws = await startFakeAws(0);
  });

  afterAll(async () => {
    await aws.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    aws.calls.length = 0;
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', aws.url);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'no-credentials'));
  });

  it('contains the environment-only provider and none of the default chain', () => {
    // Act
    const inputs = Object.keys(metafile.inputs);

    // Assess
    expect(inputs.some((path) => resolve(root, path) === ENV_ONLY_CREDENTIAL_PROVIDER)).toBe(true);
    expect(
      inputs.filter((path) =>
        /credential-provider-(node|ini|sso|process|web-identity|http|imds)|nested-clients/.test(
          path,
        ),
      ),
    ).toEqual([]);
    expect(readFileSync(bundle, 'utf8')).not.toContain(
      'Could not load credentials from any providers',
    );
  });

  it('resolves the credentials Lambda puts in the environment', async () => {
    // Prepare
    for (const [name, value] of Object.entries(ENV_CREDENTIALS)) vi.stubEnv(name, value);
    const probe = await freshProbe();

    // Act
    const credentials = await probe.resolveCredentials();

    // Assess
    expect(credentials).toMatchObject({
      accessKeyId: ENV_CREDENTIALS.AWS_ACCESS_KEY_ID,
      secretAccessKey: ENV_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
      sessionToken: ENV_CREDENTIALS.AWS_SESSION_TOKEN,
    });
  });

  it('signs its calls with them (SigV4, the environment access key in the scope)', async () => {
    // Prepare
    for (const [name, value] of Object.entries(ENV_CREDENTIALS)) vi.stubEnv(name, value);
    const probe = await freshProbe();

    // Act
    const secret = await probe.readSecret('probe/secret');

    // Assess
    expect(JSON.parse(secret ?? '{}')).toEqual({ clientSecret: FAKE_CLIENT_SECRET });
    expect(aws.calls).toEqual([
      expect.objectContaining({
        operation: OPERATIONS.getSecretValue,
        signed: true,
        accessKeyId: ENV_CREDENTIALS.AWS_ACCESS_KEY_ID,
      }),
    ]);
  });

  it('fails plainly, without trying any other source, when the environment has none', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    const probe = await freshProbe();

    // Act
    const reading = probe.readSecret('probe/secret');

    // Assess
    await expect(reading).rejects.toThrow(/environment variable credentials/);
    expect(aws.calls).toEqual([]);
  });
});

describe('the environment-only provider', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDUNIT');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'unit-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_CREDENTIAL_EXPIRATION', undefined);
  });

  it('reads the environment once and serves the same credentials after', async () => {
    // Prepare
    const provide = defaultProvider();

    // Act
    const first = await provide();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDCHANGED');
    const second = await provide();

    // Assess
    expect(first).toMatchObject({ accessKeyId: 'AKIDUNIT', secretAccessKey: 'unit-secret' });
    expect(second).toBe(first);
  });

  it('reads the environment again once the credentials are within 5 minutes of expiry', async () => {
    // Prepare
    vi.stubEnv('AWS_CREDENTIAL_EXPIRATION', new Date(Date.now() + 60_000).toISOString());
    const provide = defaultProvider();
    await provide();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDROTATED');
    vi.stubEnv('AWS_CREDENTIAL_EXPIRATION', new Date(Date.now() + 3_600_000).toISOString());

    // Act
    const refreshed = await provide();

    // Assess
    expect(refreshed.accessKeyId).toBe('AKIDROTATED');
  });

  it('tries again after a failure instead of caching it', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    const provide = defaultProvider();
    await expect(provide()).rejects.toThrow(/environment variable credentials/);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLATE');

    // Act
    const credentials = await provide();

    // Assess
    expect(credentials.accessKeyId).toBe('AKIDLATE');
  });

  it.each([
    { expiresInMs: undefined, expired: false },
    { expiresInMs: 3_600_000, expired: false },
    { expiresInMs: 299_000, expired: true },
    { expiresInMs: -1, expired: true },
  ])(
    'treats credentials expiring in $expiresInMs ms as expired: $expired',
    ({ expiresInMs, expired }) => {
      // Prepare
      const credentials = {
        accessKeyId: 'a',
        secretAccessKey: 'b',
        ...(expiresInMs === undefined ? {} : { expiration: new Date(Date.now() + expiresInMs) }),
      };

      // Act + Assess
      expect(credentialsTreatedAsExpired(credentials)).toBe(expired);
    },
  );
});
