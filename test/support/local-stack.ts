/**
 * Runs the local stack (`npm start`, contract section 6) as a child for a test: free ports, its
 * own data directory, its own process group so it can be stopped entirely, and its process
 * tree's memory readable from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export interface StackInfo {
  readonly apiUrl: string;
  readonly cognitoEndpoint: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly allowedOrigins: readonly string[];
  readonly demoUser: { readonly username: string; readonly password: string };
}

export interface LocalStack {
  readonly info: StackInfo;
  readonly pid: number;
  /** Resident memory of the stack's whole process tree, in bytes. */
  readonly rssBytes: () => number;
  readonly output: () => string;
  readonly stop: () => Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * @example
 * const stack = await startLocalStack({ FORGOT_MIN_RESPONSE_MS: '0' });
 * try { ... } finally { await stack.stop(); }
 */
export async function startLocalStack(
  env: Record<string, string> = {},
  readyWithinMs = 60_000,
): Promise<LocalStack> {
  const localDir = mkdtempSync(join(tmpdir(), 'load-stack-'));
  // The Node that runs the tests (24), not whatever `node` the tsx shim would find on PATH.
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/start.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', LOCAL_DIR: localDir, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid as number;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 6_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(localDir, { recursive: true, force: true });
  };

  const stackJson = join(localDir, 'stack.json');
  const deadline = Date.now() + readyWithinMs;
  while (!existsSync(stackJson)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the local stack did not start:\n${chunks.join('').slice(-4_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const info = JSON.parse(readFileSync(stackJson, 'utf8')) as StackInfo;
  return { info, pid, rssBytes: () => treeRss(pid), output: () => chunks.join(''), stop };
}

/** Sum of VmRSS over `root` and its descendants (Linux /proc). */
export function treeRss(root: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of tree) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += match ? Number(match[1]) * 1024 : 0;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/**
 * One stack for the calling file: started in `beforeAll` (given 90 s) and stopped in `afterAll`.
 * The handle answers for the stack once it is up.
 *
 * @example
 * const stack = useLocalStack({ THROTTLE_RATE_LIMIT: '0' });
 * it('...', async () => fetch(stack.info.apiUrl));
 */
export function useLocalStack(env: Record<string, string> = {}): LocalStack {
  let started: LocalStack | undefined;
  beforeAll(async () => {
    started = await startLocalStack(env);
  }, 90_000);
  afterAll(async () => {
    await started?.stop();
  });
  const stack = (): LocalStack => {
    if (!started) throw new Error('The local stack is started in beforeAll');
    return started;
  };
  return {
    get info() {
      return stack().info;
    },
    get pid() {
      return stack().pid;
    },
    rssBytes: () => stack().rssBytes(),
    output: () => stack().output(),
    stop: () => stack().stop(),
  };
}
