/**
 * The stack's data directory: one stack at a time per directory (a lock holding the owner's
 * pid), and the `stack.json` that tells users and tests where everything is.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Another live stack owns the data directory. */
export class DataDirectoryInUseError extends Error {
  constructor(
    readonly directory: string,
    readonly ownerPid: number,
  ) {
    super(
      `${directory} is in use by another local stack (pid ${ownerPid}); stop it or set LOCAL_DIR`,
    );
    this.name = 'DataDirectoryInUseError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock for this process; a lock left by a dead process is taken over. */
export function lockDataDirectory(directory: string): () => void {
  mkdirSync(directory, { recursive: true });
  const lock = join(directory, 'stack.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => {
        const owner = Number.parseInt(readFileSync(lock, 'utf8'), 10);
        if (owner === process.pid) rmSync(lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        throw new DataDirectoryInUseError(directory, owner);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`could not lock ${directory}`);
}

/** Path of the stack description. */
export function stackJsonPath(directory: string): string {
  return join(directory, 'stack.json');
}

/** Writes a JSON file atomically enough for readers polling it (write, then rename). */
export function writeJson(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** Reads a JSON file, or `undefined` when absent or unreadable. */
export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
