/**
 * PasswordResetStack with the default configuration (no context but the sender every deployment
 * outside a sandbox needs, as `npm run synth` runs it): every property issue 4 asks for, asserted
 * on the synthesized template.
 */

import type { CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_RESPONSE_PROBLEMS } from '../../infra/gateway-problems';
import {
  FUNCTION_MEMORY_MB,
  FUNCTION_NAMES,
  FUNCTION_TIMEOUT_SECONDS,
  type FunctionName,
  type PasswordResetStack,
} from '../../infra/password-reset-stack';
import { PROBLEM_CATALOG, type ProblemCode } from '../../lambda/shared/problem-catalog';
import { PROBLEM_CONTENT_TYPE, SECURITY_HEADERS } from '../../lambda/shared/security-headers';
import { synthesize, TEST_ENV, TEST_SENDER } from './synth';
import {
  environmentOf,
  findDependencyCycle,
  grantsOfRole,
  onlyResource,
  resourcesOfType,
} from './template-queries';
import { countsTowardsRateLimit, type RateBasedStatement } from './waf-match';

let stack: PasswordResetStack;
let template: Template;
/** A sandbox without a sender: the only configuration that may use Cognito's default sender. */
let sandboxed: { stack: PasswordResetStack; template: Template };
const id = (construct: IConstruct) =>
  stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);

beforeAll(() => {
  ({ stack, template } = synthesize());
  sandboxed = synthesize({ sandbox: true, senderAddress: null });
});

describe('the template as a whole', () => {
  it('has no dependency cycle (the trigger reaches the pool it is attached to)', () => {
    expect(findDependencyCycle(template)).toBeUndefined();
  });

  it('exports ApiUrl, UserPoolId and UserPoolClientId (and no duplicate endpoint output)', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'AlarmTopicArn',
      'ApiUrl',
      'ClientSecretArn',
      'EventBusName',
      'UserPoolClientId',
      'UserPoolId',
    ]);
    // Assess
    template.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
    template.hasOutput('UserPoolId', { Value: { Ref: id(stack.userPool) } });
    template.hasOutput('UserPoolClientId', { Value: { Ref: id(stack.userPoolClient) } });
  });

  it('retains every stateful resource (not a sandbox)', () => {
    for (const type of [
      'AWS::Cognito::UserPool',
      'AWS::SecretsManager::Secret',
      'AWS::Logs::LogGroup',
      'AWS::Events::EventBus',
      'AWS::Events::Archive',
    ]) {
      for (const resource of Object.values(resourcesOfType(template, type))) {
        expect(resource.DeletionPolicy, type).toBe('Retain');
        expect(resource.UpdateReplacePolicy, type).toBe('Retain');
      }
    }
  });
});

describe('logs', () => {
  it('every function, CDK’s deploy-time secret reader included, logs to a group with a retention', () => {
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    for (const group of Object.values(groups)) expect(group.Properties?.RetentionInDays).toBe(90);
    const functions = Object.values(resourcesOfType(template, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(6);
    for (const fn of functions) {
      const logGroup = (fn.Properties?.LoggingConfig as { LogGroup?: { Ref: string } } | undefined)
        ?.LogGroup;
      expect(Object.keys(groups)).toContain(logGroup?.Ref);
    }
  });
});

describe('user pool', () => {
  it('signs in by email, case-insensitively, recovers through a verified email only', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AutoVerifiedAttributes: ['email'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    });
  });

  it('follows NIST SP 800-63B-4: 15 characters minimum, no composition rules, history', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: {
          MinimumLength: 15,
          RequireLowercase: false,
          RequireUppercase: false,
          RequireNumbers: false,
          RequireSymbols: false,
          PasswordHistorySize: 5,
        },
      },
    });
  });

  it('offers TOTP MFA, never SMS', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('is protected from deletion and has threat protection off (ESSENTIALS, no add-ons)', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      DeletionProtection: 'ACTIVE',
      UserPoolTier: 'ESSENTIALS',
      UserPoolAddOns: Match.absent(),
    });
    template.resourceCountIs('AWS::Cognito::UserPoolRiskConfigurationAttachment', 0);
  });

  it('runs the post-confirmation trigger', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PostConfirmation: { 'Fn::GetAtt': [id(stack.functions['post-confirmation'].fn), 'Arn'] },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [id(stack.functions['post-confirmation'].fn), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [id(stack.userPool), 'Arn'] },
    });
  });

  it('runs the custom-message trigger (the reset email), invocable by this pool only', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        CustomMessage: { 'Fn::GetAtt': [id(stack.functions['custom-message'].fn), 'Arn'] },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [id(stack.functions['custom-message'].fn), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [id(stack.userPool), 'Arn'] },
    });
  });

  it("sends with Cognito's default sender and warns at synth when a sandbox has no SES identity", () => {
    sandboxed.template.hasResourceProperties('AWS::Cognito::UserPool', {
      EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
    });
    Annotations.fromStack(sandboxed.stack).hasWarning(
      '/PasswordResetStack/PasswordReset/Pool',
      Match.stringLikeRegexp('No "senderAddress" configured'),
    );
  });
});

