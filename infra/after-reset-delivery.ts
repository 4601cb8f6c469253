/**
 * The diagram's "after-reset queue → λ deliver-after-reset" box: the durable path of what a
 * reset leaves for after the user's request. The trigger puts one SQS message per job (the
 * notice, the event, a sign-out that failed in the request); the worker delivers each through
 * Lambda's SQS event source, reporting failed jobs one by one. SQS retries a failed job at every
 * visibility timeout until `afterResetRetryHours`, then its redrive policy moves it to the
 * dead-letter queue (alarmed), from where `aws sqs start-message-move-task` delivers it again.
 * Powertools Idempotency (a DynamoDB table) drops the repeats at-least-once delivery can make.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { maxReceiveCount, RETENTION_DAYS, RETRY_INTERVAL_SECONDS } from './after-reset-retry';
import type { PasswordResetConfig } from './config';
import { customMessageEnvironment } from './custom-message';
import { createFunction, type DeployedFunction } from './lambda-function';
import { markTransparent } from './logical-ids';

/** Props of {@link AfterResetDelivery}. */
export interface AfterResetDeliveryProps {
  readonly config: PasswordResetConfig;
  /** Directory holding `deliver-after-reset/index.mjs`. */
  readonly bundleDir: string;
  /** The bus the worker puts `PasswordResetCompleted` on. */
  readonly eventBusName: string;
  readonly eventBusArn: string;
  /** What `cdk destroy` does with the queues and the table (they hold jobs naming users). */
  readonly removalPolicy: RemovalPolicy;
}

/** The after-reset queue, its dead-letter queue, the idempotency table and the worker. */
export class AfterResetDelivery extends Construct {
  /** The jobs the trigger hands off (SSE-SQS, TLS only). */
  readonly queue: sqs.Queue;
  /** Jobs past the horizon or failed permanently; alarmed, redriven by a message move task. */
  readonly deadLetterQueue: sqs.Queue;
  /** Powertools Idempotency records, one per completed job, deleted by TTL after 14 days. */
  readonly idempotencyTable: dynamodb.TableV2;
  /** The worker function, its role and log group. */
  readonly worker: DeployedFunction;

  constructor(scope: Construct, id: string, props: AfterResetDeliveryProps) {
    super(scope, id);
    markTransparent(this);
    const { config, removalPolicy } = props;
    // Jobs name the user (address, user name): encrypted at rest, TLS only in transit.
    this.deadLetterQueue = new sqs.Queue(this, 'AfterResetDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(RETENTION_DAYS),
      removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'AfterResetQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(RETRY_INTERVAL_SECONDS),
      retentionPeriod: Duration.days(RETENTION_DAYS),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: maxReceiveCount(config.afterResetRetryHours),
      },
      removalPolicy,
    });
    // Records of completed jobs only: nothing to restore, deleted by TTL.
    this.idempotencyTable = new dynamodb.TableV2(this, 'AfterResetIdempotencyTable', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: 'expiration',
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.worker = createFunction(this, 'DeliverAfterReset', 'deliver-after-reset', {
      bundleDir: props.bundleDir,
      config,
      environment: {
        EVENT_BUS_NAME: props.eventBusName,
        AFTER_RESET_QUEUE_URL: this.queue.queueUrl,
        DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl,
        IDEMPOTENCY_TABLE_NAME: this.idempotencyTable.tableName,
        ...(config.senderAddress ? { NOTIFICATION_FROM: config.senderAddress } : {}),
        ...(config.sesRegion ? { NOTIFICATION_REGION: config.sesRegion } : {}),
        // The notice's language, as the code email's (custom-message)
        ...languageEnvironment(config),
      },
    });
    const { fn, role } = this.worker;
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // Two batches at a time at most: an outage's retries never crowd out the account's
        // concurrency, and SES's send rate is not raced.
        maxConcurrency: 2,
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'HandOnAndSetAside',
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn, this.deadLetterQueue.queueArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishResetEvent',
        actions: ['events:PutEvents'],
        resources: [props.eventBusArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'IdempotencyRecords',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ],
        resources: [this.idempotencyTable.tableArn],
      }),
    );
  }
}

/** The language settings of the custom-message trigger, without its reset page. */
function languageEnvironment(config: PasswordResetConfig): Record<string, string> {
  const { RESET_PAGE_URL: _page, ...language } = customMessageEnvironment(config);
  return language;
}
