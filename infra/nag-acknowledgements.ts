/**
 * Every cdk-nag finding this stack accepts, on the narrowest construct, each with the reason a
 * security reviewer asked for. Anything not listed here fails the synth (bin/app.ts) and the
 * cdk-nag test. An acknowledgement whose construct no longer exists fails too, so the list
 * cannot silently go stale.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { PasswordResetConfig } from './config';
import { findByFlatPath } from './logical-ids';

/** One accepted finding: the rule (or rule[finding]) id, where, and why. */
export interface NagAcknowledgement {
  readonly id: string;
  /** Construct paths relative to the stack. */
  readonly paths: readonly string[];
  readonly reason: string;
}

const API_METHODS = [
  'Api/Default/password/forgot/POST',
  'Api/Default/password/forgot/ANY',
  'Api/Default/password/confirm/POST',
  'Api/Default/password/confirm/ANY',
];

const FUNCTIONS = [
  'ForgotPassword',
  'ConfirmForgotPassword',
  'PostConfirmation',
  'DeliverAfterReset',
  'RotateClientSecret',
  'CustomMessage',
];

/** The synchronously invoked functions (every one but the queue's worker). */
const SYNCHRONOUS_FUNCTIONS = FUNCTIONS.filter((fn) => fn !== 'DeliverAfterReset');

const PUBLIC_BY_DESIGN =
  'Public by design: a password reset serves users who cannot sign in, so no token or key can be required. Compensating controls: WAF per-IP rate rule on the reset paths, AWS IP-reputation and common rule groups, stage throttling below Cognito’s 30/s account-recovery quota, request validation, PreventUserExistenceErrors with a timing floor on forgot (no account enumeration), Cognito’s own per-user code-attempt limits, and the app-client secret held server-side so callers cannot call Cognito directly with it.';

