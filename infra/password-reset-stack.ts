/**
 * `PasswordResetStack`: the user pool, its app client and secret, the three functions, the REST
 * API behind WAF, the event bus and the alarms. Secure by default; every knob comes from
 * {@link PasswordResetConfig} (cdk.json context).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  Annotations,
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { createAlarms } from './alarms';
import type { PasswordResetConfig } from './config';
import {
  GATEWAY_RESPONSE_PROBLEMS,
  gatewayProblemBody,
  gatewayProblemHeaders,
  statusOf,
} from './gateway-problems';
import { acknowledgeNagFindings, CUSTOM_RESOURCE_PROVIDER_ID } from './nag-acknowledgements';
import { CONFIRM_FORGOT_PASSWORD_MODEL, FORGOT_PASSWORD_MODEL } from './request-models';
import {
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  FUNCTION_MEMORY_MB,
  FUNCTION_TIMEOUT_SECONDS,
  type FunctionName,
  STAGE_NAME,
} from './settings';
import { createWebAcl } from './web-acl';

/** Where `npm run build` writes the bundles (`dist/lambda/<name>/index.mjs`). */
export const DEFAULT_BUNDLE_DIR = resolve(import.meta.dirname, '..', 'dist', 'lambda');

export {
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

interface DeployedFunction {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

export class PasswordResetStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly clientSecret: secretsmanager.Secret;
  readonly eventBus: events.EventBus;
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
    const bundleDir = props.bundleDir ?? DEFAULT_BUNDLE_DIR;
    const removalPolicy = config.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.eventBus = this.createEventBus(config, removalPolicy);

    const trigger = this.createFunction('PostConfirmation', 'post-confirmation', {
      bundleDir,
      config,
      environment: {
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        REVOKE_SESSIONS: String(config.revokeSessions),
        ...(config.senderAddress ? { NOTIFICATION_FROM: config.senderAddress } : {}),
        ...(config.sesRegion ? { NOTIFICATION_REGION: config.sesRegion } : {}),
      },
    });

    this.userPool = this.createUserPool(config, removalPolicy, trigger.fn);
    this.userPoolClient = this.createUserPoolClient(config);
    this.clientSecret = new secretsmanager.Secret(this, 'ClientSecret', {
      description: `App client secret of the password-reset client (rotate with AddUserPoolClientSecret, see README.md, Deploy)`,
      secretObjectValue: { clientSecret: this.userPoolClient.userPoolClientSecret },
      removalPolicy,
    });

    this.attemptsTable = config.attemptLimit > 0 ? this.createAttemptsTable() : undefined;
    const apiEnvironment = {
      USER_POOL_CLIENT_ID: this.userPoolClient.userPoolClientId,
      CLIENT_SECRET_ID: this.clientSecret.secretArn,
      ALLOWED_ORIGINS: config.allowedOrigins.join(','),
      ...(this.attemptsTable
        ? {
            ATTEMPTS_TABLE_NAME: this.attemptsTable.tableName,
            ATTEMPT_LIMIT: String(config.attemptLimit),
            ATTEMPT_WINDOW_SECONDS: String(config.attemptWindowSeconds),
          }
        : {}),
    };
    const forgot = this.createFunction('ForgotPassword', 'forgot-password', {
      bundleDir,
      config,
      environment: {
        ...apiEnvironment,
        FORGOT_MIN_RESPONSE_MS: String(config.forgotMinResponseMs),
      },
    });
    const confirm = this.createFunction('ConfirmForgotPassword', 'confirm-forgot-password', {
      bundleDir,
      config,
      environment: {
        ...apiEnvironment,
        CONFIRM_MIN_RESPONSE_MS: String(config.confirmMinResponseMs),
        PASSWORD_POLICY: passwordPolicyVariable(poolPasswordPolicy(config)),
      },
    });
    this.functions = {
      'forgot-password': forgot,
      'confirm-forgot-password': confirm,
      'post-confirmation': trigger,
    };
    this.grantFunctionPermissions(config);

    this.api = this.createApi(config, removalPolicy);
    this.webAcl = createWebAcl(this, this.api.deploymentStage, config);
    this.alarmTopic = createAlarms(this, {
      stage: this.api.deploymentStage,
      functions: {
        'forgot-password': forgot.fn,
        'confirm-forgot-password': confirm.fn,
        'post-confirmation': trigger.fn,
      },
      config,
    });

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API (POST {ApiUrl}password/forgot, {ApiUrl}password/confirm)',
      value: this.api.url,
    });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'ClientSecretArn', { value: this.clientSecret.secretArn });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });

    this.giveCustomResourceProviderLogRetention(config, removalPolicy);
    if (props.acknowledgeNagFindings ?? true) acknowledgeNagFindings(this, config);
  }

  /**
   * CDK's singleton provider behind `userPoolClientSecret` logs to an implicit log group kept
   * forever; point it at one with the configured retention. (It never logs Cognito's answer:
   * `logApiResponseData` is off.)
   */
  private giveCustomResourceProviderLogRetention(
    config: PasswordResetConfig,
    removalPolicy: RemovalPolicy,
  ) {
    const provider = this.node.tryFindChild(CUSTOM_RESOURCE_PROVIDER_ID);
    const cfn = provider?.node.tryFindChild('Resource');
    if (!(cfn instanceof lambda.CfnFunction)) {
      throw new Error(`CDK's AwsCustomResource provider ${CUSTOM_RESOURCE_PROVIDER_ID} not found`);
    }
    const logGroup = new logs.LogGroup(this, 'ClientSecretReaderLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    cfn.loggingConfig = { logGroup: logGroup.logGroupName };
  }

  private createEventBus(config: PasswordResetConfig, removalPolicy: RemovalPolicy) {
    const bus = new events.EventBus(this, 'EventBus', {
      description: `${EVENT_DETAIL_TYPE} events of the password-reset trigger`,
    });
    bus.applyRemovalPolicy(removalPolicy);
    const archive = bus.archive('EventArchive', {
      description: `Replayable copy of every ${EVENT_DETAIL_TYPE} event`,
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(config.logRetentionDays),
    });
    archive.applyRemovalPolicy(removalPolicy);
    // An example consumer: add targets (a queue, a SIEM, a notification service) to this rule.
    new events.Rule(this, 'PasswordResetCompletedRule', {
      eventBus: bus,
      description: `Example rule matching ${EVENT_DETAIL_TYPE}; add targets to consume the events`,
      eventPattern: { source: [EVENT_SOURCE], detailType: [EVENT_DETAIL_TYPE] },
    });
    return bus;
  }

  private createFunction(
    id: string,
    name: FunctionName,
    options: {
      bundleDir: string;
      config: PasswordResetConfig;
      environment: Record<string, string>;
    },
  ): DeployedFunction {
    const assetDir = join(options.bundleDir, name);
    if (!existsSync(join(assetDir, 'index.mjs'))) {
      throw new Error(
        `Lambda bundle ${join(assetDir, 'index.mjs')} is missing: run \`npm run build\` first`,
      );
    }
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: options.config.logRetentionDays as logs.RetentionDays,
      removalPolicy: options.config.sandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    // A role of its own with no managed policy: only this function's log group, plus what
    // grantFunctionPermissions adds, action by action.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${name} function`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const fn = new lambda.Function(this, id, {
      description: `cognito-password-reset ${name}`,
      code: lambda.Code.fromAsset(assetDir),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: FUNCTION_MEMORY_MB,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS[name]),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: options.environment,
    });
    fn.node.addDependency(role);
    return { fn, role, logGroup };
  }

  private createUserPool(
    config: PasswordResetConfig,
    removalPolicy: RemovalPolicy,
    trigger: lambda.IFunction,
  ) {
    const threatProtection = config.threatProtection !== 'off';
    const email = this.userPoolEmail(config);
    const pool = new cognito.UserPool(this, 'UserPool', {
      signInAliases: { email: true, username: false },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      selfSignUpEnabled: false,
      // Recovery through a verified email only: SMS recovery invites SIM-swap takeover and
      // SMS-pumping fraud.
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: poolPasswordPolicy(config),
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(threatProtection
        ? {
            standardThreatProtectionMode:
              config.threatProtection === 'enforced'
                ? cognito.StandardThreatProtectionMode.FULL_FUNCTION
                : cognito.StandardThreatProtectionMode.AUDIT_ONLY,
          }
        : {}),
      email,
      deletionProtection: !config.sandbox,
      removalPolicy,
      lambdaTriggers: { postConfirmation: trigger },
    });
    if (threatProtection) {
      new cognito.CfnUserPoolRiskConfigurationAttachment(this, 'CompromisedCredentials', {
        userPoolId: pool.userPoolId,
        clientId: 'ALL',
        compromisedCredentialsRiskConfiguration: {
          // PASSWORD_CHANGE covers ConfirmForgotPassword: a known-breached new password is refused.
          eventFilter: ['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'],
          actions: { eventAction: config.threatProtection === 'enforced' ? 'BLOCK' : 'NO_ACTION' },
        },
      });
    }
    return pool;
  }

  private userPoolEmail(config: PasswordResetConfig): cognito.UserPoolEmail {
    if (config.senderAddress === undefined) {
      Annotations.of(this).addWarningV2(
        'password-reset:cognito-default-sender',
        'No "senderAddress" configured: Cognito sends the codes with its default sender (about 50 emails a day per account, no custom From). Configure a verified SES identity for production.',
      );
      return cognito.UserPoolEmail.withCognito();
    }
    const identity = config.sesIdentity ?? config.senderAddress;
    return cognito.UserPoolEmail.withSES({
      fromEmail: config.senderAddress,
      ...(config.sesRegion ? { sesRegion: config.sesRegion } : {}),
      ...(identity.includes('@') ? {} : { sesVerifiedDomain: identity }),
    });
  }

  /**
   * Counters only, each deleted by TTL after its window: nothing to retain or restore, so the
   * table goes with the stack whatever `sandbox` says.
   */
  private createAttemptsTable(): dynamodb.TableV2 {
    return new dynamodb.TableV2(this, 'AttemptsTable', {
      partitionKey: { name: 'key', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  private createUserPoolClient(config: PasswordResetConfig) {
    const client = this.userPool.addClient('PasswordResetClient', {
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
    });
    // CDK omits an empty flow list, which makes Cognito enable its defaults; state the minimum
    // Cognito accepts (refresh only, useless without a flow that issues tokens).
    (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = [
      'ALLOW_REFRESH_TOKEN_AUTH',
    ];
    return client;
  }

  private grantFunctionPermissions(config: PasswordResetConfig) {
    for (const name of ['forgot-password', 'confirm-forgot-password'] as const) {
      this.functions[name].role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadClientSecret',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [this.clientSecret.secretArn],
        }),
      );
    }
    if (this.attemptsTable) {
      for (const name of ['forgot-password', 'confirm-forgot-password'] as const) {
        this.functions[name].role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            sid: 'CountAttempts',
            actions: ['dynamodb:UpdateItem'],
            resources: [this.attemptsTable.tableArn],
          }),
        );
      }
    }
    const trigger = this.functions['post-confirmation'];
    if (config.revokeSessions) {
      // The pool depends on the trigger, so the trigger's role cannot reference the pool without
      // a cycle; a separate policy resource can (it depends on both, nothing depends on it).
      trigger.role.attachInlinePolicy(
        new iam.Policy(this, 'PostConfirmationSignOutPolicy', {
          statements: [
            new iam.PolicyStatement({
              sid: 'RevokeSessions',
              actions: ['cognito-idp:AdminUserGlobalSignOut'],
              resources: [this.userPool.userPoolArn],
            }),
          ],
        }),
      );
    }
    trigger.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishResetEvent',
        actions: ['events:PutEvents'],
        resources: [this.eventBus.eventBusArn],
      }),
    );
    if (config.senderAddress !== undefined) {
      const identity = config.sesIdentity ?? config.senderAddress;
      trigger.role.addToPrincipalPolicy(
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

  private createApi(config: PasswordResetConfig, removalPolicy: RemovalPolicy) {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    const api = new apigateway.RestApi(this, 'Api', {
      description: 'Password reset API (contract: docs/contract.md)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Execution logging needs the account's API Gateway logging role: created below with a
      // policy of its own instead of CDK's managed-policy role.
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        // Per method: the two POST methods together stay below Cognito's 30/s recovery quota.
        throttlingRateLimit: config.throttleRateLimit,
        throttlingBurstLimit: config.throttleBurstLimit,
        // ERROR, never INFO, and no data trace: those log request bodies (passwords, codes).
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            extendedRequestId: '$context.extendedRequestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            httpMethod: '$context.httpMethod',
            resourcePath: '$context.resourcePath',
            path: '$context.path',
            protocol: '$context.protocol',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationStatus: '$context.integrationStatus',
            integrationRequestId: '$context.integration.requestId',
            errorResponseType: '$context.error.responseType',
            wafStatus: '$context.waf.status',
            xrayTraceId: '$context.xrayTraceId',
          }),
        ),
      },
    });
    this.createApiGatewayLoggingRole(api, removalPolicy);

    const validator = api.addRequestValidator('BodyValidator', {
      requestValidatorName: 'body-shape',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const password = api.root.addResource('password');
    const routes = [
      { path: 'forgot', name: 'forgot-password', model: FORGOT_PASSWORD_MODEL },
      { path: 'confirm', name: 'confirm-forgot-password', model: CONFIRM_FORGOT_PASSWORD_MODEL },
    ] as const;
    for (const route of routes) {
      const resource = password.addResource(route.path);
      const model = api.addModel(`${route.model.title}Model`, {
        contentType: 'application/json',
        modelName: route.model.title,
        schema: route.model,
      });
      resource.addMethod(
        'POST',
        new apigateway.LambdaIntegration(this.functions[route.name].fn, {
          proxy: true,
          allowTestInvoke: false,
        }),
        {
          operationName: route.name,
          authorizationType: apigateway.AuthorizationType.NONE,
          requestValidator: validator,
          requestModels: { 'application/json': model },
        },
      );
      // Every other method, OPTIONS included, goes to the same function, which answers the CORS
      // preflight (204) and 405 for the rest, exactly as the local stack does. Without it API
      // Gateway answers 403 "Missing Authentication Token", indistinguishable from an unknown path.
      resource.addMethod(
        'ANY',
        new apigateway.LambdaIntegration(this.functions[route.name].fn, {
          proxy: true,
          allowTestInvoke: false,
        }),
        {
          operationName: `${route.name}-other-methods`,
          authorizationType: apigateway.AuthorizationType.NONE,
        },
      );
    }

    for (const [type, code] of Object.entries(GATEWAY_RESPONSE_PROBLEMS)) {
      api.addGatewayResponse(`GatewayResponse${pascal(type)}`, {
        type: apigateway.ResponseType.of(type),
        statusCode: statusOf(code),
        responseHeaders: {
          ...quoteAll(gatewayProblemHeaders(code)),
          ...staticCorsHeaders(config),
          'X-Request-Id': 'context.requestId',
        },
        templates: { 'application/json': gatewayProblemBody(code) },
      });
    }
    // RestApi adds an `Endpoint` output of its own; `ApiUrl` is the one the contract names.
    api.node.tryRemoveChild('Endpoint');
    return api;
  }

  /**
   * The account-and-Region setting naming the role API Gateway writes execution logs with. The
   * role may only write API Gateway's execution log groups (named by API id and stage).
   */
  private createApiGatewayLoggingRole(api: apigateway.RestApi, removalPolicy: RemovalPolicy) {
    const role = new iam.Role(this, 'ApiGatewayLoggingRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets API Gateway write execution logs (account-wide setting of the Region)',
      inlinePolicies: {
        ExecutionLogs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: [
                'logs:CreateLogGroup',
                'logs:CreateLogStream',
                'logs:DescribeLogGroups',
                'logs:DescribeLogStreams',
                'logs:PutLogEvents',
                'logs:PutRetentionPolicy',
              ],
              // Pseudo-parameters rather than the synth environment: the same policy (and the
              // same cdk-nag finding id) whether or not the CLI knows the account.
              resources: [
                `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:API-Gateway-Execution-Logs_*`,
                `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:API-Gateway-Execution-Logs_*:log-stream:*`,
              ],
            }),
          ],
        }),
      },
    });
    // Other APIs of the account may rely on this role once it is the account's setting: it is
    // retained unless this is a sandbox.
    role.applyRemovalPolicy(removalPolicy);
    const account = new apigateway.CfnAccount(this, 'ApiGatewayAccount', {
      cloudWatchRoleArn: role.roleArn,
    });
    account.node.addDependency(role);
    api.deploymentStage.node.addDependency(account);
  }
}

