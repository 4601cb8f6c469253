/**
 * Notices the death of the process that started the stack. `npm start` runs the stack as npm's
 * child (the tests' own launcher under tsx's CLI); if an ancestor is killed outright (SIGKILL, a
 * crashed test runner) no signal reaches the stack, so it watches its ancestors and stops itself
 * when one is gone.
 */
import { readFileSync } from 'node:fs';

interface Ancestor {
  readonly pid: number;
  readonly startTime: string;
}

/** `ppid` and start time of a process from `/proc/<pid>/stat`, or `undefined` if it is gone. */
function stat(pid: number): { ppid: number; startTime: string; state: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may itself contain spaces and parentheses).
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** The chain of ancestors (parent first), stopping before pid 1. */
function ancestors(): Ancestor[] {
  const chain: Ancestor[] = [];
  let pid = process.ppid;
  while (pid > 1 && chain.length < 64) {
    const info = stat(pid);
    if (!info) break;
    chain.push({ pid, startTime: info.startTime });
    pid = info.ppid;
  }
  return chain;
}

/**
 * Calls `onLost` once when the parent or any further ancestor has exited (a pid reused by a new
 * process does not count as alive: the start time must match). Falls back to watching
 * `process.ppid` where `/proc` does not exist. Returns a function that stops watching.
 */
export function watchAncestors(onLost: (reason: string) => void, intervalMs = 300): () => void {
  const chain = ancestors();
  const originalParent = process.ppid;
  const timer = setInterval(() => {
    const gone =
      chain.length > 0
        ? chain.find((ancestor) => {
            const now = stat(ancestor.pid);
            return now?.startTime !== ancestor.startTime || now.state === 'Z' || now.state === 'X';
          })
        : process.ppid !== originalParent
          ? { pid: originalParent, startTime: '' }
          : undefined;
    if (gone) {
      clearInterval(timer);
      onLost(`parent process ${gone.pid} exited`);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
