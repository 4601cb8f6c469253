/**
 * `npx tsx bench/confirm-latency.ts [warm-count]`: the confirm request's latency through the local
 * stack (`npm start`), as a client sees it: the first confirm after the stack started (every
 * function cold: confirm handler and post-confirmation trigger) and then warm confirms, each for
 * a fresh user. Prints JSON. Used for the before/after figures of issue 13. The stack starts as the
 * e2e tests start it (free ports, its own data directory); `FORGOT_MIN_RESPONSE_MS` and
 * `CONFIRM_MIN_RESPONSE_MS` set the timing floors (0: off), the defaults otherwise.
 */
import { randomUUID } from 'node:crypto';
import { CONFIG_DEFAULTS } from '../infra/config';
import { ensureUser, localCognitoClient } from '../local/seed';
import { REGION, type StackInfo } from '../local/stack';
import { startStack, stopStack } from '../test/e2e/local-stack';
import { median, percentile } from './stats';

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
  // The stack's forgot floor as deployed unless the caller set one (the confirm floor passes
  // through from the environment as it is).
  const forgotFloor =
    process.env.FORGOT_MIN_RESPONSE_MS || String(CONFIG_DEFAULTS.forgotMinResponseMs);
  const stack = await startStack({ env: { FORGOT_MIN_RESPONSE_MS: forgotFloor } });
  try {
    const cold = await oneConfirm(stack.info);
    const warm: number[] = [];
    for (let i = 0; i < WARM; i += 1) warm.push(await oneConfirm(stack.info));
    console.log(
      JSON.stringify({
        coldMs: Math.round(cold),
        warmMedianMs: Math.round(median(warm)),
        warmP90Ms: Math.round(percentile(warm, 90)),
        warmMinMs: Math.round(Math.min(...warm)),
        warmCount: warm.length,
      }),
    );
  } finally {
    await stopStack(stack);
  }
}

await main();
