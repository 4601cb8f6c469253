/**
 * The diagram's "λ forgot-password, λ confirm-forgot-password" box: the two API functions, the
 * attempts table of the per-account limit, and their grants: the one secret (read), the one table
 * (`UpdateItem`), nothing else.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import { createFunction, type DeployedFunction } from './lambda-function';
import { markTransparent } from './logical-ids';

/** Props of {@link ApiFunctions}. */
export interface ApiFunctionsProps {
  readonly config: PasswordResetConfig;
  readonly bundleDir: string;
  readonly userPoolClient: cognito.IUserPoolClient;
  readonly clientSecret: secretsmanager.ISecret;
  /**
   * The pool's password policy, so that confirm refuses a weak password before Cognito does
   * (the same answer for every account); `undefined`: Cognito alone judges.
   */
  readonly passwordPolicy: cognito.PasswordPolicy | undefined;
}

/** The forgot and confirm functions. */
export class ApiFunctions extends Construct {
  readonly forgot: DeployedFunction;
  readonly confirm: DeployedFunction;
  /** The per-account attempt counters; absent when `attemptLimit` is 0. */
  readonly attemptsTable: dynamodb.TableV2 | undefined;

  constructor(scope: Construct, id: string, props: ApiFunctionsProps) {
    super(scope, id);
    markTransparent(this);
    const { config } = props;
    // Counters only, each deleted by TTL after its window: nothing to retain or restore, so the
    // table goes with the stack whatever `sandbox` says.
    this.attemptsTable =
      config.attemptLimit > 0
        ? new dynamodb.TableV2(this, 'AttemptsTable', {
            partitionKey: { name: 'key', type: dynamodb.AttributeType.STRING },
            billing: dynamodb.Billing.onDemand(),
            timeToLiveAttribute: 'expiresAt',
            removalPolicy: RemovalPolicy.DESTROY,
          })
        : undefined;
    const environment = {
      USER_POOL_CLIENT_ID: props.userPoolClient.userPoolClientId,
      CLIENT_SECRET_ID: props.clientSecret.secretArn,
      ALLOWED_ORIGINS: config.allowedOrigins.join(','),
      ...(this.attemptsTable
        ? {
            ATTEMPTS_TABLE_NAME: this.attemptsTable.tableName,
            ATTEMPT_LIMIT: String(config.attemptLimit),
            ATTEMPT_WINDOW_SECONDS: String(config.attemptWindowSeconds),
          }
        : {}),
    };
    this.forgot = createFunction(this, 'ForgotPassword', 'forgot-password', {
      bundleDir: props.bundleDir,
      config,
      environment: { ...environment, FORGOT_MIN_RESPONSE_MS: String(config.forgotMinResponseMs) },
    });
    this.confirm = createFunction(this, 'ConfirmForgotPassword', 'confirm-forgot-password', {
      bundleDir: props.bundleDir,
      config,
      environment: {
        ...environment,
        CONFIRM_MIN_RESPONSE_MS: String(config.confirmMinResponseMs),
        ...(props.passwordPolicy
          ? { PASSWORD_POLICY: passwordPolicyVariable(props.passwordPolicy) }
          : {}),
      },
    });
    for (const { role } of [this.forgot, this.confirm]) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadClientSecret',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [props.clientSecret.secretArn],
        }),
      );
      if (this.attemptsTable) {
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            sid: 'CountAttempts',
            actions: ['dynamodb:UpdateItem'],
            resources: [this.attemptsTable.tableArn],
          }),
        );
      }
    }
  }
}

/**
 * The confirm function's `PASSWORD_POLICY`: the pool's policy in Cognito's `PasswordPolicyType`
 * names, so the function refuses a weak password before Cognito does (for an unknown account
 * Cognito would answer a code mismatch instead: see `password-policy.ts`).
 *
 * @example
 * passwordPolicyVariable({ minLength: 15, requireDigits: false }) // '{"MinimumLength":15,...}'
 */
export function passwordPolicyVariable(policy: cognito.PasswordPolicy): string {
  return JSON.stringify({
    MinimumLength: policy.minLength ?? 8,
    RequireUppercase: policy.requireUppercase ?? true,
    RequireLowercase: policy.requireLowercase ?? true,
    RequireNumbers: policy.requireDigits ?? true,
    RequireSymbols: policy.requireSymbols ?? true,
  });
}
