/**
 * The Secrets Manager rotation function of the app-client secret (see steps.ts for what each step
 * calls). Configuration: `USER_POOL_ID`, `CLIENT_ID`, and optionally `MIN_CURRENT_AGE_SECONDS`.
 * It logs step names, version and Cognito secret ids, never a secret value.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { errorName } from '../shared/upstream-errors';
import { parseRotationEvent } from './rotation-event';
import { DEFAULT_MIN_CURRENT_AGE_MS, type RotationDeps, runRotationStep } from './steps';

const logger = new Logger({ serviceName: 'rotate-client-secret' });

/** Builds the steps' dependencies from the environment (once per container). */
export function depsFromEnvironment(env: NodeJS.ProcessEnv = process.env): RotationDeps {
  // Whole seconds only: an empty or negative value must not switch the deletion guard off.
  const minAge = /^\d+$/.test(env.MIN_CURRENT_AGE_SECONDS ?? '')
    ? Number(env.MIN_CURRENT_AGE_SECONDS) * 1000
    : DEFAULT_MIN_CURRENT_AGE_MS;
  return {
    secrets: new SecretsManagerClient({}),
    // One attempt: a retried AddUserPoolClientSecret could add a secret twice; Secrets Manager
    // retries the whole step instead, which is idempotent.
    cognito: new CognitoIdentityProviderClient({ maxAttempts: 1 }),
    userPoolId: env.USER_POOL_ID ?? '',
    clientId: env.CLIENT_ID ?? '',
    minCurrentAgeMs: minAge,
    now: Date.now,
    log: (message, fields) => logger.info(message, { ...fields }),
  };
}

let deps: RotationDeps | undefined;

/** The Lambda entry point Secrets Manager invokes once per step. */
export async function handler(event: unknown): Promise<void> {
  const rotation = parseRotationEvent(event);
  deps ??= depsFromEnvironment();
  if (!deps.userPoolId || !deps.clientId)
    throw new Error('USER_POOL_ID and CLIENT_ID must be set.');
  try {
    await runRotationStep(deps, rotation);
  } catch (error) {
    // The name only: an AWS error message can echo input.
    logger.error('Rotation step failed.', { step: rotation.Step, error: errorName(error) });
    throw error;
  }
}
