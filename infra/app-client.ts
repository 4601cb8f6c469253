/**
 * The app client the service holds the secret of, and that secret in Secrets Manager: a client
 * with a generated secret, `PreventUserExistenceErrors`, no auth flow and no OAuth (a reset needs
 * neither), and short-lived tokens. It is added to whichever pool the service fronts, created or
 * given, and changes nothing else of that pool.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import { markTransparent } from './logical-ids';

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
  /** `{"clientSecret", "previousClientSecret"}`; the functions read it, only rotation writes it. */
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
    // The value is rotation's, never the template's: CloudFormation generates a placeholder once,
    // at creation (no `clientSecret` in it, so the functions and rotation know it is none), and
    // the rotation schedule's immediate first rotation writes the first secret. No resource of
    // the stack reads the client's secret or writes the value on any later deployment.
    this.clientSecret = new secretsmanager.Secret(this, 'ClientSecret', {
      description:
        'App client secret of the password-reset client, {"clientSecret","previousClientSecret"}; owned by its rotation function (README.md, Rotating the client secret)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ placeholder: 'written by the first rotation' }),
        generateStringKey: 'unused',
      },
      removalPolicy: props.removalPolicy,
    });
  }
}