describe('app client', () => {
  it('issues access and ID tokens for 15 minutes, not Cognito default hour', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AccessTokenValidity: 15,
      IdTokenValidity: 15,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
    });
  });

  it('has a generated secret, prevents user-existence errors, revokes tokens, propagates the caller IP', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      EnablePropagateAdditionalUserContextData: true,
    });
  });

  it("enables no sign-in flow and no OAuth (neither Cognito's nor CDK's defaults)", () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlowsUserPoolClient: false,
      AllowedOAuthFlows: Match.absent(),
      AllowedOAuthScopes: Match.absent(),
      CallbackURLs: Match.absent(),
    });
  });
});

describe('client secret', () => {
  it('starts as a generated placeholder: no value of the client in the template', () => {
    const [, secret] = onlyResource(template, 'AWS::SecretsManager::Secret');
    expect(secret.Properties?.SecretString).toBeUndefined();
    expect(secret.Properties?.GenerateSecretString).toEqual({
      SecretStringTemplate: JSON.stringify({ placeholder: 'written by the first rotation' }),
      GenerateStringKey: 'unused',
    });
  });

  it('is never written by a deployment: no custom resource, and only the rotation function may put a value', () => {
    const resources = template.toJSON().Resources as Record<string, { Type: string }>;
    expect(Object.values(resources).filter((r) => r.Type.startsWith('Custom::'))).toEqual([]);
    expect(resourcesOfType(template, 'AWS::CloudFormation::CustomResource')).toEqual({});
    const writers = Object.keys(resourcesOfType(template, 'AWS::IAM::Role')).filter((role) =>
      grantsOfRole(template, role).some((grant) =>
        grant.actions.some((action) =>
          /^secretsmanager:(PutSecretValue|UpdateSecret|UpdateSecretVersionStage|\*)$/.test(action),
        ),
      ),
    );
    expect(writers).toEqual([id(stack.functions['rotate-client-secret'].role)]);
  });

  it('rotates at once on creation and every 90 days by default', () => {
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: id(stack.clientSecret) },
      RotationLambdaARN: {
        'Fn::GetAtt': [id(stack.functions['rotate-client-secret'].fn), 'Arn'],
      },
      RotationRules: { ScheduleExpression: 'rate(90 days)' },
      RotateImmediatelyOnUpdate: true,
    });
  });

  it.each([
    [0, Match.absent()],
    ['off', Match.absent()],
    [30, { ScheduleExpression: 'rate(30 days)' }],
  ] as const)('secretRotationDays %s: schedule %o', (days, rules) => {
    const other = synthesize({ secretRotationDays: days });
    other.template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: rules,
      RotateImmediatelyOnUpdate: true,
    });
  });

  it('lets the rotation function touch this secret and this pool only', () => {
    const rotation = stack.functions['rotate-client-secret'];
    const grants = grantsOfRole(template, id(rotation.role));
    const secretRef = { Ref: id(stack.clientSecret) };
    const poolArn = { 'Fn::GetAtt': [id(stack.userPool), 'Arn'] };
    expect(grants).toEqual(
      expect.arrayContaining([
        {
          effect: 'Allow',
          actions: [
            'cognito-idp:AddUserPoolClientSecret',
            'cognito-idp:DeleteUserPoolClientSecret',
            'cognito-idp:ListUserPoolClientSecrets',
          ],
          resources: [poolArn],
        },
      ]),
    );
    for (const grant of grants) {
      if (grant.actions.some((a) => a.startsWith('secretsmanager:'))) {
        expect(grant.resources, grant.actions.join()).toEqual([secretRef]);
      }
    }
    expect(environmentOf(template, id(rotation.fn))).toMatchObject({
      USER_POOL_ID: { Ref: id(stack.userPool) },
      CLIENT_ID: { Ref: id(stack.userPoolClient) },
    });
  });
});

describe.each(FUNCTION_NAMES)('function %s', (name: FunctionName) => {
  const fn = () => stack.functions[name];

  it('deploys the build bundle on nodejs24.x, arm64, with the chosen memory, timeout and tracing', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: `cognito-password-reset ${name}`,
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: FUNCTION_MEMORY_MB,
      Timeout: FUNCTION_TIMEOUT_SECONDS[name],
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: id(fn().logGroup) } },
    });
  });

  it('logs to its own log group with a retention', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 90 },
      DeletionPolicy: 'Retain',
    });
    expect(
      resourcesOfType(template, 'AWS::Logs::LogGroup')[id(fn().logGroup)]?.Properties
        ?.RetentionInDays,
    ).toBe(90);
  });

  it('has a role with no managed policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: `Execution role of the ${name} function`,
      ManagedPolicyArns: Match.absent(),
    });
  });
});

