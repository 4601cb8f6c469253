/**
 * `npx tsx local/rotate-secret.ts`: rotates the app-client secret of the running local stack the
 * way `aws secretsmanager rotate-secret` does on AWS (the standard `RotateSecret` call to the
 * local Secrets Manager, which runs the rotation function's four steps), waits for the outcome
 * and prints it, without printing any secret. Resets keep working meanwhile.
 */
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { localSecretsClient, readRunningStack, servicesUrlOf } from './running-stack';
import type { RotationRecord } from './secret-rotation';
import { VIEW_PATHS } from './services-server';
import { SECRET_NAME } from './stack';

const info = readRunningStack();
const servicesUrl = servicesUrlOf(info);
const secrets = localSecretsClient(info);
try {
  const started = await secrets.send(new RotateSecretCommand({ SecretId: SECRET_NAME }));
  const deadline = Date.now() + 60_000;
  let record: RotationRecord | undefined;
  while (Date.now() < deadline) {
    const history = (await (
      await fetch(`${servicesUrl}${VIEW_PATHS.rotations}`)
    ).json()) as RotationRecord[];
    record = history.find((r) => r.token === started.VersionId);
    if (record && record.outcome !== 'running') break;
    await new Promise((done) => setTimeout(done, 100));
  }
  if (record?.outcome === 'succeeded') {
    process.stdout.write(
      `rotated: AWSCURRENT is version ${record.token} (${record.completedSteps.join(', ')})\n`,
    );
  } else {
    process.stdout.write(
      `rotation ${started.VersionId} ${record?.outcome ?? 'timed out'}${record?.failure ? ` at ${record.failure.step} (${record.failure.errorType})` : ''}; AWSCURRENT unchanged\n`,
    );
    process.exitCode = 1;
  }
} catch (error) {
  process.stderr.write(`rotation refused: ${(error as Error).name}\n`);
  process.exitCode = 1;
} finally {
  secrets.destroy();
}
