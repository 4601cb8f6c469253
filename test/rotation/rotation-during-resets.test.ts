/**
 * Issue 14's proof: rotations of the client secret, clean and failing at each step, while
 * password resets run through the local stack (`npm start`, the real handlers, the rotation
 * function invoked by the local Secrets Manager's `RotateSecret` as AWS invokes it). No reset may
 * fail and no answer may be `INTERNAL`; a failed rotation leaves AWSCURRENT working, and the
 * next rotation succeeds.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type CognitoIdentityProviderClient,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSecret } from '../../lambda/rotate-client-secret/probe';
import type { RotationRecord } from '../../local/secret-rotation';
import { ensureUser } from '../../local/seed';
import { REGION, SECRET_NAME } from '../../local/stack';
import { cognitoOf, latestCode, postJson, send } from '../e2e/http-client';
import { REPOSITORY_ROOT, startStack, stopStack, type TestStack } from '../e2e/local-stack';
import { printLogOnFailure } from '../e2e/stack-log';

const MIN_CURRENT_AGE_MS = 5_000;
let stack: TestStack | undefined;
/** When AWSCURRENT last moved. */
let lastRotatedAt = 0;
let secrets: SecretsManagerClient;
let cognito: CognitoIdentityProviderClient;
printLogOnFailure(() => stack);

const info = () => {
  if (!stack) throw new Error('the stack did not start');
  return stack.info;
};
const servicesUrl = () => new URL(info().mailboxUrl).origin;

