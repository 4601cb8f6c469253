/**
 * `npx tsx bench/confirm-latency.ts [warm-count]`: the confirm request's latency through the local
 * stack (`npm start`), as a client sees it: the first confirm after the stack started (every
 * function cold: confirm handler and post-confirmation trigger) and then warm confirms, each for
 * a fresh user. Prints JSON. Used for the before/after figures of issue 13. The stack starts as the
 * e2e tests start it (free ports, its own data directory); `FORGOT_MIN_RESPONSE_MS` and
 * `CONFIRM_MIN_RESPONSE_MS` set the timing floors (0: off), the defaults otherwise.
 */
import { randomUUID } from 'node:crypto';
import { ensureUser, localCognitoClient } from '../local/seed';
import { REGION, type StackInfo } from '../local/stack';
import { startStack, stopStack } from '../test/e2e/local-stack';

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

/** The timing floors as the caller set them, else the local stack's defaults (contract). */
function floorsFromEnv(): Record<string, string> {
  const floors: Record<string, string> = {};
  for (const name of ['FORGOT_MIN_RESPONSE_MS', 'CONFIRM_MIN_RESPONSE_MS']) {
    const value = process.env[name];
    if (value !== undefined && value !== '') floors[name] = value;
  }
  return floors;
}

async function main(): Promise<void> {
  const stack = await startStack({ env: { FORGOT_MIN_RESPONSE_MS: '700', ...floorsFromEnv() } });
  try {
    const cold = await oneConfirm(stack.info);
    const warm: number[] = [];
    for (let i = 0; i < WARM; i += 1) warm.push(await oneConfirm(stack.info));
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
    await stopStack(stack);
  }
}

await main();
