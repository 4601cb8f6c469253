/**
 * How `npm start` lives and dies: loopback only, a second stack never harms the first, the data
 * is reset by default and reused with `--keep`, and SIGINT or SIGTERM to npm alone, SIGINT to the
 * process group, or the death of its parent stop every part within seconds, removing `stack.json`
 * and leaving no process behind.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from './http-client';
import {
  freshLocalDir,
  killGroup,
  processGroupMembers,
  REPOSITORY_ROOT,
  spawnStack,
  startStack,
  type TestStack,
  waitFor,
} from './local-stack';
import { printLogOnFailure } from './stack-log';

const STOP_WITHIN_MS = 5_000;
const CONTRACT_FIELDS = [
  'apiUrl',
  'cognitoEndpoint',
  'userPoolId',
  'clientId',
  'mailboxUrl',
  'eventsUrl',
  'signOutsUrl',
  'allowedOrigins',
  'demoUser',
];

let first: TestStack | undefined;
let current: TestStack | undefined;
printLogOnFailure(() => current);

beforeAll(async () => {
  first = await startStack();
  current = first;
});

afterAll(() => {
  for (const stack of [first, current]) if (stack) killGroup(stack.process);
  if (first) rmSync(first.localDir, { recursive: true, force: true });
});

const firstStack = (): TestStack => {
  if (!first) throw new Error('the stack did not start');
  return first;
};

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until no process of the stack's group is left and `stack.json` is gone. */
async function fullyStopped(stack: TestStack): Promise<boolean> {
  const stackJson = join(stack.localDir, 'stack.json');
  return waitFor(() => {
    let jsonPresent = true;
    try {
      readFileSync(stackJson);
    } catch {
      jsonPresent = false;
    }
    return processGroupMembers(stack.process.pid ?? 0).length === 0 && !jsonPresent;
  }, STOP_WITHIN_MS);
}

const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

describe('stack.json', () => {
  it('holds every field of the contract, all on 127.0.0.1', () => {
    const info = firstStack().info;
    expect(Object.keys(info)).toEqual(expect.arrayContaining(CONTRACT_FIELDS));
    for (const url of [
      info.apiUrl,
      info.cognitoEndpoint,
      info.mailboxUrl,
      info.eventsUrl,
      info.signOutsUrl,
    ]) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
    }
    expect(info.demoUser).toEqual({ username: 'demo@example.com', password: expect.any(String) });
  });

  it.skipIf(externalAddress === undefined)(
    'is not reachable on a non-loopback address',
    async () => {
      const info = firstStack().info;
      for (const url of [
        info.apiUrl,
        info.cognitoEndpoint,
        info.mailboxUrl,
        info.clientPageUrl,
        info.sesUrl,
      ]) {
        const port = Number(new URL(url).port);
        expect(await accepts('127.0.0.1', port)).toBe(true);
        expect(await accepts(externalAddress ?? '', port)).toBe(false);
      }
    },
  );
});

describe('a second stack', () => {
  it.each([
    {
      case: 'on the API port in use',
      env: () => ({ PORT: new URL(firstStack().info.apiUrl).port }),
      message: /port \d+ .*in use/,
    },
    {
      case: 'on the same data directory',
      env: () => ({}),
      message: /in use by another local stack/,
    },
  ])('fails $case without touching the first one', async ({ env, message }) => {
    // Prepare
    const stackJson = join(firstStack().localDir, 'stack.json');
    const seedJson = join(firstStack().localDir, 'seed.json');
    const before = [readFileSync(stackJson, 'utf8'), readFileSync(seedJson, 'utf8')];

    // Act
    const second = spawnStack({ localDir: firstStack().localDir, env: env() });
    const code = await second.exited;

    // Assess
    expect(code).not.toBe(0);
    expect(second.log()).toMatch(message);
    expect([readFileSync(stackJson, 'utf8'), readFileSync(seedJson, 'utf8')]).toEqual(before);
    expect((await send(`${firstStack().info.apiUrl}/`)).status).toBe(404);
    expect(processGroupMembers(second.process.pid ?? 0)).toEqual([]);
  });
});

