/**
 * `npm start`: runs the local stack in the foreground until Ctrl-C, SIGTERM, SIGHUP or the death
 * of the process that started it; then stops every part within a few seconds and removes
 * `stack.json`.
 *
 * package.json runs it as `exec node --import tsx local/start.ts`, so this process is npm's
 * direct child: npm forwards the SIGINT or SIGTERM it gets to this process alone. Through a
 * shell (dash defers SIGINT until its child ends and never passes it on) or the tsx CLI (which
 * SIGKILLs a child that does not acknowledge a relayed signal within 30 ms) a signal to npm
 * alone could leave the stack running or kill it uncleanly.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readyBanner } from './banner';
import { parseStackConfig, StackConfigError, USAGE } from './config';
import { DataDirectoryInUseError, stackJsonPath } from './data-dir';
import { PortInUseError } from './listen';
import { watchAncestors } from './parent-watch';
import { type RunningStack, startStack } from './stack';
import { cdkThrottleLimits } from './throttle';

const STOP_DEADLINE_MS = 4_000;
/**
 * A repeat of the first stop signal within this long is the same request: Ctrl-C in a terminal
 * reaches npm and this process alike, and npm then forwards its own copy.
 */
const SAME_REQUEST_MS = 1_000;
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const config = parseStackConfig(
    process.argv.slice(2),
    process.env,
    process.cwd(),
    cdkThrottleLimits(fileURLToPath(new URL('../cdk.json', import.meta.url))),
  );
  if (config.help) {
    log(USAGE);
    return;
  }
  let stack: RunningStack | undefined;
  let stopping = false;
  let stoppingSince = 0;
  const stop = (reason: string, repeatForces = true): void => {
    if (stopping && (!repeatForces || performance.now() - stoppingSince < SAME_REQUEST_MS)) return;
    if (stopping) {
      log(`${reason} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    stoppingSince = performance.now();
    log(`\n${reason}: stopping the local stack...`);
    setTimeout(() => {
      log('parts did not stop in time: exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    const began = Date.now();
    void (stack?.stop() ?? Promise.resolve()).then(() => {
      log(`stopped in ${Date.now() - began} ms`);
      process.exit(0);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => stop(signal));
  }
  watchAncestors((reason) => stop(reason, false));

  const started = Date.now();
  log(`starting the local stack in ${config.localDir} ...`);
  stack = await startStack({
    lambdaDir: config.lambdaDir,
    localDir: config.localDir,
    ports: config.ports,
    keepData: config.keepData,
    extraAllowedOrigins: config.extraAllowedOrigins,
    forgotMinResponseMs: config.forgotMinResponseMs,
    confirmMinResponseMs: config.confirmMinResponseMs,
    attemptLimit: config.attemptLimit,
    attemptWindowSeconds: config.attemptWindowSeconds,
    rotationMinCurrentAgeSeconds: config.rotationMinCurrentAgeSeconds,
    secretCacheSeconds: config.secretCacheSeconds,
    throttle: config.throttle,
    debug: config.debug,
    log,
  });
  if (stopping) {
    await stack.stop();
    return;
  }
  const path = stackJsonPath(config.localDir);
  log(JSON.stringify(stack.info));
  log(readyBanner(stack.info, join(config.localDir, 'stack.json')));
  log(`ready in ${Date.now() - started} ms (${path})`);
}

main().catch((error: unknown) => {
  const known =
    error instanceof PortInUseError ||
    error instanceof DataDirectoryInUseError ||
    error instanceof StackConfigError;
  process.stderr.write(
    `npm start failed: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`,
  );
  process.exit(1);
});
