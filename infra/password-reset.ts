/**
 * `PasswordReset`: the whole service as one construct for any CDK app, in front of a user pool it
 * creates or one it is given. It reads top to bottom as the architecture diagram: the pool and the
 * app client with its secret, the API functions, the REST API, the WAF in front of it, the
 * after-reset trigger with its bus, and the alarms.
 */
import { Annotations, CfnOutput, RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { AfterReset } from './after-reset';
import { ResetAlarms } from './alarms';
import { ApiFunctions } from './api-functions';
import { ResetAppClient } from './app-client';
import {
  ConfigurationError,
  type PasswordResetConfig,
  parseConfig,
  type ThreatProtection,
} from './config';
import { ResetEmail } from './custom-message';
import type { DeployedFunction } from './lambda-function';
import { markTransparent } from './logical-ids';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { ResetApi } from './rest-api';
import { ClientSecretRotation } from './secret-rotation';
import type { FunctionName } from './settings';
import { DEFAULT_BUNDLE_DIR } from './settings';
import { poolPasswordPolicy, ResetUserPool } from './user-pool';
import { ResetWebAcl } from './web-acl';

/**
 * The service's settings, named and defaulted as the stand-alone stack's `cdk.json` context keys
 * (README, "Configuration"), and validated the same way: a wrong value throws a
 * `ConfigurationError` naming the prop.
 */
export interface PasswordResetOptions {
  /** Exact browser origins allowed by CORS (no wildcard, path or trailing slash). @default [] */
  readonly allowedOrigins?: readonly string[];
  /**
   * From address of the "your password was changed" notice and, for a pool the construct
   * creates, of the code emails (a verified SES identity). Required unless `sandbox`.
   * @default - none
   */
  readonly senderAddress?: string;
  /** The verified SES identity of the sender: the address itself or its domain. @default senderAddress */
  readonly sesIdentity?: string;
  /** The SES Region of that identity. @default - the stack's Region */
  readonly sesRegion?: string;
  /** Cognito threat protection of a pool the construct creates: off, audit or enforced. @default 'off' */
  readonly threatProtection?: ThreatProtection;
  /** Requests per client IP and window before WAF answers 429 (every path of the API). @default 100 */
  readonly wafRateLimit?: number;
  /** The WAF rate rule's window: 60, 120, 300 or 600 seconds. @default 300 */
  readonly wafRateWindowSeconds?: number;
  /** API Gateway requests per second per method (below 15: Cognito's 30/s recovery quota). @default 10 */
  readonly throttleRateLimit?: number;
  /** API Gateway burst per method. @default 20 */
  readonly throttleBurstLimit?: number;
  /** An address subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** A throw-away deployment: resources are destroyed with the stack, no deletion protection. @default false */
  readonly sandbox?: boolean;
  /** Minimum password length of a pool the construct creates (8-99). @default 15 */
  readonly passwordMinLength?: number;
  /** Previous passwords a reset may not reuse, for a pool the construct creates (0-24). @default 5 */
  readonly passwordHistorySize?: number;
  /** Sign the user out everywhere after a reset. @default true */
  readonly revokeSessions?: boolean;
  /** Timing floor of every forgot answer, in ms (0 switches it off; above a cold CustomMessage trigger). @default 700 */
  readonly forgotMinResponseMs?: number;
  /** Timing floor of every confirm answer, in ms (0 switches it off). @default 400 */
  readonly confirmMinResponseMs?: number;
  /** Access and ID token lifetime of the service's app client, in minutes (5-1440). @default 15 */
  readonly tokenValidityMinutes?: number;
  /**
   * Days between automatic rotations of the app-client secret (1-1000); `0` switches the
   * schedule off (`aws secretsmanager rotate-secret` still rotates at once). @default 90
   */
  readonly secretRotationDays?: number;
  /**
   * Hours (1-83, SQS's 1,000 deliveries of a job) the after-reset queue retries the notice, the event or a late sign-out while
   * SES, EventBridge or Cognito fails, before the job moves to the dead-letter queue (alarmed;
   * redrive with `aws sqs start-message-move-task`). @default 24
   */
  readonly afterResetRetryHours?: number;
  /** Requests per account and operation in one window (0 switches the limit off). @default 10 */
  readonly attemptLimit?: number;
  /** The attempt limit's window in seconds (60-86400). @default 900 */
  readonly attemptWindowSeconds?: number;
  /** Retention of every log group and of the event archive, in days. @default 90 */
  readonly logRetentionDays?: number;
  /**
   * The reset page the code email links to: absolute `https://` (`http://` only for localhost),
   * no fragment; the username and the code travel in the link's fragment. @default - no link, the code alone
   */
  readonly resetPageUrl?: string;
  /** The emails' language for a user without a `locale` attribute with texts. @default 'en' */
  readonly defaultLocale?: string;
  /**
   * Your own texts per locale, laid over the bundled ones (keys of
   * `lambda/shared/message-texts/en.json`), for example `{ de: { forgotSubject: '...' } }`.
   * @default {}
   */
  readonly messageTexts?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Props of {@link PasswordReset}: the settings, and where the service goes. */
export interface PasswordResetProps extends PasswordResetOptions {
  /**
   * The pool to front. Absent: the construct creates one (NIST policy, email recovery, ...).
   * A `UserPool` of your app: the construct adds its app client and, unless `attachTrigger` is
   * false, its post-confirmation trigger, and changes nothing else of the pool. An imported pool
   * (`UserPool.fromUserPoolId`): the construct adds its app client; the trigger must be
   * attached outside CloudFormation (`scripts/attach-trigger.ts`).
   * @default - a new pool
   */
  readonly userPool?: cognito.IUserPool;
  /**
   * Attach the after-reset trigger as the pool's post-confirmation trigger. A pool has only one:
   * when yours already has one, set `false` and call {@link PasswordReset.afterResetFunction}
   * from it (README, "Use in your own CDK app"). Cannot be `true` for an imported pool.
   * @default - true, false for an imported pool
   */
  readonly attachTrigger?: boolean;
  /**
   * Attach the reset-email trigger as the pool's CustomMessage trigger. A pool has only one:
   * when yours already has one, set `false` (your trigger then writes the reset email; see
   * {@link PasswordReset.customMessageFunction} for ours). Cannot be `true` for an imported pool.
   * @default - true, false for an imported pool
   */
  readonly attachCustomMessage?: boolean;
  /**
   * The password policy of an imported pool, so that confirm refuses a weak password before
   * Cognito does, with one answer for every account. A pool the construct creates or is given as
   * a `UserPool` is read instead.
   * @default - none: Cognito alone judges, and a weak password may answer differently for an existing account
   */
  readonly passwordPolicy?: cognito.PasswordPolicy;
  /**
   * Set the account's API Gateway CloudWatch role (`AWS::ApiGateway::Account`) to one made
   * here. It is a single setting per account and Region that every REST API logs with: on, it
   * replaces the role already set; off, the account must already have one (any REST API with
   * logging set it), or the stage fails to deploy.
   * @default false
   */
  readonly setApiGatewayAccountRole?: boolean;
  /** The event bus's name. @default - a name unique to the bus's construct path */
  readonly eventBusName?: string;
  /** Directory holding `<function>/index.mjs`. @default dist/lambda of this package */
  readonly bundleDir?: string;
  /** Record the cdk-nag acknowledgements (only the test proving each is needed turns them off). @default true */
  readonly acknowledgeNagFindings?: boolean;
}

/** Settings that belong to a pool the construct creates; with `userPool` they are yours to set. */
const POOL_SETTINGS = ['threatProtection', 'passwordMinLength', 'passwordHistorySize'] as const;

/** The password-reset service. */
export class PasswordReset extends Construct {
  readonly userPool: cognito.IUserPool;
  /** The pool when the construct created it. */
  readonly createdUserPool: cognito.UserPool | undefined;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly clientSecret: secretsmanager.Secret;
  readonly eventBus: events.EventBus;
  /** The after-reset queue (notice, event, late sign-out jobs) and its dead-letter queue. */
  readonly afterResetQueue: sqs.Queue;
  readonly afterResetDeadLetterQueue: sqs.Queue;
  /** The per-account attempt counters; absent when `attemptLimit` is 0. */
  readonly attemptsTable: dynamodb.TableV2 | undefined;
  readonly api: apigateway.RestApi;
  readonly webAcl: wafv2.CfnWebACL;
  readonly alarmTopic: sns.Topic;
  readonly functions: Readonly<Record<FunctionName, DeployedFunction>>;
  /** The after-reset trigger; attach it, or call it from your own post-confirmation trigger. */
  readonly afterResetFunction: DeployedFunction['fn'];
  /** Whether the trigger is the pool's post-confirmation trigger through this template. */
  readonly triggerAttached: boolean;
  /** The CustomMessage trigger writing the reset-code email. */
  readonly customMessageFunction: DeployedFunction['fn'];
  /** Whether it is the pool's CustomMessage trigger through this template. */
  readonly customMessageAttached: boolean;
  /** The parsed settings. */
  readonly config: PasswordResetConfig;

  constructor(scope: Construct, id: string, props: PasswordResetProps = {}) {
    super(scope, id);
    markTransparent(this);
    const config = parseConfig((key) => (props as Record<string, unknown>)[key], 'prop');
    this.config = config;
    const mode = poolMode(props);
    const bundleDir = props.bundleDir ?? DEFAULT_BUNDLE_DIR;
    const removalPolicy = config.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // Cognito user pool: created, or given
    this.createdUserPool =
      mode === 'created'
        ? new ResetUserPool(this, 'Pool', { config, removalPolicy }).userPool
        : undefined;
    this.userPool = this.createdUserPool ?? (props.userPool as cognito.IUserPool);
    const client = new ResetAppClient(this, 'AppClient', {
      config,
      userPool: this.userPool,
      underPool: mode === 'created',
      removalPolicy,
    });
    this.userPoolClient = client.userPoolClient;
    this.clientSecret = client.clientSecret;
    // λ rotate-client-secret: the secret's value, first and every rotation after
    const rotation = new ClientSecretRotation(this, 'SecretRotation', {
      config,
      bundleDir,
      userPool: this.userPool,
      userPoolClient: this.userPoolClient,
      clientSecret: this.clientSecret,
    }).rotation;

    // λ forgot-password, λ confirm-forgot-password
    const apiFunctions = new ApiFunctions(this, 'ApiFunctions', {
      config,
      bundleDir,
      userPoolClient: this.userPoolClient,
      clientSecret: this.clientSecret,
      passwordPolicy: this.passwordPolicyOf(mode, config, props),
    });
    this.attemptsTable = apiFunctions.attemptsTable;

    // API Gateway REST API behind WAF
    this.api = new ResetApi(this, 'RestApi', {
      config,
      forgot: apiFunctions.forgot.fn,
      confirm: apiFunctions.confirm.fn,
      removalPolicy,
      setAccountLoggingRole: props.setApiGatewayAccountRole ?? false,
    }).api;
    this.webAcl = new ResetWebAcl(this, 'Waf', { stage: this.api.deploymentStage, config }).webAcl;

    // λ post-confirmation: sign out everywhere, hand off the notice and the event to the queue
    const afterReset = new AfterReset(this, 'AfterReset', {
      config,
      bundleDir,
      removalPolicy,
      ...(props.eventBusName === undefined ? {} : { eventBusName: props.eventBusName }),
    });
    this.eventBus = afterReset.eventBus;
    this.afterResetQueue = afterReset.delivery.queue;
    this.afterResetDeadLetterQueue = afterReset.delivery.deadLetterQueue;
    this.afterResetFunction = afterReset.trigger.fn;
    afterReset.allowSignOut(this.userPool);
    this.triggerAttached = this.attachTrigger(mode, props, afterReset);

    // λ custom-message: the reset-code email, localized, with the link
    const resetEmail = new ResetEmail(this, 'ResetEmail', { config, bundleDir });
    this.customMessageFunction = resetEmail.trigger.fn;
    this.customMessageAttached = this.attachCustomMessage(mode, props, resetEmail.trigger.fn);
    this.functions = {
      'forgot-password': apiFunctions.forgot,
      'confirm-forgot-password': apiFunctions.confirm,
      'post-confirmation': afterReset.trigger,
      'deliver-after-reset': afterReset.delivery.worker,
      'rotate-client-secret': rotation,
      'custom-message': resetEmail.trigger,
    };

    this.alarmTopic = new ResetAlarms(this, 'Alarms', {
      stage: this.api.deploymentStage,
      functions: {
        'forgot-password': apiFunctions.forgot.fn,
        'confirm-forgot-password': apiFunctions.confirm.fn,
        'post-confirmation': afterReset.trigger.fn,
        'deliver-after-reset': afterReset.delivery.worker.fn,
        'rotate-client-secret': rotation.fn,
        'custom-message': resetEmail.trigger.fn,
      },
      config,
      afterReset: afterReset.delivery,
    }).topic;

    if (props.acknowledgeNagFindings ?? true) {
      acknowledgeNagFindings(this, config, {
        createdPool: mode === 'created',
        accountLoggingRole: props.setApiGatewayAccountRole ?? false,
      });
    }
  }

  /**
   * Lets your own post-confirmation trigger invoke the after-reset function (for a pool that
   * already has a trigger: pass it the event for `PostConfirmation_ConfirmForgotPassword`).
   *
   * @example
   * passwordReset.grantInvokeAfterReset(myPostConfirmationFunction);
   */
  grantInvokeAfterReset(grantee: iam.IGrantable): iam.Grant {
    // The function itself only: no version or alias wildcard (`<arn>:*`) as `grantInvoke` adds
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [this.afterResetFunction.functionArn],
    });
  }

  private passwordPolicyOf(
    mode: PoolMode,
    config: PasswordResetConfig,
    props: PasswordResetProps,
  ): cognito.PasswordPolicy | undefined {
    if (mode === 'created') return poolPasswordPolicy(config);
    if (mode === 'given') return passwordPolicyOfPool(props.userPool as cognito.UserPool);
    if (props.passwordPolicy === undefined) {
      Annotations.of(this).addWarningV2(
        'password-reset:no-password-policy',
        'The user pool is imported and no "passwordPolicy" prop is given: confirm cannot check a new password before Cognito, so a weak password may answer INVALID_PASSWORD for an existing account and INVALID_CODE for an unknown one. Pass your pool\'s policy as "passwordPolicy".',
      );
    }
    return props.passwordPolicy;
  }

  private attachTrigger(
    mode: PoolMode,
    props: PasswordResetProps,
    afterReset: AfterReset,
  ): boolean {
    const fn = afterReset.trigger.fn;
    if (mode === 'created') {
      if (props.attachTrigger === false) return this.triggerLeftToYou(fn);
      (this.createdUserPool as cognito.UserPool).addTrigger(
        cognito.UserPoolOperation.POST_CONFIRMATION,
        fn,
      );
      return true;
    }
    if (mode === 'given' && props.attachTrigger !== false) {
      try {
        (props.userPool as cognito.UserPool).addTrigger(
          cognito.UserPoolOperation.POST_CONFIRMATION,
          fn,
        );
      } catch {
        throw new ConfigurationError(
          'attachTrigger',
          'the user pool already has a post-confirmation trigger, and a pool has only one: set attachTrigger: false and invoke passwordReset.afterResetFunction from your trigger (grantInvokeAfterReset; README, "Use in your own CDK app")',
          'prop',
        );
      }
      return true;
    }
    if (mode === 'imported') {
      Annotations.of(this).addWarningV2(
        'password-reset:trigger-not-attached',
        'The user pool is imported, so CloudFormation cannot attach the post-confirmation trigger. Until it is attached (npx tsx scripts/attach-trigger.ts --user-pool-id <id> --trigger-arn <PostConfirmationTriggerArn>, or from your own trigger), a reset does not sign the user out, send the "password changed" notice or publish PasswordResetCompleted.',
      );
    }
    return this.triggerLeftToYou(fn);
  }

  /**
   * Attaches the CustomMessage trigger where the template manages the pool; otherwise lets
   * Cognito invoke it for this pool and outputs its ARN.
   */
  private attachCustomMessage(
    mode: PoolMode,
    props: PasswordResetProps,
    fn: DeployedFunction['fn'],
  ): boolean {
    if (mode !== 'imported' && props.attachCustomMessage !== false) {
      try {
        (this.createdUserPool ?? (props.userPool as cognito.UserPool)).addTrigger(
          cognito.UserPoolOperation.CUSTOM_MESSAGE,
          fn,
        );
      } catch {
        throw new ConfigurationError(
          'attachCustomMessage',
          'the user pool already has a CustomMessage trigger, and a pool has only one: set attachCustomMessage: false and let your trigger write the reset email (README, "Use in your own CDK app")',
          'prop',
        );
      }
      return true;
    }
    if (mode === 'imported') {
      Annotations.of(this).addWarningV2(
        'password-reset:custom-message-not-attached',
        "The user pool is imported, so CloudFormation cannot attach the CustomMessage trigger: until it is attached (LambdaConfig.CustomMessage = the CustomMessageTriggerArn output), Cognito sends its own code email, without the reset link or the user's language.",
      );
    }
    fn.addPermission('CognitoInvoke', {
      principal: new iam.ServicePrincipal('cognito-idp.amazonaws.com'),
      sourceArn: this.userPool.userPoolArn,
    });
    new CfnOutput(this, 'CustomMessageTriggerArn', {
      description:
        'Attach as the pool CustomMessage trigger (the localized reset email with the link)',
      value: fn.functionArn,
    });
    return false;
  }

  /** Cognito may invoke the trigger for this pool once it is attached; its ARN is an output. */
  private triggerLeftToYou(fn: DeployedFunction['fn']): false {
    fn.addPermission('CognitoInvoke', {
      principal: new iam.ServicePrincipal('cognito-idp.amazonaws.com'),
      sourceArn: this.userPool.userPoolArn,
    });
    new CfnOutput(this, 'PostConfirmationTriggerArn', {
      description:
        'Attach as the pool post-confirmation trigger (scripts/attach-trigger.ts), or invoke it from yours',
      value: fn.functionArn,
    });
    return false;
  }
}