/** The acknowledgements for a configuration. */
export function nagAcknowledgements(config: PasswordResetConfig): readonly NagAcknowledgement[] {
  return [
    {
      id: 'AwsSolutions-APIG4',
      paths: API_METHODS,
      reason: PUBLIC_BY_DESIGN,
    },
    {
      id: 'AwsSolutions-COG4',
      paths: API_METHODS,
      reason: PUBLIC_BY_DESIGN,
    },
    {
      id: 'AwsSolutions-COG1',
      paths: ['UserPool'],
      reason: `NIST SP 800-63B-4 forbids composition rules (upper/lower/digit/symbol) and asks for length instead: minimum ${config.passwordMinLength} characters, any printable character, password history of ${config.passwordHistorySize}${config.threatProtection === 'off' ? '' : ', and compromised-credentials detection'}.`,
    },
    {
      id: 'AwsSolutions-COG2',
      paths: ['UserPool'],
      reason:
        'MFA is available (TOTP, OPTIONAL) but not forced: REQUIRED makes Cognito demand enrollment at sign-in, which is the sign-in application’s decision, not this reset backend’s. SMS is off (SIM swap, SMS pumping). Every reset revokes the user’s sessions and notifies the user.',
    },
    ...(config.threatProtection === 'off'
      ? [
          {
            id: 'AwsSolutions-COG8',
            paths: ['UserPool'],
            reason:
              'The PLUS feature plan (threat protection) is a configuration switch ("threatProtection": "audit" | "enforced"), off by default for its per-MAU cost (README.md, Deploy). Without it: WAF rate rule and IP reputation, stage throttling, and Cognito’s built-in attempt limits.',
          },
        ]
      : []),
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      paths: FUNCTIONS.map((fn) => `${fn}Role`),
      reason:
        'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (Resource must be *). Every other statement of these roles names its exact resource.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:API-Gateway-Execution-Logs_*]',
      paths: ['ApiGatewayLoggingRole'],
      reason:
        'The API Gateway logging role is an account-and-Region setting used by every REST API there; API Gateway itself creates the execution log groups, named API-Gateway-Execution-Logs_<api id>/<stage>. The role may write those log groups only (instead of the managed AmazonAPIGatewayPushToCloudWatchLogs policy, which allows all log groups).',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:API-Gateway-Execution-Logs_*:log-stream:*]',
      paths: ['ApiGatewayLoggingRole'],
      reason:
        'Log streams of the API Gateway execution log groups, which API Gateway names itself; see the log-group finding of this role.',
    },
    {
      id: 'Serverless-LambdaDLQ',
      paths: SYNCHRONOUS_FUNCTIONS,
      reason:
        'Invoked synchronously only (API Gateway proxy, the Cognito trigger, Secrets Manager rotation steps): the caller receives every failure, and a dead-letter queue applies to asynchronous invocations only. Failures are alarmed (Errors, Problem INTERNAL, trigger effect metrics; a failed rotation step is the rotation function’s Errors alarm, and Secrets Manager retries the rotation).',
    },
    {
      id: 'Serverless-LambdaDLQ',
      paths: ['DeliverAfterReset'],
      reason:
        'Invoked by its SQS event source only, which polls and invokes synchronously; a function dead-letter queue applies to asynchronous invocations only. A failed job stays in the after-reset queue, whose redrive policy moves it to the alarmed AfterResetDeadLetterQueue past the retry horizon.',
    },
    {
      id: 'Serverless-LambdaEventSourceMappingDestination',
      paths: ['DeliverAfterReset'],
      reason:
        'An SQS event source keeps failed messages in the queue (ReportBatchItemFailures), and the queue’s redrive policy moves them to the alarmed dead-letter queue after afterResetRetryHours: that is the failure destination. On-failure destinations of event source mappings serve stream and Kafka sources.',
    },
    {
      id: 'Serverless-SQSRedrivePolicy',
      paths: ['AfterResetDeadLetterQueue'],
      reason:
        'This is the dead-letter queue, the end of the after-reset path: alarmed at one message, kept 14 days, redriven into the after-reset queue with a message move task once the cause is fixed.',
    },
    {
      id: 'Serverless-EventBusDLQ',
      paths: ['PasswordResetCompletedRule'],
      reason:
        'An example rule without targets, for consumers to extend: a target’s dead-letter queue belongs with the target it protects. The archive keeps every event for replay meanwhile.',
    },
    ...(config.alarmEmail === undefined
      ? []
      : [
          {
            id: 'Serverless-SNSRedrivePolicy',
            paths: ['AlarmTopic'],
            reason:
              'The operators’ email subscription to the alarm topic: SNS retries email delivery itself, a dead-letter queue of undelivered alarm emails would need its own watcher, and the alarm state and history stay visible in CloudWatch whatever happens to the email.',
          },
        ]),
  ];
}

/** Which optional parts a `PasswordReset` has, and so which acknowledgements apply. */
export interface AcknowledgedParts {
  /** The construct created the pool (a given pool's findings are its owner's). */
  readonly createdPool: boolean;
  /** The construct set the account's API Gateway logging role. */
  readonly accountLoggingRole: boolean;
}

/**
 * Records every acknowledgement on its construct, under the `PasswordReset` it belongs to, so
 * the acknowledgements travel with the construct into any app. Paths are the flat stack's (the
 * box constructs skipped).
 *
 * @example
 * acknowledgeNagFindings(passwordReset, config, { createdPool: true, accountLoggingRole: true });
 */
export function acknowledgeNagFindings(
  root: IConstruct,
  config: PasswordResetConfig,
  parts: AcknowledgedParts = { createdPool: true, accountLoggingRole: true },
): void {
  for (const acknowledgement of nagAcknowledgements(config)) {
    for (const path of acknowledgement.paths) {
      if (!parts.createdPool && path === 'UserPool') continue;
      if (!parts.accountLoggingRole && path === 'ApiGatewayLoggingRole') continue;
      Validations.of(findConstruct(root, path)).acknowledge({
        id: acknowledgement.id,
        reason: acknowledgement.reason,
      });
    }
  }
}

function findConstruct(root: IConstruct, path: string): IConstruct {
  const found = findByFlatPath(root, path);
  if (found === undefined) {
    throw new Error(`cdk-nag acknowledgement for a construct that does not exist: ${path}`);
  }
  return found;
}