/**
 * Gateway responses cannot compare the Origin with a list; with exactly one configured origin
 * it is stated statically, otherwise no CORS header (never an echo of an arbitrary origin).
 */
function staticCorsHeaders(config: PasswordResetConfig): Record<string, string> {
  const [only, ...others] = config.allowedOrigins;
  if (only === undefined || others.length > 0) return { Vary: "'Origin'" };
  return { 'Access-Control-Allow-Origin': `'${only}'`, Vary: "'Origin'" };
}

function quoteAll(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, `'${value}'`]));
}

function pascal(value: string): string {
  return value
    .toLowerCase()
    .split(/[-_]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The pool's password policy. NIST SP 800-63B-4: length, not composition rules. */
function poolPasswordPolicy(config: PasswordResetConfig): cognito.PasswordPolicy {
  return {
    minLength: config.passwordMinLength,
    requireLowercase: false,
    requireUppercase: false,
    requireDigits: false,
    requireSymbols: false,
    tempPasswordValidity: Duration.days(3),
    ...(config.passwordHistorySize > 0 ? { passwordHistorySize: config.passwordHistorySize } : {}),
  };
}

/**
 * The confirm function's `PASSWORD_POLICY`: the same policy as the pool's, in Cognito's
 * `PasswordPolicyType` names, so the function refuses a weak password before Cognito does (for
 * an unknown account Cognito would answer a code mismatch instead: see `password-policy.ts`).
 */
function passwordPolicyVariable(policy: cognito.PasswordPolicy): string {
  return JSON.stringify({
    MinimumLength: policy.minLength ?? 8,
    RequireUppercase: policy.requireUppercase ?? true,
    RequireLowercase: policy.requireLowercase ?? true,
    RequireNumbers: policy.requireDigits ?? true,
    RequireSymbols: policy.requireSymbols ?? true,
  });
}
