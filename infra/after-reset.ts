/**
 * The diagram's "λ post-confirmation" box: the trigger that, after a reset, signs the user out
 * everywhere and hands the "your password was changed" notice and `PasswordResetCompleted` to the
 * durable after-reset queue ({@link AfterResetDelivery}), whose worker puts the event on the bus
 * this box owns (with a replay archive and an example rule to add targets to). It does not
 * attach itself to a pool: `PasswordReset` decides that, since a pool may already have a
 * post-confirmation trigger of its own.
 */
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AfterResetDelivery } from './after-reset-delivery';
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

/** The post-confirmation trigger, its durable delivery and the bus the events go to. */
export class AfterReset extends Construct {
  /** The bus carrying `PasswordResetCompleted`; add rules and targets to it. */
  readonly eventBus: events.EventBus;
  /** The example rule matching every `PasswordResetCompleted` event (no targets). */
  readonly completedRule: events.Rule;
  /** The trigger function, its role and log group. */
  readonly trigger: DeployedFunction;
  /** The queue, dead-letter queue, idempotency table and worker of the after-reset jobs. */
  readonly delivery: AfterResetDelivery;
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

    this.delivery = new AfterResetDelivery(this, 'Delivery', {
      config,
      bundleDir: props.bundleDir,
      removalPolicy: props.removalPolicy,
      eventBusName: this.eventBus.eventBusName,
      eventBusArn: this.eventBus.eventBusArn,
    });
    this.trigger = createFunction(this, 'PostConfirmation', 'post-confirmation', {
      bundleDir: props.bundleDir,
      config,
      // The event bus and the sender only say whether there is an event and a notice to queue:
      // the worker puts and sends them.
      environment: {
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        REVOKE_SESSIONS: String(config.revokeSessions),
        AFTER_RESET_QUEUE_URL: this.delivery.queue.queueUrl,
        ...(config.senderAddress ? { NOTIFICATION_FROM: config.senderAddress } : {}),
      },
    });
    this.trigger.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'HandOffAfterResetJobs',
        actions: ['sqs:SendMessage'],
        resources: [this.delivery.queue.queueArn],
      }),
    );
    if (config.senderAddress !== undefined) {
      const identity = config.sesIdentity ?? config.senderAddress;
      this.delivery.worker.role.addToPrincipalPolicy(
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
    const statement = () =>
      new iam.PolicyStatement({
        sid: 'RevokeSessions',
        actions: ['cognito-idp:AdminUserGlobalSignOut'],
        resources: [pool.userPoolArn],
      });
    this.trigger.role.attachInlinePolicy(
      new iam.Policy(this, 'PostConfirmationSignOutPolicy', { statements: [statement()] }),
    );
    // The worker retries a sign-out that failed in the request.
    this.delivery.worker.role.addToPrincipalPolicy(statement());
  }
}
