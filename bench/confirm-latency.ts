/**
 * `npx tsx bench/confirm-latency.ts [warm-count]`: the confirm request's latency through the local
 * stack (`npm start`), as a client sees it: the first confirm after the stack started (every
 * function cold: confirm handler and post-confirmation trigger) and then warm confirms, each for
 * a fresh user. Prints JSON. Used for the before/after figures of issue 13.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureUser, localCognitoClient } from '../local/seed';
import { REGION, type StackInfo } from '../local/stack';

const ROOT = resolve(import.meta.dirname, '..');
const WARM = Number(process.argv[2] ?? 15);

async function post(url: string, body: unknown): Promise<number> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  await answer.arrayBuffer();
  return answer.status;
}

async function latestCode(info: StackInfo, to: string): Promise<string> {
  for (let i = 0; i < 100; i += 1) {
    const mails = (await (
      await fetch(`${info.mailboxUrl}?to=${encodeURIComponent(to)}`)
    ).json()) as Array<{ kind: string; code?: string }>;
    const code = mails.find((mail) => mail.kind === 'code')?.code;
    if (code) return code;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`no code for ${to}`);
}

async function oneConfirm(info: StackInfo): Promise<number> {
  const email = `bench-${randomUUID()}@example.com`;
  await ensureUser(
    localCognitoClient(info.cognitoEndpoint, REGION),
    info.userPoolId,
    email,
    `initial-password-${randomUUID()}`,
  );
  await post(`${info.apiUrl}/password/forgot`, { username: email });
  const code = await latestCode(info, email);
  const started = performance.now();
  const status = await post(`${info.apiUrl}/password/confirm`, {
    username: email,
    code,
    password: `new-password-${randomUUID()}`,
  });
  const elapsed = performance.now() - started;
  if (status !== 204) throw new Error(`confirm answered ${status}`);
  return elapsed;
}

async function main(): Promise<void> {
  const localDir = mkdtempSync(join(tmpdir(), 'confirm-latency-'));
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      CLIENT_PORT: '0',
      COGNITO_PORT: '0',
      SERVICES_PORT: '0',
      SES_PORT: '0',
      LOCAL_DIR: localDir,
      LAMBDA_DIR: '',
      ALLOWED_ORIGINS: '',
      DEBUG: '',
    },
    detached: true,
    stdio: 'ignore',
  });
  try {
    let info: StackInfo | undefined;
    for (let i = 0; i < 600 && info === undefined; i += 1) {
      try {
        info = JSON.parse(readFileSync(join(localDir, 'stack.json'), 'utf8')) as StackInfo;
      } catch {
        await new Promise((done) => setTimeout(done, 100));
      }
    }
    if (info === undefined) throw new Error('the stack did not start');
    const cold = await oneConfirm(info);
    const warm: number[] = [];
    for (let i = 0; i < WARM; i += 1) warm.push(await oneConfirm(info));
    warm.sort((a, b) => a - b);
    const at = (q: number) => warm[Math.min(warm.length - 1, Math.floor(q * warm.length))] ?? NaN;
    console.log(
      JSON.stringify({
        coldMs: Math.round(cold),
        warmMedianMs: Math.round(at(0.5)),
        warmP90Ms: Math.round(at(0.9)),
        warmMinMs: Math.round(warm[0] ?? NaN),
        warmCount: warm.length,
      }),
    );
  } finally {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await new Promise((done) => setTimeout(done, 1000));
    rmSync(localDir, { recursive: true, force: true });
  }
}

await main();