type PoolMode = 'created' | 'given' | 'imported';

function poolMode(props: PasswordResetProps): PoolMode {
  if (props.userPool === undefined) {
    if (props.passwordPolicy !== undefined) {
      throw new ConfigurationError(
        'passwordPolicy',
        'is only for an imported userPool; set passwordMinLength for the pool the construct creates',
        'prop',
      );
    }
    return 'created';
  }
  for (const key of POOL_SETTINGS) {
    if (props[key] !== undefined) {
      throw new ConfigurationError(
        key,
        'applies to a pool the construct creates; with "userPool" it is a setting of your own pool, which the construct does not change',
        'prop',
      );
    }
  }
  if (props.userPool instanceof cognito.UserPool) {
    if (props.passwordPolicy !== undefined) {
      throw new ConfigurationError(
        'passwordPolicy',
        'is read from a UserPool of your app; the prop is only for an imported pool',
        'prop',
      );
    }
    return 'given';
  }
  if (props.attachCustomMessage === true) {
    throw new ConfigurationError(
      'attachCustomMessage',
      'cannot be true for an imported pool: CloudFormation cannot change a pool it does not manage',
      'prop',
    );
  }
  if (props.attachTrigger === true) {
    throw new ConfigurationError(
      'attachTrigger',
      'cannot be true for an imported pool: CloudFormation cannot change a pool it does not manage (attach with scripts/attach-trigger.ts)',
      'prop',
    );
  }
  return 'imported';
}

