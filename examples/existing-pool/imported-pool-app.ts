/**
 * A team whose pool was created outside CDK (console, CLI, another tool) adds the service in front
 * of it by id. CloudFormation cannot change a pool it does not manage: the service adds its app
 * client and secret, and its trigger is attached afterwards with `scripts/attach-trigger.ts`
 * (the synth warns until then; the trigger's ARN is an output).
 *
 *   npx cdk synth --app "npx tsx examples/existing-pool/imported-pool-app.ts"
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { PasswordReset } from '../../infra/index';

/** The pool's id, as `aws cognito-idp list-user-pools` shows it. */
export const IMPORTED_POOL_ID = 'eu-west-1_Example01';

/** The team's app: builds it without synthesizing, so a test can inspect it. */
export function importedPoolApp(app = new App()) {
  const stack = new Stack(app, 'TeamResetStack', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const pool = cognito.UserPool.fromUserPoolId(stack, 'TeamPool', IMPORTED_POOL_ID);
  const passwordReset = new PasswordReset(stack, 'PasswordReset', {
    userPool: pool,
    // The pool's policy as `aws cognito-idp describe-user-pool` shows it, so that confirm
    // refuses a weak password before Cognito does, with one answer for every account
    passwordPolicy: {
      minLength: 12,
      requireDigits: true,
      requireLowercase: true,
      requireUppercase: false,
      requireSymbols: false,
    },
    senderAddress: 'no-reply@team.example',
  });
  return { app, stack, pool, passwordReset };
}

if (import.meta.main) {
  const { app } = importedPoolApp();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  app.synth();
}
