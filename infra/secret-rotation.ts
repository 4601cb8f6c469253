/**
 * Rotation of the app-client secret: the rotation function (`lambda/rotate-client-secret`, the
 * four Secrets Manager steps with Cognito's two-secret API) and the schedule that runs it, at
 * once when the secret is created (its first value) and then every `secretRotationDays`.
 */
import { Duration } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import { createFunction, type DeployedFunction } from './lambda-function';
import { markTransparent } from './logical-ids';

/** Props of {@link ClientSecretRotation}. */
export interface ClientSecretRotationProps {
  readonly config: PasswordResetConfig;
  readonly bundleDir: string;
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
  readonly clientSecret: secretsmanager.Secret;
}

/** The rotation function and schedule of the client secret. */
export class ClientSecretRotation extends Construct {
  readonly rotation: DeployedFunction;
  readonly schedule: secretsmanager.RotationSchedule;

  constructor(scope: Construct, id: string, props: ClientSecretRotationProps) {
    super(scope, id);
    markTransparent(this);
    const { config } = props;
    this.rotation = createFunction(this, 'RotateClientSecret', 'rotate-client-secret', {
      bundleDir: props.bundleDir,
      config,
      environment: {
        USER_POOL_ID: props.userPool.userPoolId,
        CLIENT_ID: props.userPoolClient.userPoolClientId,
        POWERTOOLS_SERVICE_NAME: 'rotate-client-secret',
      },
    });
    // Cognito's client-secret operations take the pool as their resource; the app client is named
    // in the environment, and the function touches no other.
    this.rotation.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RotateAppClientSecrets',
        actions: [
          'cognito-idp:ListUserPoolClientSecrets',
          'cognito-idp:AddUserPoolClientSecret',
          'cognito-idp:DeleteUserPoolClientSecret',
        ],
        resources: [props.userPool.userPoolArn],
      }),
    );
    // CDK grants the function DescribeSecret, GetSecretValue, PutSecretValue and
    // UpdateSecretVersionStage on this secret alone, and Secrets Manager the invoke.
    this.schedule = props.clientSecret.addRotationSchedule('Rotation', {
      rotationLambda: this.rotation.fn,
      automaticallyAfter: Duration.days(config.secretRotationDays),
      rotateImmediatelyOnUpdate: true,
    });
  }
}
