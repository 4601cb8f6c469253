/**
 * The diagram's "API Gateway REST API" box: the two routes to the functions, request validation,
 * stage throttling below Cognito's account-recovery quota, JSON access logs, error-level
 * execution logs without data traces, every gateway answer as the contract's problem document,
 * and (opt-in) the account's API Gateway CloudWatch role.
 */
import { Aws, type RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import {
  GATEWAY_RESPONSE_PROBLEMS,
  gatewayProblemBody,
  gatewayProblemHeaders,
  statusOf,
} from './gateway-problems';
import { markTransparent } from './logical-ids';
import { CONFIRM_FORGOT_PASSWORD_MODEL, FORGOT_PASSWORD_MODEL } from './request-models';
import { STAGE_NAME } from './settings';

/** Props of {@link ResetApi}. */
export interface ResetApiProps {
  readonly config: PasswordResetConfig;
  readonly forgot: lambda.IFunction;
  readonly confirm: lambda.IFunction;
  readonly removalPolicy: RemovalPolicy;
  /**
   * Set the account's API Gateway CloudWatch role (`AWS::ApiGateway::Account`) to a role made
   * here. It is one setting per account and Region: it replaces the role every other REST API
   * there logs with. Off: the account must already have one, or the stage's logging fails to
   * deploy.
   */
  readonly setAccountLoggingRole: boolean;
}

/** The REST API in front of the functions. */
export class ResetApi extends Construct {
  readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: ResetApiProps) {
    super(scope, id);
    markTransparent(this);
    const { config } = props;
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    const api = new apigateway.RestApi(this, 'Api', {
      description: 'Password reset API (contract: docs/contract.md)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Execution logging needs the account's API Gateway logging role: created below (when
      // asked to) with a policy of its own instead of CDK's managed-policy role.
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
    this.api = api;
    if (props.setAccountLoggingRole) this.createAccountLoggingRole(props.removalPolicy);

    const validator = api.addRequestValidator('BodyValidator', {
      requestValidatorName: 'body-shape',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const password = api.root.addResource('password');
    const routes = [
      { path: 'forgot', name: 'forgot-password', fn: props.forgot, model: FORGOT_PASSWORD_MODEL },
      {
        path: 'confirm',
        name: 'confirm-forgot-password',
        fn: props.confirm,
        model: CONFIRM_FORGOT_PASSWORD_MODEL,
      },
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
        new apigateway.LambdaIntegration(route.fn, { proxy: true, allowTestInvoke: false }),
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
        new apigateway.LambdaIntegration(route.fn, { proxy: true, allowTestInvoke: false }),
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
    // RestApi adds an `Endpoint` output of its own; the stack's `ApiUrl` is the one the
    // contract names, and a user's app chooses its own outputs.
    api.node.tryRemoveChild('Endpoint');
  }

  /**
   * The account-and-Region setting naming the role API Gateway writes execution logs with. The
   * role may only write API Gateway's execution log groups (named by API id and stage).
   */
  private createAccountLoggingRole(removalPolicy: RemovalPolicy) {
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
    this.api.deploymentStage.node.addDependency(account);
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
