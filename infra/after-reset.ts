/**
 * The diagram's "λ post-confirmation" box: the trigger that, after a reset, signs the user out
 * everywhere, sends the "your password was changed" notice and publishes `PasswordResetCompleted`
 * on the event bus it owns (with a replay archive and an example rule to add targets to). It does
 * not attach itself to a pool: `PasswordReset` decides that, since a pool may already have a
 * post-confirmation trigger of its own.
 */
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import { createFunction, type DeployedFunction } from './lambda-function';
import { markTransparent } from './logical-ids';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from './settings';

/** Props of {@link AfterReset}. */
export interface AfterResetProps {
  readonly config: PasswordResetConfig;
  /** Directory holding `post-confirmation/index.mjs`. */
  readonly bundleDir: string;
  /** Retain or destroy the bus and its archive with the stack. */
  readonly removalPolicy: RemovalPolicy;
  /** The bus's name. @default - a name unique to the bus's construct path */
  readonly eventBusName?: string;
}

/** The post-confirmation trigger and the bus it publishes to. */
export class AfterReset extends Construct {
  /** The bus carrying `PasswordResetCompleted`; add rules and targets to it. */
  readonly eventBus: events.EventBus;
  /** The example rule matching every `PasswordResetCompleted` event (no targets). */
  readonly completedRule: events.Rule;
  /** The trigger function, its role and log group. */
  readonly trigger: DeployedFunction;
  readonly #config: PasswordResetConfig;

  constructor(scope: Construct, id: string, props: AfterResetProps) {
    super(scope, id);
    markTransparent(this);
    const { config } = props;
    this.#config = config;
    this.eventBus = new events.EventBus(this, 'EventBus', {
      description: `${EVENT_DETAIL_TYPE} events of the password-reset trigger`,
      ...(props.eventBusName === undefined ? {} : { eventBusName: props.eventBusName }),
    });
    this.eventBus.applyRemovalPolicy(props.removalPolicy);
    const archive = this.eventBus.archive('EventArchive', {
      description: `Replayable copy of every ${EVENT_DETAIL_TYPE} event`,
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(config.logRetentionDays),
    });
    archive.applyRemovalPolicy(props.removalPolicy);
    // An example consumer: add targets (a queue, a SIEM, a notification service) to this rule.
    this.completedRule = new events.Rule(this, 'PasswordResetCompletedRule', {
      eventBus: this.eventBus,
      description: `Example rule matching ${EVENT_DETAIL_TYPE}; add targets to consume the events`,
      eventPattern: { source: [EVENT_SOURCE], detailType: [EVENT_DETAIL_TYPE] },
    });

    this.trigger = createFunction(this, 'PostConfirmation', 'post-confirmation', {
      bundleDir: props.bundleDir,
      config,
      environment: {
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        REVOKE_SESSIONS: String(config.revokeSessions),
        ...(config.senderAddress ? { NOTIFICATION_FROM: config.senderAddress } : {}),
        ...(config.sesRegion ? { NOTIFICATION_REGION: config.sesRegion } : {}),
      },
    });
    const { role } = this.trigger;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishResetEvent',
        actions: ['events:PutEvents'],
        resources: [this.eventBus.eventBusArn],
      }),
    );
    if (config.senderAddress !== undefined) {
      const identity = config.sesIdentity ?? config.senderAddress;
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'SendNotification',
          actions: ['ses:SendEmail'],
          resources: [
            Stack.of(this).formatArn({
              service: 'ses',
              region: config.sesRegion ?? Stack.of(this).region,
              resource: 'identity',
              resourceName: identity,
            }),
          ],
        }),
      );
    }
  }

  /**
   * Lets the trigger sign users of `pool` out. The pool depends on its trigger, so the trigger's
   * role cannot name the pool without a cycle; a policy resource of its own can (it depends on
   * both, nothing depends on it).
   */
  allowSignOut(pool: cognito.IUserPool): void {
    if (!this.#config.revokeSessions) return;
    this.trigger.role.attachInlinePolicy(
      new iam.Policy(this, 'PostConfirmationSignOutPolicy', {
        statements: [
          new iam.PolicyStatement({
            sid: 'RevokeSessions',
            actions: ['cognito-idp:AdminUserGlobalSignOut'],
            resources: [pool.userPoolArn],
          }),
        ],
      }),
    );
  }
}
