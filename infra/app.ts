/**
 * Builds the CDK app `cdk.json` runs: the configuration from context, the one stack, and cdk-nag's
 * AwsSolutions and Serverless packs as validation plugins, so that an unacknowledged finding
 * fails the synth (and with it `npm test`). Separate from `bin/app.ts` so that tests can build
 * the same app in-process.
 */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { parseConfig } from './config';
import { PasswordResetStack } from './password-reset-stack';

/** The name `cdk deploy` knows the stack by (contract section 6). */
export const STACK_NAME = 'PasswordResetStack';

/**
 * @throws ConfigurationError for an invalid context value, naming the key.
 * @example
 * const { app } = createApp();
 * app.synth();
 */
export function createApp(props: AppProps = {}): { app: App; stack: PasswordResetStack } {
  const app = new App(props);
  const config = parseConfig((key) => app.node.tryGetContext(key));
  const stack = new PasswordResetStack(app, STACK_NAME, {
    config,
    // Account and Region of the CLI's credentials when there are any; offline, an
    // environment-agnostic account and the CLI's default Region.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}