describe('stopping', () => {
  it('stops every part and removes stack.json when its parent dies (SIGKILL to npm)', async () => {
    const stack = firstStack();
    stack.process.kill('SIGKILL');
    expect(await fullyStopped(stack)).toBe(true);
    expect(await accepts('127.0.0.1', Number(new URL(stack.info.apiUrl).port))).toBe(false);
  });

  it('reuses the data with --keep, stops on SIGTERM to npm alone', async () => {
    // Act
    current = await startStack({ localDir: firstStack().localDir, args: ['--keep'] });
    const kept = current;
    kept.process.kill('SIGTERM');

    // Assess
    expect(kept.info).toMatchObject({
      userPoolId: firstStack().info.userPoolId,
      clientId: firstStack().info.clientId,
      demoUser: firstStack().info.demoUser,
      dataReused: true,
    });
    expect(await fullyStopped(kept)).toBe(true);
  });

  it('resets the data by default, stops on SIGINT to its process group', async () => {
    // Act
    current = await startStack({ localDir: firstStack().localDir });
    const fresh = current;
    process.kill(-(fresh.process.pid ?? 0), 'SIGINT');

    // Assess
    expect(fresh.info.userPoolId).not.toBe(firstStack().info.userPoolId);
    expect(fresh.info.dataReused).toBe(false);
    expect(await fullyStopped(fresh)).toBe(true);
    // The terminal's SIGINT and the copy npm forwards are one request: a clean stop, not a forced exit.
    expect(fresh.log()).toMatch(/stopped in \d+ ms/);
    expect(fresh.log()).not.toMatch(/again: exiting now/);
  });

  it('refuses a bad setting before it touches the data directory', async () => {
    const localDir = freshLocalDir();
    const failed = spawnStack({ localDir, env: { PORT: 'not-a-port' } });
    expect(await failed.exited).not.toBe(0);
    expect(failed.log()).toMatch(/PORT must be a port number/);
    expect(readdirSync(localDir)).toEqual([]);
    rmSync(localDir, { recursive: true, force: true });
  });
});

/** Generous: CI runs these on two busy cores. */
const SETTLES_WITHIN_MS = 30_000;

/** Polls `check` until it holds; false when `timeoutMs` passed first. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return check();
}

describe('a signal to the npm process alone', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s stops the stack itself: npm exits, no port answers, no process is left',
    async (signal) => {
      // Prepare: npm from PATH run by the repository's Node, as `npx` and npm scripts put it.
      const stack = await startStack({
        env: {
          PATH: `${join(REPOSITORY_ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
        },
      });
      current = stack;
      const npmPid = stack.process.pid ?? 0;
      const info = stack.info;
      const ports = [
        info.apiUrl,
        info.clientPageUrl,
        info.cognitoEndpoint,
        info.mailboxUrl,
        info.sesUrl,
      ].map((url) => Number(new URL(url).port));
      let npmExited = false;
      void stack.exited.then(() => {
        npmExited = true;
      });
      try {
        for (const port of ports) expect(await accepts('127.0.0.1', port)).toBe(true);

        // Act: the npm process only, not its group.
        process.kill(npmPid, signal);

        // Assess
        expect(await waitFor(() => npmExited, SETTLES_WITHIN_MS)).toBe(true);
        expect(
          await eventually(async () => {
            const answers = await Promise.all(ports.map((port) => accepts('127.0.0.1', port)));
            return answers.every((accepted) => !accepted);
          }, SETTLES_WITHIN_MS),
        ).toBe(true);
        expect(
          await waitFor(() => processGroupMembers(npmPid).length === 0, SETTLES_WITHIN_MS),
        ).toBe(true);
        expect(readdirSync(stack.localDir)).not.toContain('stack.json');
        // The stack got the signal (npm forwarded it) and stopped cleanly, rather than noticing
        // that a parent died or being killed.
        expect(stack.log()).toContain(`${signal}: stopping the local stack`);
        expect(stack.log()).toMatch(/stopped in \d+ ms/);
      } finally {
        killGroup(stack.process);
        rmSync(stack.localDir, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