describe('timeouts', () => {
  it('stay below API Gateway 29 s for the API functions and within Cognito 5 s for the trigger', () => {
    expect(FUNCTION_TIMEOUT_SECONDS['forgot-password']).toBeLessThan(29);
    expect(FUNCTION_TIMEOUT_SECONDS['confirm-forgot-password']).toBeLessThan(29);
    expect(FUNCTION_TIMEOUT_SECONDS['post-confirmation']).toBeLessThanOrEqual(5);
    expect(FUNCTION_TIMEOUT_SECONDS['custom-message']).toBeLessThanOrEqual(5);
  });
});

describe('environment (contract section 5)', () => {
  const variables = (name: FunctionName) => environmentOf(template, id(stack.functions[name].fn));
  const ATTEMPT_VARIABLES = () => ({
    ATTEMPTS_TABLE_NAME: { Ref: id(stack.attemptsTable as IConstruct) },
    ATTEMPT_LIMIT: '10',
    ATTEMPT_WINDOW_SECONDS: '900',
  });

  it('keeps the attempt counters in an on-demand table whose rows expire by TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('gives forgot the client id, the secret ARN, the origins and the timing floor', () => {
    expect(variables('forgot-password')).toEqual({
      USER_POOL_CLIENT_ID: { Ref: id(stack.userPoolClient) },
      CLIENT_SECRET_ID: { Ref: id(stack.clientSecret) },
      ALLOWED_ORIGINS: '',
      FORGOT_MIN_RESPONSE_MS: '700',
      ...ATTEMPT_VARIABLES(),
    });
  });

  it('gives confirm the client id, the secret ARN, the origins, the timing floor and the password policy', () => {
    expect(variables('confirm-forgot-password')).toEqual({
      USER_POOL_CLIENT_ID: { Ref: id(stack.userPoolClient) },
      CLIENT_SECRET_ID: { Ref: id(stack.clientSecret) },
      ALLOWED_ORIGINS: '',
      ...ATTEMPT_VARIABLES(),
      CONFIRM_MIN_RESPONSE_MS: '400',
      PASSWORD_POLICY: expect.any(String),
    });
  });

  it("gives confirm the pool's own password policy, rule for rule", () => {
    const pools = Object.values(template.findResources('AWS::Cognito::UserPool'));
    const poolPolicy = pools[0]?.Properties.Policies.PasswordPolicy as Record<string, unknown>;
    const variable = JSON.parse(String(variables('confirm-forgot-password').PASSWORD_POLICY));
    expect(pools).toHaveLength(1);
    expect(variable).toEqual({
      MinimumLength: poolPolicy.MinimumLength,
      RequireUppercase: poolPolicy.RequireUppercase,
      RequireLowercase: poolPolicy.RequireLowercase,
      RequireNumbers: poolPolicy.RequireNumbers,
      RequireSymbols: poolPolicy.RequireSymbols,
    });
    expect(variable.MinimumLength).toBe(15);
  });

  it('gives the trigger the bus, the revocation switch, the sender (as switches) and the queue', () => {
    expect(variables('post-confirmation')).toEqual({
      EVENT_BUS_NAME: { Ref: id(stack.eventBus) },
      REVOKE_SESSIONS: 'true',
      NOTIFICATION_FROM: TEST_SENDER,
      AFTER_RESET_QUEUE_URL: { Ref: id(stack.afterResetQueue) },
    });
  });

  it('gives the worker the bus, the sender, both queues and the idempotency table', () => {
    expect(variables('deliver-after-reset')).toEqual({
      EVENT_BUS_NAME: { Ref: id(stack.eventBus) },
      NOTIFICATION_FROM: TEST_SENDER,
      AFTER_RESET_QUEUE_URL: { Ref: id(stack.afterResetQueue) },
      DEAD_LETTER_QUEUE_URL: { Ref: id(stack.afterResetDeadLetterQueue) },
      IDEMPOTENCY_TABLE_NAME: { Ref: expect.stringMatching(/^AfterResetIdempotencyTable/) },
      DEFAULT_LOCALE: 'en',
    });
  });

  it('gives the custom-message trigger its default locale, and nothing it was not configured with', () => {
    expect(variables('custom-message')).toEqual({ DEFAULT_LOCALE: 'en' });
  });

  it('gives the trigger no sender in a sandbox without one', () => {
    const own = sandboxed.stack.functions['post-confirmation'].fn;
    const sandboxId = sandboxed.stack.getLogicalId(own.node.defaultChild as CfnElement);
    expect(environmentOf(sandboxed.template, sandboxId)).not.toHaveProperty('NOTIFICATION_FROM');
  });
});

