/**
 * Runs `npm start` exactly as a user does, on free ports and in its own data directory (so a
 * developer's running stack is untouched), and gives the tests its `stack.json`, its log and
 * ways to stop it the way a test runner or a terminal would. Free of vitest, so that the bench's
 * latency script starts the stack the same way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StackInfo } from '../../local/stack';

export const REPOSITORY_ROOT = resolve(import.meta.dirname, '../..');
/** Below vitest's hook timeout, so a slow start fails with the stack's log rather than a bare timeout. */
const START_TIMEOUT_MS = 45_000;

/** A stack started by a test. */
export interface TestStack {
  readonly process: ChildProcess;
  readonly localDir: string;
  readonly info: StackInfo;
  /** Everything the stack printed so far. */
  log(): string;
  /** Resolves with the exit code once `npm start` has exited. */
  readonly exited: Promise<number | null>;
}

/** Options for one start. */
export interface StartOptions {
  readonly localDir?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
}

/** Pids of every process in a process group (Linux `/proc`). */
export function processGroupMembers(groupId: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === groupId && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

/** Waits until `check` is true, polling; false when `timeoutMs` passed first. */
export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return check();
}

/** A fresh data directory for one stack. */
export function freshLocalDir(): string {
  return mkdtempSync(join(tmpdir(), 'password-reset-e2e-'));
}

/**
 * Spawns `npm start` in its own process group (so a leftover can always be found and killed)
 * with every port free (0), and returns what it printed when it exits or is ready.
 */
export function spawnStack(options: StartOptions = {}): {
  process: ChildProcess;
  localDir: string;
  log: () => string;
  exited: Promise<number | null>;
} {
  const localDir = options.localDir ?? freshLocalDir();
  let output = '';
  const child = spawn('npm', ['start', ...(options.args?.length ? ['--', ...options.args] : [])], {
    cwd: REPOSITORY_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      CLIENT_PORT: '0',
      COGNITO_PORT: '0',
      SERVICES_PORT: '0',
      SES_PORT: '0',
      LOCAL_DIR: localDir,
      // A developer's own settings must not change what the tests run against.
      LAMBDA_DIR: '',
      ALLOWED_ORIGINS: '',
      FORGOT_MIN_RESPONSE_MS: '400',
      // The stage throttling of cdk.json, as deployed.
      THROTTLE_RATE_LIMIT: '',
      THROTTLE_BURST_LIMIT: '',
      DEBUG: '',
      ...options.env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { process: child, localDir, log: () => output, exited };
}

/** Starts a stack and waits for its `stack.json`; throws with the stack's log if it fails. */
export async function startStack(options: StartOptions = {}): Promise<TestStack> {
  const spawned = spawnStack(options);
  const stackJson = join(spawned.localDir, 'stack.json');
  let exitCode: number | null | undefined;
  void spawned.exited.then((code) => {
    exitCode = code;
  });
  const ready = await waitFor(() => {
    if (exitCode !== undefined) return true;
    try {
      JSON.parse(readFileSync(stackJson, 'utf8'));
      return true;
    } catch {
      return false;
    }
  }, START_TIMEOUT_MS);
  if (!ready || exitCode !== undefined) {
    killGroup(spawned.process);
    throw new Error(`the local stack did not start (exit ${String(exitCode)}):\n${spawned.log()}`);
  }
  const info = JSON.parse(readFileSync(stackJson, 'utf8')) as StackInfo;
  return { ...spawned, info };
}

/** Last resort after a test: kills whatever is left of the stack's process group. */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Stops a stack as a test runner does (SIGTERM to the npm process only) and cleans up. */
export async function stopStack(stack: TestStack | undefined): Promise<void> {
  if (!stack) return;
  stack.process.kill('SIGTERM');
  const groupId = stack.process.pid ?? 0;
  const gone = await waitFor(() => processGroupMembers(groupId).length === 0, 10_000);
  killGroup(stack.process);
  rmSync(stack.localDir, { recursive: true, force: true });
  if (!gone) throw new Error(`the local stack left processes behind:\n${stack.log()}`);
}
