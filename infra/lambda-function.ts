/**
 * One of the product's functions as every box deploys it: the bundle `npm run build` wrote, the
 * shipped runtime and memory, active tracing, a log group with the configured retention, and a
 * role of its own that may write that log group and nothing else until its box grants more.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import { FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECONDS, type FunctionName } from './settings';

/** A deployed function with the role and log group its box adds grants to. */
export interface DeployedFunction {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * Creates the function `<id>` with `<id>Logs` and `<id>Role` beside it.
 *
 * @throws Error when the bundle is missing (run `npm run build`).
 * @example
 * const forgot = createFunction(this, 'ForgotPassword', 'forgot-password', { bundleDir, config, environment });
 */
export function createFunction(
  scope: Construct,
  id: string,
  name: FunctionName,
  options: {
    readonly bundleDir: string;
    readonly config: PasswordResetConfig;
    readonly environment: Record<string, string>;
  },
): DeployedFunction {
  const assetDir = join(options.bundleDir, name);
  if (!existsSync(join(assetDir, 'index.mjs'))) {
    throw new Error(
      `Lambda bundle ${join(assetDir, 'index.mjs')} is missing: run \`npm run build\` first`,
    );
  }
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: options.config.logRetentionDays as logs.RetentionDays,
    removalPolicy: options.config.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
  // A role of its own with no managed policy: only this function's log group, plus what its box
  // adds, action by action.
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of the ${name} function`,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  const fn = new lambda.Function(scope, id, {
    description: `cognito-password-reset ${name}`,
    code: lambda.Code.fromAsset(assetDir),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: FUNCTION_MEMORY_MB,
    timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS[name]),
    tracing: lambda.Tracing.ACTIVE,
    logGroup,
    role,
    environment: options.environment,
  });
  fn.node.addDependency(role);
  return { fn, role, logGroup };
}
