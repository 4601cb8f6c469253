/**
 * Rotation of the app-client secret: the rotation function (`lambda/rotate-client-secret`, the
 * four Secrets Manager steps with Cognito's two-secret API) and the schedule that runs it, at
 * once when the secret is created (its first value) and then every `secretRotationDays`.
 */
import { Stack } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
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
  readonly schedule: secretsmanager.CfnRotationSchedule;

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
    // Exactly what the four steps call, on this secret alone (CDK's RotationSchedule would add
    // secretsmanager:GetRandomPassword on "*", which this function never calls).
    this.rotation.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RotateTheClientSecret',
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources: [props.clientSecret.secretArn],
      }),
    );
    this.rotation.fn.addPermission('InvokeBySecretsManager', {
      principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceAccount: Stack.of(this).account,
    });
    this.schedule = new secretsmanager.CfnRotationSchedule(this, 'ClientSecretRotationSchedule', {
      secretId: props.clientSecret.secretArn,
      rotationLambdaArn: this.rotation.fn.functionArn,
      // Without rules Secrets Manager never rotates on its own; rotate-secret still does.
      rotationRules:
        config.secretRotationDays > 0
          ? { scheduleExpression: `rate(${config.secretRotationDays} days)` }
          : undefined,
      // The first rotation runs when the schedule is created: it writes the secret's first value.
      rotateImmediatelyOnUpdate: true,
    });
    // Secrets Manager invokes the function as soon as the schedule exists: permission and grants first.
    const invoke = this.rotation.fn.node.findChild('InvokeBySecretsManager');
    this.schedule.node.addDependency(invoke, this.rotation.role);
  }
}
