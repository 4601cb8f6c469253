/**
 * `PasswordResetStack`: the repository's stand-alone deployment, a thin stack around
 * {@link PasswordReset} that creates its own user pool and is configured by `cdk.json` context.
 * It also sets the account's API Gateway logging role, as it always has, and keeps every logical
 * id it had before the service became a construct (see `logical-ids.ts`), so that an update never
 * replaces a deployed resource.
 */
import { type CfnElement, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import type { DeployedFunction } from './lambda-function';
import { isTransparent, logicalIdOf } from './logical-ids';
import { PasswordReset } from './password-reset';
import type { FunctionName } from './settings';

export {
  DEFAULT_BUNDLE_DIR,
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  FUNCTION_MEMORY_MB,
  FUNCTION_NAMES,
  FUNCTION_TIMEOUT_SECONDS,
  type FunctionName,
  METRICS_NAMESPACE,
  STAGE_NAME,
} from './settings';

export interface PasswordResetStackProps extends StackProps {
  readonly config: PasswordResetConfig;
  /** Directory holding `<name>/index.mjs` per function; default `dist/lambda`. */
  readonly bundleDir?: string;
  /**
   * Record the cdk-nag acknowledgements (default true). Only the test proving that each one is
   * still needed turns them off.
   */
  readonly acknowledgeNagFindings?: boolean;
}

export class PasswordResetStack extends Stack {
  /** The service itself. */
  readonly passwordReset: PasswordReset;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly clientSecret: secretsmanager.Secret;
  readonly eventBus: events.EventBus;
  /** The after-reset queue and its dead-letter queue (see {@link PasswordReset}). */
  readonly afterResetQueue: sqs.Queue;
  readonly afterResetDeadLetterQueue: sqs.Queue;
  /** The per-account attempt counters (issue 11 item 6); absent when `attemptLimit` is 0. */
  readonly attemptsTable: dynamodb.TableV2 | undefined;
  readonly api: apigateway.RestApi;
  readonly webAcl: wafv2.CfnWebACL;
  readonly alarmTopic: sns.Topic;
  readonly functions: Readonly<Record<FunctionName, DeployedFunction>>;

  constructor(scope: Construct, id: string, props: PasswordResetStackProps) {
    super(scope, id, {
      description: 'Password reset for Amazon Cognito public clients (cognito-password-reset)',
      ...props,
    });
    const { config } = props;
    const service = new PasswordReset(this, 'PasswordReset', {
      ...config,
      setApiGatewayAccountRole: true,
      // The name the bus had as the flat stack's child (a new name would replace the bus)
      eventBusName: logicalIdOf([id, 'EventBus']),
      ...(props.bundleDir === undefined ? {} : { bundleDir: props.bundleDir }),
      ...(props.acknowledgeNagFindings === undefined
        ? {}
        : { acknowledgeNagFindings: props.acknowledgeNagFindings }),
    });
    this.passwordReset = service;
    this.userPool = service.createdUserPool as cognito.UserPool;
    this.userPoolClient = service.userPoolClient;
    this.clientSecret = service.clientSecret;
    this.eventBus = service.eventBus;
    this.afterResetQueue = service.afterResetQueue;
    this.afterResetDeadLetterQueue = service.afterResetDeadLetterQueue;
    this.attemptsTable = service.attemptsTable;
    this.api = service.api;
    this.webAcl = service.webAcl;
    this.alarmTopic = service.alarmTopic;
    this.functions = service.functions;

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API (POST {ApiUrl}password/forgot, {ApiUrl}password/confirm)',
      value: this.api.url,
    });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'ClientSecretArn', { value: this.clientSecret.secretArn });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  /** The logical id the flat stack gave this path: the box constructs are left out. */
  protected override allocateLogicalId(element: CfnElement): string {
    const scopes = element.node.scopes;
    const path = scopes
      .slice(scopes.indexOf(this) + 1)
      .filter((scope) => !isTransparent(scope))
      .map((scope) => scope.node.id);
    return logicalIdOf(path);
  }
}
