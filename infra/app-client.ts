/**
 * The app client the service holds the secret of, and that secret in Secrets Manager: a client
 * with a generated secret, `PreventUserExistenceErrors`, no auth flow and no OAuth (a reset needs
 * neither), and short-lived tokens. It is added to whichever pool the service fronts, created or
 * given, and changes nothing else of that pool.
 */
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import { markTransparent } from './logical-ids';
import { CUSTOM_RESOURCE_PROVIDER_ID } from './nag-acknowledgements';

/** Props of {@link ResetAppClient}. */
export interface ResetAppClientProps {
  readonly config: PasswordResetConfig;
  readonly userPool: cognito.IUserPool;
  /**
   * Create the client as the pool's child (`pool.addClient`), as the stand-alone stack always
   * has; otherwise as this construct's child, beside the service's other resources.
   */
  readonly underPool: boolean;
  readonly removalPolicy: RemovalPolicy;
}

/** The password-reset app client and its secret. */
export class ResetAppClient extends Construct {
  readonly userPoolClient: cognito.UserPoolClient;
  /** `{"clientSecret": ...}`; the functions read it, rotation writes it. */
  readonly clientSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ResetAppClientProps) {
    super(scope, id);
    markTransparent(this);
    const { config } = props;
    const options: cognito.UserPoolClientOptions = {
      generateSecret: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // Without it Cognito ignores the caller's IP that the functions pass in UserContextData.
      enablePropagateAdditionalUserContextData: true,
      // A reset calls ForgotPassword and ConfirmForgotPassword, which need no auth flow and no
      // OAuth: switch off Cognito's default flows (SRP, custom auth) and CDK's default OAuth grants.
      disableOAuth: true,
      authFlows: {},
      // A sign-out after a reset ends refresh tokens only: short-lived access and ID tokens bound
      // how long a stolen session outlives the reset (Cognito's default is an hour).
      accessTokenValidity: Duration.minutes(config.tokenValidityMinutes),
      idTokenValidity: Duration.minutes(config.tokenValidityMinutes),
    };
    const pool = props.userPool;
    this.userPoolClient =
      props.underPool && pool instanceof cognito.UserPool
        ? pool.addClient('PasswordResetClient', options)
        : new cognito.UserPoolClient(this, 'PasswordResetClient', { ...options, userPool: pool });
    // CDK omits an empty flow list, which makes Cognito enable its defaults; state the minimum
    // Cognito accepts (refresh only, useless without a flow that issues tokens).
    (this.userPoolClient.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = [
      'ALLOW_REFRESH_TOKEN_AUTH',
    ];
    this.clientSecret = new secretsmanager.Secret(this, 'ClientSecret', {
      description: `App client secret of the password-reset client (rotate with AddUserPoolClientSecret, see README.md, Deploy)`,
      secretObjectValue: { clientSecret: this.userPoolClient.userPoolClientSecret },
      removalPolicy: props.removalPolicy,
    });
    this.giveSecretReaderLogRetention(config, props.removalPolicy);
  }

  /**
   * CDK's singleton provider behind `userPoolClientSecret` (one per stack) logs to an implicit
   * log group kept forever; point it at one with the configured retention. (It never logs
   * Cognito's answer: `logApiResponseData` is off.) A second service in the same stack shares it.
   */
  private giveSecretReaderLogRetention(config: PasswordResetConfig, removalPolicy: RemovalPolicy) {
    const provider = Stack.of(this).node.tryFindChild(CUSTOM_RESOURCE_PROVIDER_ID);
    const cfn = provider?.node.tryFindChild('Resource');
    if (!(cfn instanceof lambda.CfnFunction)) {
      throw new Error(`CDK's AwsCustomResource provider ${CUSTOM_RESOURCE_PROVIDER_ID} not found`);
    }
    if (cfn.loggingConfig !== undefined) return;
    const logGroup = new logs.LogGroup(this, 'ClientSecretReaderLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    cfn.loggingConfig = { logGroup: logGroup.logGroupName };
  }
}
