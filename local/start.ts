/**
 * `npm start`: runs the local stack in the foreground until Ctrl-C, SIGTERM, SIGHUP or the death
 * of the process that started it; then stops every part within a few seconds and removes
 * `stack.json`.
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
  const stop = (reason: string, repeatForces = true): void => {
    if (stopping && !repeatForces) return;
    if (stopping) {
      log(`${reason} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
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