/**
 * The password policy a `UserPool` of the caller's app was given, read from its template
 * properties; Cognito's defaults (8 characters, every character class) when it set none.
 */
function passwordPolicyOfPool(pool: cognito.UserPool): cognito.PasswordPolicy | undefined {
  const cfn = pool.node.defaultChild as cognito.CfnUserPool;
  const policies = cfn.policies;
  if (policies === undefined) return {};
  if (Token.isUnresolved(policies)) return undefined;
  const policy = (policies as cognito.CfnUserPool.PoliciesProperty).passwordPolicy;
  if (policy === undefined) return {};
  if (Token.isUnresolved(policy)) return undefined;
  const p = policy as cognito.CfnUserPool.PasswordPolicyProperty;
  const flag = (value: unknown) => (typeof value === 'boolean' ? value : undefined);
  return {
    ...(typeof p.minimumLength === 'number' ? { minLength: p.minimumLength } : {}),
    ...(flag(p.requireUppercase) === undefined
      ? {}
      : { requireUppercase: flag(p.requireUppercase) }),
    ...(flag(p.requireLowercase) === undefined
      ? {}
      : { requireLowercase: flag(p.requireLowercase) }),
    ...(flag(p.requireNumbers) === undefined ? {} : { requireDigits: flag(p.requireNumbers) }),
    ...(flag(p.requireSymbols) === undefined ? {} : { requireSymbols: flag(p.requireSymbols) }),
  };
}