describe('IAM: each function may call exactly what it calls, on exactly its resources', () => {
  const logsGrant = (name: FunctionName) => ({
    effect: 'Allow',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [{ 'Fn::GetAtt': [id(stack.functions[name].logGroup), 'Arn'] }],
  });
  const xrayGrant = {
    effect: 'Allow',
    actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
    resources: ['*'],
  };
  const secretGrant = () => ({
    effect: 'Allow',
    actions: ['secretsmanager:GetSecretValue'],
    resources: [{ Ref: id(stack.clientSecret) }],
  });

  it.each(['forgot-password', 'confirm-forgot-password'] as const)(
    '%s: its logs, X-Ray, GetSecretValue on the one secret and UpdateItem on the attempts table',
    (name) => {
      const attemptsGrant = {
        effect: 'Allow',
        actions: ['dynamodb:UpdateItem'],
        resources: [{ 'Fn::GetAtt': [id(stack.attemptsTable as IConstruct), 'Arn'] }],
      };
      expect(grantsOfRole(template, id(stack.functions[name].role))).toEqual(
        [attemptsGrant, logsGrant(name), secretGrant(), xrayGrant].sort((a, b) =>
          a.actions.join().localeCompare(b.actions.join()),
        ),
      );
    },
  );

  it('post-confirmation: its logs, X-Ray, AdminUserGlobalSignOut on the pool, SendMessage on the after-reset queue; no SES, no EventBridge', () => {
    expect(grantsOfRole(template, id(stack.functions['post-confirmation'].role))).toEqual([
      {
        effect: 'Allow',
        actions: ['cognito-idp:AdminUserGlobalSignOut'],
        resources: [{ 'Fn::GetAtt': [id(stack.userPool), 'Arn'] }],
      },
      logsGrant('post-confirmation'),
      {
        effect: 'Allow',
        actions: ['sqs:SendMessage'],
        resources: [{ 'Fn::GetAtt': [id(stack.afterResetQueue), 'Arn'] }],
      },
      xrayGrant,
    ]);
  });

  it('deliver-after-reset: its logs, X-Ray, the sign-out retry, PutEvents on the bus, SendEmail as the sender, its queue, the idempotency table', () => {
    const grants = grantsOfRole(template, id(stack.functions['deliver-after-reset'].role));
    const table = expect.objectContaining({
      'Fn::GetAtt': [expect.stringMatching(/^AfterResetIdempotencyTable/), 'Arn'],
    });
    const queueArn = { 'Fn::GetAtt': [id(stack.afterResetQueue), 'Arn'] };
    expect(grants).toEqual([
      {
        effect: 'Allow',
        actions: ['cognito-idp:AdminUserGlobalSignOut'],
        resources: [{ 'Fn::GetAtt': [id(stack.userPool), 'Arn'] }],
      },
      {
        effect: 'Allow',
        actions: [
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ],
        resources: [table],
      },
      {
        effect: 'Allow',
        actions: ['events:PutEvents'],
        resources: [{ 'Fn::GetAtt': [id(stack.eventBus), 'Arn'] }],
      },
      logsGrant('deliver-after-reset'),
      {
        effect: 'Allow',
        actions: ['ses:SendEmail'],
        resources: [
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                `:ses:${TEST_ENV.region}:${TEST_ENV.account}:identity/${TEST_SENDER}`,
              ],
            ],
          },
        ],
      },
      {
        effect: 'Allow',
        actions: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
        ],
        resources: [queueArn],
      },
      {
        effect: 'Allow',
        actions: ['sqs:SendMessage'],
        resources: [queueArn, { 'Fn::GetAtt': [id(stack.afterResetDeadLetterQueue), 'Arn'] }],
      },
      xrayGrant,
    ]);
  });

  it('custom-message: its logs and X-Ray only (it calls no AWS service)', () => {
    expect(grantsOfRole(template, id(stack.functions['custom-message'].role))).toEqual([
      logsGrant('custom-message'),
      xrayGrant,
    ]);
  });

  it('attaches the pool permission in a policy the trigger function does not depend on', () => {
    const trigger = resourcesOfType(template, 'AWS::Lambda::Function')[
      id(stack.functions['post-confirmation'].fn)
    ];
    const triggerRole = id(stack.functions['post-confirmation'].role);
    const signOutPolicy = Object.entries(resourcesOfType(template, 'AWS::IAM::Policy')).find(
      ([, policy]) =>
        JSON.stringify(policy.Properties).includes('AdminUserGlobalSignOut') &&
        JSON.stringify(policy.Properties?.Roles).includes(triggerRole),
    );
    expect(signOutPolicy).toBeDefined();
    expect([trigger?.DependsOn ?? []].flat()).not.toContain(signOutPolicy?.[0]);
  });

  it('grants Resource "*" only for X-Ray, which has no resource-level permissions', () => {
    for (const role of Object.keys(resourcesOfType(template, 'AWS::IAM::Role'))) {
      for (const grant of grantsOfRole(template, role)) {
        if (grant.resources.includes('*')) {
          expect(grant.actions, role).toEqual([
            'xray:PutTelemetryRecords',
            'xray:PutTraceSegments',
          ]);
        }
      }
    }
  });
});

