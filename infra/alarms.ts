/**
 * The alarms, on exactly the metrics and dimension sets the handlers emit (contract section 5)
 * and on the API and Lambda metrics AWS publishes, all notifying one SSL-only SNS topic.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import { markTransparent } from './logical-ids';
import {
  FUNCTION_NAMES,
  FUNCTION_TIMEOUT_SECONDS,
  type FunctionName,
  METRICS_NAMESPACE,
} from './settings';

/** The after-reset queues whose depth and age are alarmed. */
export interface AfterResetQueues {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * A job older than this in the after-reset queue that was never received (SQS leaves a message
 * received three times or more out of the age metric) means the worker is not reading the queue.
 */
export const AFTER_RESET_AGE_ALARM_SECONDS = 3_600;

/**
 * The worker's attempt metrics (lambda/deliver-after-reset/batch.ts, `ATTEMPT_METRICS`: 1 a
 * failed attempt, 0 a done one) and the dependency each stands for.
 */
const AFTER_RESET_ATTEMPT_METRICS = [
  ['NotificationFailed', 'SES'],
  ['EventPublishFailed', 'EventBridge'],
  ['SessionsRevokeFailed', 'the retried Cognito sign-out'],
] as const;

/**
 * A failing dependency alarms when jobs failed in 10 of 12 five-minute periods: a job is retried
 * every 5 minutes, so an outage fails one in nearly every period, while a failure that the next
 * retry clears does not page anyone.
 */
const FAILING_WINDOW_PERIODS = 12;
const FAILING_PERIODS = 10;

/**
 * Creates the alarm topic and every alarm; returns the topic.
 *
 * @example
 * createAlarms(stack, { stage: api.deploymentStage, functions, config });
 */
export function createAlarms(
  scope: Construct,
  {
    stage,
    functions,
    config,
    afterReset,
  }: {
    stage: apigateway.Stage;
    functions: Readonly<Record<FunctionName, lambda.IFunction>>;
    config: PasswordResetConfig;
    afterReset: AfterResetQueues;
  },
): sns.Topic {
  const stack = Stack.of(scope);
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    displayName: 'cognito-password-reset alarms',
    enforceSSL: true,
  });
  // The topic policy replaces SNS's default one: let CloudWatch alarms of this account publish.
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccount',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  if (config.alarmEmail !== undefined) {
    topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
  }
  const action = new cloudwatchActions.SnsAction(topic);
  const alarm = (
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
    periods: { readonly evaluationPeriods?: number; readonly datapointsToAlarm?: number } = {},
  ): cloudwatch.Alarm => {
    const evaluationPeriods = periods.evaluationPeriods ?? 1;
    const created = new cloudwatch.Alarm(scope, id, {
      metric,
      threshold,
      evaluationPeriods,
      datapointsToAlarm: periods.datapointsToAlarm ?? evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    created.addAlarmAction(action);
    created.addOkAction(action);
    return created;
  };
  const fiveMinutes = Duration.minutes(5);
  const handlerMetric = (metricName: string, dimensionsMap: Record<string, string>) =>
    new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap,
      statistic: cloudwatch.Stats.SUM,
      period: fiveMinutes,
    });

  alarm(
    'Api5xxAlarm',
    stage.metricServerError({
      period: fiveMinutes,
      statistic: cloudwatch.Stats.SUM,
    }),
    5,
    'The API answered 5 or more 5XX in 5 minutes (gateway or functions).',
  );
  for (const service of ['forgot-password', 'confirm-forgot-password'] as const) {
    const id = pascal(service);
    alarm(
      `${id}InternalAlarm`,
      handlerMetric('Problem', { service, code: 'INTERNAL' }),
      1,
      `${service} answered INTERNAL: a configuration fault (secret, client, permissions). Callers learn nothing more; check the function's logs.`,
    );
    alarm(
      `${id}TooManyRequestsAlarm`,
      handlerMetric('Problem', { service, code: 'TOO_MANY_REQUESTS' }),
      10,
      `${service} passed on Cognito's throttling 10 or more times in 5 minutes: the account-wide recovery quota (30/s) is being reached.`,
    );
    alarm(
      `${id}AttemptLimitUnavailableAlarm`,
      handlerMetric('AttemptLimitUnavailable', { service }),
      1,
      `${service} could not count an attempt (the attempts table failed): requests went on without the per-account limit.`,
    );
    alarm(
      `${id}UserLimitAlarm`,
      handlerMetric('UserLimitReached', { service }),
      20,
      `${service}: Cognito refused 20 or more requests in 5 minutes because a user reached its attempt limit (callers are told nothing: the answer is the one an unknown account gets). A campaign against many accounts, or one user locked out; see the function's logs.`,
    );
  }
  alarm(
    'ConfirmForgotPasswordInvalidCodeAlarm',
    handlerMetric('Problem', { service: 'confirm-forgot-password', code: 'INVALID_CODE' }),
    100,
    'confirm-forgot-password answered INVALID_CODE 100 or more times in 5 minutes: codes are being guessed (the WAF rate rule limits each IP; a spread-out campaign shows here first).',
  );
  alarm(
    'ForgotPasswordDeliveryFailedAlarm',
    handlerMetric('Problem', { service: 'forgot-password', code: 'DELIVERY_FAILED' }),
    3,
    'forgot-password answered DELIVERY_FAILED 3 or more times in 5 minutes: Cognito cannot send codes (sender quota reached, SES identity or sandbox, custom-message trigger failing), so nobody can reset.',
  );
  alarm(
    'PostConfirmationSessionsRevokeFailedAlarm',
    handlerMetric('SessionsRevokeFailed', { service: 'post-confirmation' }),
    1,
    'The post-confirmation trigger could not sign a user out in the request: the old sessions live until the after-reset queue retries the sign-out (DeliverAfterResetSessionsRevokeFailedAlarm when that keeps failing).',
  );
  alarm(
    'PostConfirmationHandOffFailedAlarm',
    handlerMetric('HandOffFailed', { service: 'post-confirmation' }),
    1,
    'The post-confirmation trigger could not queue the after-reset jobs (SQS failed): those resets get no "password changed" notice and no PasswordResetCompleted event (and no retried sign-out); the log line carries each resetId.',
  );
  alarm(
    'AfterResetDeadLetterAlarm',
    afterReset.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: fiveMinutes,
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    1,
    'After-reset jobs are in the dead-letter queue (past the retry horizon, or failed permanently, e.g. SES rejecting the address): fix the cause, then redrive (README, "After a reset").',
  );
  // A job that keeps failing: SQS drops a message received three times or more from the queue's
  // age metric, so a failing dependency shows in the worker's own attempt metrics, not there.
  for (const [metricName, dependency] of AFTER_RESET_ATTEMPT_METRICS) {
    alarm(
      `DeliverAfterReset${metricName}Alarm`,
      handlerMetric(metricName, { service: 'deliver-after-reset' }),
      1,
      `deliver-after-reset reported ${metricName} in at least ${FAILING_PERIODS} of the last ${FAILING_WINDOW_PERIODS} five-minute periods: ${dependency} has been failing for about an hour; those jobs are late and retried until the horizon, then dead-lettered.`,
      { evaluationPeriods: FAILING_WINDOW_PERIODS, datapointsToAlarm: FAILING_PERIODS },
    );
  }
  alarm(
    'AfterResetQueueAgeAlarm',
    afterReset.queue.metricApproximateAgeOfOldestMessage({
      period: fiveMinutes,
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    AFTER_RESET_AGE_ALARM_SECONDS,
    `An after-reset job has waited ${AFTER_RESET_AGE_ALARM_SECONDS / 3600} h or more without being received: the worker is not reading the queue (its event source disabled, throttled or refused); notices and events are late.`,
  );
  alarm(
    'CustomMessageFallbackAlarm',
    handlerMetric('MessageFallback', { service: 'custom-message' }),
    1,
    'The custom-message trigger sent the plain code email instead of the localized one with the link (a configuration or texts fault, or a message over a Cognito limit); resets still work. See its logs for the reason.',
  );
  for (const name of FUNCTION_NAMES) {
    const fn = functions[name];
    const id = pascal(name);
    alarm(
      `${id}ErrorsAlarm`,
      fn.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
      1,
      `${name} failed (uncaught error, crash or timeout).`,
    );
    alarm(
      `${id}ThrottlesAlarm`,
      fn.metricThrottles({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
      1,
      `${name} was throttled by Lambda (account concurrency exhausted).`,
    );
    alarm(
      `${id}DurationAlarm`,
      fn.metricDuration({ period: fiveMinutes, statistic: cloudwatch.Stats.MAXIMUM }),
      FUNCTION_TIMEOUT_SECONDS[name] * 1000 * 0.8,
      `${name} ran for 80% or more of its ${FUNCTION_TIMEOUT_SECONDS[name]} s timeout.`,
    );
  }
  return topic;
}

function pascal(value: string): string {
  return value
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The alarms box: every alarm of the service and the one topic they notify. */
export class ResetAlarms extends Construct {
  /** The SNS topic every alarm notifies; subscribe your own endpoints to it. */
  readonly topic: sns.Topic;

  constructor(
    scope: Construct,
    id: string,
    props: {
      readonly stage: apigateway.Stage;
      readonly functions: Readonly<Record<FunctionName, lambda.IFunction>>;
      readonly config: PasswordResetConfig;
      readonly afterReset: AfterResetQueues;
    },
  ) {
    super(scope, id);
    markTransparent(this);
    this.topic = createAlarms(this, props);
  }
}
