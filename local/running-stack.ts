/**
 * What the command-line helpers (`local/sign-in.ts`, `local/rotate-secret.ts`) need of the stack
 * `npm start` runs: its `stack.json`, and a Secrets Manager client for its services endpoint.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { REGION, type StackInfo } from './stack';

/**
 * The running stack's `stack.json` (under `LOCAL_DIR`, default `.local`); exits with status 2
 * and a hint when no stack runs.
 *
 * @example
 * const info = readRunningStack();
 */
export function readRunningStack(): StackInfo {
  const localDir = resolve(process.cwd(), process.env.LOCAL_DIR || '.local');
  try {
    return JSON.parse(readFileSync(resolve(localDir, 'stack.json'), 'utf8')) as StackInfo;
  } catch {
    process.stderr.write(`no running stack: ${localDir}/stack.json is missing (run npm start)\n`);
    process.exit(2);
  }
}

/** The origin of the stack's services endpoint (Secrets Manager, views). */
export function servicesUrlOf(info: StackInfo): string {
  return new URL(info.mailboxUrl).origin;
}

/** A Secrets Manager client for the running stack's local Secrets Manager. */
export function localSecretsClient(info: StackInfo): SecretsManagerClient {
  return new SecretsManagerClient({
    region: REGION,
    endpoint: servicesUrlOf(info),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