describe('API stage', () => {
  const methodSettings = () =>
    (
      (onlyResource(template, 'AWS::ApiGateway::Stage')[1].Properties?.MethodSettings ??
        []) as Record<string, unknown>[]
    )[0];

  it('throttles each method so that the two POSTs together stay below 30 requests/s', () => {
    const settings = methodSettings();
    expect(settings).toMatchObject({ HttpMethod: '*', ResourcePath: '/*' });
    expect(2 * Number(settings?.ThrottlingRateLimit)).toBeLessThan(30);
    expect(settings).toMatchObject({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
  });

  it('logs executions at ERROR without data trace (INFO and data trace log bodies)', () => {
    expect(methodSettings()).toMatchObject({
      LoggingLevel: 'ERROR',
      DataTraceEnabled: false,
      MetricsEnabled: true,
    });
    template.hasResourceProperties('AWS::ApiGateway::Account', {
      CloudWatchRoleArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
  });

  it('writes access logs as JSON with the request id, status and error type, never a body', () => {
    const [, stage] = onlyResource(template, 'AWS::ApiGateway::Stage');
    const access = stage.Properties?.AccessLogSetting as {
      Format: string;
      DestinationArn: unknown;
    };
    const format = JSON.parse(access.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      status: '$context.status',
      errorResponseType: '$context.error.responseType',
    });
    expect(access.Format).not.toMatch(/\$input|requestBody|validationErrorString/);
    expect(stage.Properties?.StageName).toBe('v1');
    expect(stage.Properties?.TracingEnabled).toBe(true);
  });
});

describe('API methods', () => {
  const methods = () => Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method'));

  it('has POST and ANY on /password/forgot and /password/confirm, and nothing else', () => {
    expect(
      methods()
        .map((method) => method.Properties?.HttpMethod)
        .sort(),
    ).toEqual(['ANY', 'ANY', 'POST', 'POST']);
    const paths = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Resource'))
      .map((resource) => resource.Properties?.PathPart)
      .sort();
    expect(paths).toEqual(['confirm', 'forgot', 'password']);
  });

  it.each([
    ['forgot-password', 'ForgotPasswordRequest'],
    ['confirm-forgot-password', 'ConfirmForgotPasswordRequest'],
  ] as const)('POST to %s is a Lambda proxy with body validation against %s', (name, model) => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'NONE',
      RequestValidatorId: { Ref: Match.anyValue() },
      RequestModels: { 'application/json': { Ref: Match.stringLikeRegexp(model) } },
      Integration: Match.objectLike({
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
      }),
    });
    const posts = methods().filter((method) => method.Properties?.HttpMethod === 'POST');
    expect(JSON.stringify(posts)).toContain(id(stack.functions[name].fn));
  });

  it('sends every other method (OPTIONS included) to the same function, which answers 204 or 405', () => {
    const others = methods().filter((method) => method.Properties?.HttpMethod === 'ANY');
    for (const method of others) {
      expect(method.Properties?.RequestValidatorId).toBeUndefined();
      expect(method.Properties?.Integration).toMatchObject({ Type: 'AWS_PROXY' });
    }
    const text = JSON.stringify(others);
    expect(text).toContain(id(stack.functions['forgot-password'].fn));
    expect(text).toContain(id(stack.functions['confirm-forgot-password'].fn));
  });

  it('validates the body (and parameters) with one request validator', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });
});

describe('request models', () => {
  const schema = (name: string) =>
    Object.values(resourcesOfType(template, 'AWS::ApiGateway::Model')).find(
      (model) => model.Properties?.Name === name,
    )?.Properties?.Schema as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, Record<string, unknown>>;
    };

  it.each([
    ['ForgotPasswordRequest', ['username']],
    ['ConfirmForgotPasswordRequest', ['username', 'code', 'password']],
  ])('%s requires %j and refuses unknown fields', (name, required) => {
    expect(schema(name).required).toEqual(required);
    expect(schema(name).additionalProperties).toBe(false);
  });

  it.each([
    ['ForgotPasswordRequest', 'encodedData'],
    ['ConfirmForgotPasswordRequest', 'encodedData'],
    ['ConfirmForgotPasswordRequest', 'code'],
    ['ConfirmForgotPasswordRequest', 'password'],
  ])(
    '%s checks only the type of %s (a length or pattern rejection would quote it)',
    (name, field) => {
      expect(schema(name).properties[field]).toEqual({ type: 'string' });
    },
  );

  it('bounds the non-secret fields as the contract does', () => {
    const properties = schema('ConfirmForgotPasswordRequest').properties;
    expect(properties.username).toEqual({ type: 'string', minLength: 1, maxLength: 128 });
    expect(properties.clientMetadata).toMatchObject({ type: 'object', maxProperties: 10 });
    expect(properties.analyticsEndpointId).toEqual({
      type: 'string',
      minLength: 1,
      maxLength: 1024,
    });
  });
});

