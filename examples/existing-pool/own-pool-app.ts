/**
 * A team's own CDK app with its own user pool (its own settings and its own post-confirmation
 * trigger), adding the password-reset service in front of it. The pool already has a
 * post-confirmation trigger, and a pool has only one, so the service's trigger is not attached:
 * the team's trigger invokes it after a reset (`own-trigger/index.mjs`).
 *
 *   npx cdk synth --app "npx tsx examples/existing-pool/own-pool-app.ts"
 */
import { join } from 'node:path';
import { App, CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { PasswordReset } from '../../infra/index';

/** The team's pool and trigger, as they were before the service. */
export function teamPool(stack: Stack) {
  const ownTrigger = new lambda.Function(stack, 'WelcomeTrigger', {
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(join(import.meta.dirname, 'own-trigger')),
    memorySize: 256,
    timeout: Duration.seconds(5),
    tracing: lambda.Tracing.ACTIVE,
  });
  const pool = new cognito.UserPool(stack, 'TeamPool', {
    userPoolName: 'team-users',
    selfSignUpEnabled: true,
    signInAliases: { email: true },
    autoVerify: { email: true },
    passwordPolicy: {
      minLength: 12,
      requireDigits: true,
      requireLowercase: false,
      requireUppercase: false,
      requireSymbols: false,
    },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    mfa: cognito.Mfa.OPTIONAL,
    mfaSecondFactor: { otp: true, sms: false },
    customAttributes: { plan: new cognito.StringAttribute({ mutable: true }) },
    lambdaTriggers: { postConfirmation: ownTrigger },
  });
  return { pool, ownTrigger };
}

/** The team's app: builds it without synthesizing, so a test can inspect it. */
export function ownPoolApp(app = new App()) {
  const stack = new Stack(app, 'TeamAuthStack', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const { pool, ownTrigger } = teamPool(stack);

  // The password-reset service in front of it
  const passwordReset = new PasswordReset(stack, 'PasswordReset', {
    userPool: pool,
    attachTrigger: false,
    senderAddress: 'no-reply@team.example',
    allowedOrigins: ['https://app.team.example'],
  });
  ownTrigger.addEnvironment(
    'AFTER_RESET_FUNCTION_ARN',
    passwordReset.afterResetFunction.functionArn,
  );
  passwordReset.grantInvokeAfterReset(ownTrigger);
  new CfnOutput(stack, 'PasswordResetApiUrl', { value: passwordReset.api.url });

  // The team's own findings are theirs to fix or accept; the service brings its own acknowledgements.
  for (const [id, reason] of [
    ['AwsSolutions-COG1', 'The team requires 12 characters and a digit; no uppercase rule (NIST).'],
    ['AwsSolutions-COG2', 'MFA is optional for this app; TOTP is offered at sign-in.'],
    ['AwsSolutions-COG3', 'Threat protection is priced per MAU; the team decided against it.'],
    ['AwsSolutions-COG8', 'The Essentials plan, as chosen by the team (threat protection off).'],
  ] as const) {
    Validations.of(pool).acknowledge({ id, reason });
  }
  for (const [id, reason] of [
    [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The team trigger keeps the AWSLambdaBasicExecutionRole managed policy (its own logs only).',
    ],
    [
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing statements need Resource "*" (no resource-level permissions).',
    ],
    [
      'Serverless-LambdaDLQ',
      'Invoked synchronously by Cognito only: the caller sees every failure.',
    ],
    ['Serverless-LambdaLogGroup', 'The team keeps the implicit log group of its trigger.'],
  ] as const) {
    Validations.of(ownTrigger).acknowledge({ id, reason });
  }
  return { app, stack, pool, ownTrigger, passwordReset };
}

if (import.meta.main) {
  const { app } = ownPoolApp();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  app.synth();
}