beforeAll(async () => {
  stack = await startStack({
    env: {
      // The production rule at a test's pace: the functions keep the secret 1 s, rotation deletes
      // a replaced secret once AWSCURRENT is 5 s old (production: 300 s and 600 s).
      CLIENT_SECRET_CACHE_SECONDS: '1',
      ROTATION_MIN_CURRENT_AGE_SECONDS: String(MIN_CURRENT_AGE_MS / 1000),
      FORGOT_MIN_RESPONSE_MS: '0',
      CONFIRM_MIN_RESPONSE_MS: '0',
      ATTEMPT_LIMIT: '0',
      // Resets two at a time for as long as rotations take: the stage throttle would answer 429.
      THROTTLE_RATE_LIMIT: '0',
    },
  });
  secrets = new SecretsManagerClient({
    region: REGION,
    endpoint: servicesUrl(),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  cognito = cognitoOf(info());
}, 120_000);

afterAll(async () => {
  secrets?.destroy();
  await stopStack(stack);
});

/** One whole reset (forgot, code from the mailbox, confirm); its answers' statuses and codes. */
async function reset(): Promise<string[]> {
  const email = `rotation-${randomUUID()}@example.com`;
  await ensureUser(cognito, info().userPoolId, email, `initial-password-${randomUUID()}`);
  const forgot = await postJson(info(), '/password/forgot', { username: email });
  if (forgot.status !== 202) return [`forgot ${forgot.status} ${forgot.text}`];
  const code = await latestCode(info(), email);
  const confirm = await postJson(info(), '/password/confirm', {
    username: email,
    code,
    password: `a-new-password-${randomUUID()}`,
  });
  return confirm.status === 204 ? [] : [`confirm ${confirm.status} ${confirm.text}`];
}

/** Runs resets two at a time until `done` settles; returns how many ran and every failure. */
async function resetsDuring(
  done: Promise<unknown>,
): Promise<{ count: number; failures: string[] }> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  const failures: string[] = [];
  let count = 0;
  const worker = async () => {
    // At least one reset after the rotation ended, so the new secret is used too.
    do {
      failures.push(...(await reset()));
      count += 1;
    } while (!finished);
    failures.push(...(await reset()));
    count += 1;
  };
  await Promise.all([worker(), worker()]);
  await done;
  return { count, failures };
}

async function rotations(): Promise<RotationRecord[]> {
  return (await send(`${servicesUrl()}/rotations`)).json<RotationRecord[]>();
}

/**
 * Starts a rotation with `RotateSecret` once AWSCURRENT is old enough for rotation to delete the
 * secret before it (as the schedule's interval always is), and resolves with its record once it
 * has ended.
 */
async function rotate(): Promise<RotationRecord> {
  const wait = lastRotatedAt + MIN_CURRENT_AGE_MS + 200 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const started = await secrets.send(new RotateSecretCommand({ SecretId: SECRET_NAME }));
  const token = started.VersionId;
  for (;;) {
    const record = (await rotations()).find((r) => r.token === token);
    if (record && record.outcome !== 'running') {
      if (record.outcome === 'succeeded') lastRotatedAt = Date.now();
      return record;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function setFault(fault: { step: string; operation: string } | Record<string, never>) {
  const answer = await send(`${servicesUrl()}/rotations`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(fault),
  });
  expect(answer.status).toBe(200);
}

async function current(): Promise<{ clientSecret: string; previousClientSecret?: string }> {
  const answer = await secrets.send(
    new GetSecretValueCommand({ SecretId: SECRET_NAME, VersionStage: 'AWSCURRENT' }),
  );
  return JSON.parse(answer.SecretString ?? '{}');
}

async function liveSecretCount(): Promise<number> {
  const listed = await cognito.send(
    new ListUserPoolClientSecretsCommand({
      UserPoolId: info().userPoolId,
      ClientId: info().clientId,
    }),
  );
  return listed.ClientSecrets?.length ?? 0;
}

describe('a rotation while resets run', () => {
  it('runs the four steps in order, moves AWSCURRENT, and fails no reset', async () => {
    const before = await current();
    const rotation = rotate();
    const resets = await resetsDuring(rotation);
    const record = await rotation;

    expect(record.outcome).toBe('succeeded');
    expect(record.completedSteps).toEqual([
      'createSecret',
      'setSecret',
      'testSecret',
      'finishSecret',
    ]);
    const after = await current();
    expect(after.clientSecret).not.toBe(before.clientSecret);
    expect(after.previousClientSecret).toBe(before.clientSecret);
    expect(await probeSecret(cognito, info().clientId, after.clientSecret)).toBe('accepted');
    expect(resets.failures).toEqual([]);
    expect(resets.count).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('deletes the secret before the previous one at the next rotation, still failing no reset', async () => {
    const before = await current();
    const rotation = rotate();
    const resets = await resetsDuring(rotation);

    expect((await rotation).outcome).toBe('succeeded');
    const after = await current();
    expect(after.previousClientSecret).toBe(before.clientSecret);
    // Cognito holds two secrets at most: the one replaced two rotations ago is gone.
    expect(await liveSecretCount()).toBe(2);
    expect(await probeSecret(cognito, info().clientId, before.previousClientSecret ?? '')).toBe(
      'rejected',
    );
    expect(resets.failures).toEqual([]);
  }, 120_000);
});

describe('a rotation that fails at a step', () => {
  it.each([
    ['createSecret', 'PutSecretValue'],
    ['setSecret', 'DescribeSecret'],
    ['testSecret', 'DescribeSecret'],
    ['finishSecret', 'UpdateSecretVersionStage'],
  ])(
    'at %s (%s failing) leaves AWSCURRENT working, fails no reset, and the next rotation succeeds',
    async (step, operation) => {
      const before = await current();
      await setFault({ step, operation });
      const failing = rotate();
      const resets = await resetsDuring(failing);
      const record = await failing;
      await setFault({});

      expect(record.outcome).toBe('failed');
      expect(record.failure?.step).toBe(step);
      expect(await current()).toEqual(before);
      expect(await probeSecret(cognito, info().clientId, before.clientSecret)).toBe('accepted');
      expect(resets.failures).toEqual([]);

      const next = rotate();
      const afterwards = await resetsDuring(next);
      expect((await next).outcome).toBe('succeeded');
      expect(await liveSecretCount()).toBeLessThanOrEqual(2);
      expect(afterwards.failures).toEqual([]);
    },
    180_000,
  );
});

describe("npx tsx local/rotate-secret.ts (the README's one command)", () => {
  it("rotates the running stack's secret and says so, printing no secret", async () => {
    const before = await current();
    const wait = lastRotatedAt + MIN_CURRENT_AGE_MS + 200 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(REPOSITORY_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/rotate-secret.ts'],
      { cwd: REPOSITORY_ROOT, env: { ...process.env, LOCAL_DIR: stack?.localDir ?? '' } },
    );
    const after = await current();
    expect(stdout).toMatch(
      /^rotated: AWSCURRENT is version [0-9a-f-]{36} \(createSecret, setSecret, testSecret, finishSecret\)\n$/,
    );
    expect(after.previousClientSecret).toBe(before.clientSecret);
    expect(stdout).not.toContain(after.clientSecret);
    expect(stdout).not.toContain(before.clientSecret);
  }, 60_000);
});