describe('gateway responses', () => {
  const responses = () =>
    Object.values(resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse')).map(
      (resource) =>
        resource.Properties as {
          ResponseType: string;
          StatusCode: string;
          ResponseParameters: Record<string, string>;
          ResponseTemplates: Record<string, string>;
        },
    );
  const responseOf = (type: string) => {
    const found = responses().find((response) => response.ResponseType === type);
    if (!found) throw new Error(`no gateway response for ${type}`);
    return found;
  };

  it('covers both defaults and every specific type a caller can meet', () => {
    expect(
      responses()
        .map((response) => response.ResponseType)
        .sort(),
    ).toEqual(
      [
        'ACCESS_DENIED',
        'API_CONFIGURATION_ERROR',
        'BAD_REQUEST_BODY',
        'BAD_REQUEST_PARAMETERS',
        'DEFAULT_4XX',
        'DEFAULT_5XX',
        'INTEGRATION_FAILURE',
        'INTEGRATION_TIMEOUT',
        'MISSING_AUTHENTICATION_TOKEN',
        'QUOTA_EXCEEDED',
        'REQUEST_TOO_LARGE',
        'RESOURCE_NOT_FOUND',
        'THROTTLED',
        'UNSUPPORTED_MEDIA_TYPE',
        'WAF_FILTERED',
      ].sort(),
    );
  });

  it.each(Object.entries(GATEWAY_RESPONSE_PROBLEMS))(
    '%s answers a %s problem document with its status, the security headers and the request id',
    (type, code) => {
      // Prepare
      const entry = PROBLEM_CATALOG[code as ProblemCode];
      // Act
      const response = responseOf(type);
      const body = JSON.parse(response.ResponseTemplates['application/json'] ?? '') as Record<
        string,
        unknown
      >;
      // Assess
      expect(response.StatusCode).toBe(String(entry.status));
      expect(body).toMatchObject({
        type: 'about:blank',
        title: entry.title,
        status: entry.status,
        code,
        requestId: '$context.requestId',
      });
      expect(response.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Content-Type': `'${PROBLEM_CONTENT_TYPE}'`,
        'gatewayresponse.header.X-Request-Id': 'context.requestId',
        'gatewayresponse.header.Vary': "'Origin'",
        ...Object.fromEntries(
          Object.entries(SECURITY_HEADERS).map(([name, value]) => [
            `gatewayresponse.header.${name}`,
            `'${value}'`,
          ]),
        ),
      });
      const retryAfter = response.ResponseParameters['gatewayresponse.header.Retry-After'];
      expect(retryAfter !== undefined).toBe(entry.status === 429 || entry.status === 503);
    },
  );

  it('turns an unknown path (Missing Authentication Token) into 404 NOT_FOUND', () => {
    expect(responseOf('MISSING_AUTHENTICATION_TOKEN').StatusCode).toBe('404');
  });

  it('names the failing part of a gateway-rejected body without quoting it', () => {
    const body = JSON.parse(
      responseOf('BAD_REQUEST_BODY').ResponseTemplates['application/json'] ?? '',
    ) as { errors: { field: string }[] };
    expect(body.errors).toEqual([{ field: 'body', message: expect.any(String) }]);
    expect(JSON.stringify(responses())).not.toMatch(/validationErrorString|\$input/);
  });

  it('sends no Access-Control-Allow-Origin when no origin is configured', () => {
    for (const response of responses()) {
      expect(response.ResponseParameters).not.toHaveProperty(
        'gatewayresponse.header.Access-Control-Allow-Origin',
      );
    }
  });
});

describe('WAF', () => {
  const acl = () =>
    onlyResource(template, 'AWS::WAFv2::WebACL')[1].Properties as {
      Scope: string;
      DefaultAction: unknown;
      Rules: Record<string, unknown>[];
      CustomResponseBodies: Record<string, { ContentType: string; Content: string }>;
      VisibilityConfig: Record<string, unknown>;
    };
  const rule = (name: string) => {
    const found = acl().Rules.find((candidate) => candidate.Name === name);
    if (!found) throw new Error(`no rule ${name}`);
    return found;
  };

  it('is a regional web ACL on the API stage that allows by default', () => {
    expect(acl()).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      WebACLArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
    const association = onlyResource(template, 'AWS::WAFv2::WebACLAssociation')[1];
    expect(JSON.stringify(association.Properties?.ResourceArn)).toContain('/stages/');
  });

  it('rate-limits each IP, blocking with 429 and the problem body', () => {
    expect(rule('RateLimitPerIp')).toMatchObject({
      Statement: {
        RateBasedStatement: { Limit: 100, EvaluationWindowSec: 300, AggregateKeyType: 'IP' },
      },
      Action: {
        Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'TooManyRequests' } },
      },
    });
  });

  // Issue 11 item 7: WAF matches the path as the client sent it; API Gateway still routes it
  const routedPaths = [
    ['through the execute-api stage', '/v1/password/forgot'],
    ['behind a custom domain mapped at the root', '/password/forgot'],
    ['behind a custom domain with a base path', '/api/password/confirm'],
    ['percent-encoded', '/v1/%70assword/forgot'],
    ['with doubled slashes and a dot segment', '/v1//password/./forgot'],
    ['in another case', '/v1/PASSWORD/forgot'],
    ['as a preflight or a 404', '/v1/'],
  ] as const;
  const rateStatement = () =>
    (rule('RateLimitPerIp').Statement as { RateBasedStatement: RateBasedStatement })
      .RateBasedStatement;

  it.each(routedPaths)('counts a request %s (%s) towards the limit', (_, path) => {
    expect(countsTowardsRateLimit(rateStatement(), path)).toBe(true);
  });

  it('is judged by an evaluator that sees what the former stage-prefix match missed', () => {
    // The rule before: a byte match on the raw path's stage prefix, lower-cased
    const former: RateBasedStatement = {
      ScopeDownStatement: {
        ByteMatchStatement: {
          FieldToMatch: { UriPath: {} },
          PositionalConstraint: 'STARTS_WITH',
          SearchString: '/v1/password/',
          TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
        },
      },
    };
    const missed = routedPaths
      .filter(([, path]) => !countsTowardsRateLimit(former, path))
      .map(([, path]) => path);
    expect(missed).toEqual([
      '/password/forgot',
      '/api/password/confirm',
      '/v1/%70assword/forgot',
      '/v1//password/./forgot',
      '/v1/',
    ]);
  });

  it('answers the rate block with the TOO_MANY_REQUESTS problem body as application/json', () => {
    const body = acl().CustomResponseBodies.TooManyRequests;
    expect(body?.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(body?.Content ?? '')).toMatchObject({
      type: 'about:blank',
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      title: PROBLEM_CATALOG.TOO_MANY_REQUESTS.title,
    });
  });

  it('runs the IP-reputation and common managed rule groups', () => {
    expect(rule('AWS-AWSManagedRulesAmazonIpReputationList')).toMatchObject({
      OverrideAction: { None: {} },
      Statement: {
        ManagedRuleGroupStatement: {
          VendorName: 'AWS',
          Name: 'AWSManagedRulesAmazonIpReputationList',
        },
      },
    });
    expect(rule('AWS-AWSManagedRulesCommonRuleSet')).toMatchObject({
      OverrideAction: { None: {} },
      Statement: {
        ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' },
      },
    });
  });

  it.each([
    'CrossSiteScripting_BODY',
    'GenericLFI_BODY',
    'GenericRFI_BODY',
    'EC2MetaDataSSRF_BODY',
    'SizeRestrictions_BODY',
  ])('only counts %s, which would block legitimate passwords or 16 KiB bodies', (name) => {
    const overrides = (
      rule('AWS-AWSManagedRulesCommonRuleSet').Statement as {
        ManagedRuleGroupStatement: {
          RuleActionOverrides: { Name: string; ActionToUse: unknown }[];
        };
      }
    ).ManagedRuleGroupStatement.RuleActionOverrides;
    expect(overrides).toContainEqual({ Name: name, ActionToUse: { Count: {} } });
  });

  it('publishes metrics for the ACL and every rule', () => {
    for (const visibility of [
      acl().VisibilityConfig,
      ...acl().Rules.map((r) => r.VisibilityConfig),
    ]) {
      expect(visibility).toMatchObject({
        CloudWatchMetricsEnabled: true,
        SampledRequestsEnabled: true,
      });
    }
  });
});

describe('event bus', () => {
  it('has a bus, an archive of the trigger events and an example rule for PasswordResetCompleted', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [id(stack.eventBus), 'Arn'] },
      EventPattern: { source: ['cognito-password-reset'] },
      RetentionDays: 90,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: id(stack.eventBus) },
      EventPattern: {
        source: ['cognito-password-reset'],
        'detail-type': ['PasswordResetCompleted'],
      },
    });
  });
});

describe('alarms', () => {
  const alarms = () =>
    Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties as Record<string, unknown>,
    );
  /** Dimensions as an object with sorted keys, comparable with JSON.stringify. */
  const dimensionsOf = (alarm: Record<string, unknown>) =>
    sortedKeys(
      Object.fromEntries(
        ((alarm.Dimensions as { Name: string; Value: unknown }[]) ?? []).map((d) => [
          d.Name,
          d.Value,
        ]),
      ),
    );
  const sortedKeys = (record: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

  it('notify one SSL-only topic, with no subscription unless an email is configured', () => {
    const topic = id(stack.alarmTopic);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it.each([
    ['Problem', { service: 'forgot-password', code: 'INTERNAL' }],
    ['Problem', { service: 'confirm-forgot-password', code: 'INTERNAL' }],
    ['Problem', { service: 'forgot-password', code: 'TOO_MANY_REQUESTS' }],
    ['Problem', { service: 'confirm-forgot-password', code: 'TOO_MANY_REQUESTS' }],
    ['SessionsRevokeFailed', { service: 'post-confirmation' }],
    ['HandOffFailed', { service: 'post-confirmation' }],
    ['MessageFallback', { service: 'custom-message' }],
  ])('watch CognitoPasswordReset %s with dimensions exactly %j', (metricName, dimensions) => {
    const matching = alarms().filter(
      (alarm) =>
        alarm.Namespace === 'CognitoPasswordReset' &&
        alarm.MetricName === metricName &&
        JSON.stringify(dimensionsOf(alarm)) === JSON.stringify(sortedKeys(dimensions)),
    );
    expect(matching).toHaveLength(1);
    expect(matching[0]).toMatchObject({ Statistic: 'Sum', Period: 300 });
  });

  it('watch the API 5XX count on the stage', () => {
    const api = alarms().find((alarm) => alarm.MetricName === '5XXError');
    expect(api).toMatchObject({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum' });
    expect(Object.keys(dimensionsOf(api ?? {})).sort()).toEqual(['ApiName', 'Stage']);
  });

  it.each(FUNCTION_NAMES)('watch %s errors, throttles and duration near its timeout', (name) => {
    const own = alarms().filter(
      (alarm) =>
        alarm.Namespace === 'AWS/Lambda' &&
        JSON.stringify(dimensionsOf(alarm)) ===
          JSON.stringify({ FunctionName: { Ref: id(stack.functions[name].fn) } }),
    );
    const byMetric = Object.fromEntries(own.map((alarm) => [alarm.MetricName, alarm]));
    expect(Object.keys(byMetric).sort()).toEqual(['Duration', 'Errors', 'Throttles']);
    expect(byMetric.Duration).toMatchObject({
      Statistic: 'Maximum',
      Threshold: FUNCTION_TIMEOUT_SECONDS[name] * 1000 * 0.8,
    });
    expect(byMetric.Errors).toMatchObject({ Statistic: 'Sum', Threshold: 1 });
  });

  it.each([
    ['AttemptLimitUnavailable', { service: 'forgot-password' }, 1],
    ['AttemptLimitUnavailable', { service: 'confirm-forgot-password' }, 1],
    ['UserLimitReached', { service: 'forgot-password' }, 20],
    ['UserLimitReached', { service: 'confirm-forgot-password' }, 20],
    ['Problem', { service: 'confirm-forgot-password', code: 'INVALID_CODE' }, 100],
    ['Problem', { service: 'forgot-password', code: 'DELIVERY_FAILED' }, 3],
  ])('watch %s %j (at %i in 5 minutes)', (metricName, dimensions, threshold) => {
    const matching = alarms().filter(
      (alarm) =>
        alarm.MetricName === metricName &&
        JSON.stringify(Object.entries(dimensionsOf(alarm)).sort()) ===
          JSON.stringify(Object.entries(dimensions).sort()),
    );
    expect(matching).toHaveLength(1);
    expect(matching[0]).toMatchObject({ Statistic: 'Sum', Period: 300, Threshold: threshold });
  });

  it('watch the dead-letter queue (one job is enough) and the after-reset queue age (an hour late)', () => {
    const dimensionOf = (queue: { node: { defaultChild?: unknown } }) => ({
      QueueName: { 'Fn::GetAtt': [id(queue as never), 'QueueName'] },
    });
    const deadLetter = alarms().filter(
      (alarm) =>
        alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(dimensionsOf(alarm)) ===
          JSON.stringify(dimensionOf(stack.afterResetDeadLetterQueue)),
    );
    expect(deadLetter).toHaveLength(1);
    expect(deadLetter[0]).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const age = alarms().filter(
      (alarm) =>
        alarm.MetricName === 'ApproximateAgeOfOldestMessage' &&
        JSON.stringify(dimensionsOf(alarm)) === JSON.stringify(dimensionOf(stack.afterResetQueue)),
    );
    expect(age).toHaveLength(1);
    expect(age[0]).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', Threshold: 3_600 });
  });

  it.each(['NotificationFailed', 'EventPublishFailed', 'SessionsRevokeFailed'])(
    'watch the worker failing %s jobs for about an hour (10 of 12 five-minute periods)',
    (metricName) => {
      const matching = alarms().filter(
        (alarm) =>
          alarm.MetricName === metricName &&
          JSON.stringify(dimensionsOf(alarm)) ===
            JSON.stringify({ service: 'deliver-after-reset' }),
      );
      expect(matching).toHaveLength(1);
      expect(matching[0]).toMatchObject({
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 12,
        DatapointsToAlarm: 10,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    },
  );

  it('contains no other alarm than those above', () => {
    expect(alarms()).toHaveLength(7 + 6 + 1 + 2 + 3 + 3 * FUNCTION_NAMES.length);
  });
});
