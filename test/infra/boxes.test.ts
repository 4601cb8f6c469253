/**
 * Issue 12: each box of the architecture is a construct of its own, tested on its own in an
 * otherwise empty stack, so that what a box creates and grants is what its file says.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../infra/config';
import {
  AfterReset,
  ApiFunctions,
  ResetAlarms,
  ResetApi,
  ResetAppClient,
  ResetUserPool,
  ResetWebAcl,
} from '../../infra/index';
import { DEFAULT_BUNDLE_DIR } from '../../infra/settings';
import { grantsOfRole } from './template-queries';

const config = parseConfig((key) => ({ senderAddress: 'no-reply@example.com' })[key]);
const stack = () =>
  new Stack(new App(), 'BoxStack', { env: { account: '123456789012', region: 'eu-west-1' } });
const idOf = (s: Stack, construct: { node: { defaultChild?: unknown } }) =>
  s.getLogicalId(construct.node.defaultChild as never);
const fn = (s: Stack, id: string) =>
  new lambda.Function(s, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });

/** The REST API box in front of two stand-in functions. */
const restApi = (s: Stack, setAccountLoggingRole = false) =>
  new ResetApi(s, 'Api', {
    config,
    forgot: fn(s, 'Forgot'),
    confirm: fn(s, 'Confirm'),
    removalPolicy: RemovalPolicy.RETAIN,
    setAccountLoggingRole,
  }).api;

describe('ResetUserPool', () => {
  it('creates one pool with the NIST length policy, email recovery and no self sign-up', () => {
    const s = stack();
    new ResetUserPool(s, 'Pool', { config, removalPolicy: RemovalPolicy.RETAIN });
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({ MinimumLength: 15, RequireUppercase: false }),
      },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      DeletionProtection: 'ACTIVE',
    });
  });
});

describe('ResetAppClient', () => {
  it('adds a client with a secret to the given pool, and the secret to Secrets Manager', () => {
    const s = stack();
    const pool = new cognito.UserPool(s, 'Pool');
    new ResetAppClient(s, 'Client', {
      config,
      userPool: pool,
      underPool: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: idOf(s, pool) },
      GenerateSecret: true,
      PreventUserExistenceErrors: 'ENABLED',
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 15,
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
  });
});

describe('ApiFunctions', () => {
  const build = (attemptLimit: number) => {
    const s = stack();
    const pool = new cognito.UserPool(s, 'Pool');
    const functions = new ApiFunctions(s, 'Functions', {
      config: { ...config, attemptLimit },
      bundleDir: DEFAULT_BUNDLE_DIR,
      userPoolClient: pool.addClient('Client'),
      clientSecret: new secretsmanager.Secret(s, 'Secret'),
      passwordPolicy: { minLength: 15 },
    });
    return { s, functions, template: Template.fromStack(s) };
  };

  it('creates the two functions and, with the limit on, the attempts table', () => {
    const { template } = build(10);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
  });

  it('has no table without the limit', () => {
    build(0).template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
  });

  it('grants each function its log group, the secret and the table, and nothing more', () => {
    const { s, functions, template } = build(10);
    for (const deployed of [functions.forgot, functions.confirm]) {
      const actions = grantsOfRole(template, idOf(s, deployed.role)).flatMap((g) => g.actions);
      expect(actions.sort()).toEqual(
        [
          'dynamodb:UpdateItem',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'secretsmanager:GetSecretValue',
          'xray:PutTelemetryRecords',
          'xray:PutTraceSegments',
        ].sort(),
      );
    }
  });
});

describe('ResetApi', () => {
  it('routes both reset paths and leaves the account role alone unless asked', () => {
    for (const setAccountLoggingRole of [false, true]) {
      const s = stack();
      restApi(s, setAccountLoggingRole);
      const template = Template.fromStack(s);
      template.resourceCountIs('AWS::ApiGateway::Method', 4);
      template.resourceCountIs('AWS::ApiGateway::Account', setAccountLoggingRole ? 1 : 0);
    }
  });
});

describe('ResetWebAcl', () => {
  it('associates one regional web ACL with the stage', () => {
    const s = stack();
    const api = restApi(s);
    new ResetWebAcl(s, 'Waf', { stage: api.deploymentStage, config });
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });
});

describe('AfterReset', () => {
  it('creates the bus with its archive and rule, and a trigger that may only queue the after-reset jobs', () => {
    const s = stack();
    const box = new AfterReset(s, 'AfterReset', {
      config,
      bundleDir: DEFAULT_BUNDLE_DIR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.resourceCountIs('AWS::Events::Archive', 1);
    template.resourceCountIs('AWS::Events::Rule', 1);
    const grants = grantsOfRole(template, idOf(s, box.trigger.role));
    const actions = grants.flatMap((g) => g.actions);
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).not.toContain('ses:SendEmail');
    expect(actions).not.toContain('events:PutEvents');
    expect(actions).not.toContain('cognito-idp:AdminUserGlobalSignOut');
    expect(grants.find((g) => g.actions.includes('sqs:SendMessage'))?.resources).toEqual([
      { 'Fn::GetAtt': [idOf(s, box.delivery.queue), 'Arn'] },
    ]);
    const env =
      template.toJSON().Resources[idOf(s, box.trigger.fn)].Properties.Environment.Variables;
    expect(env.AFTER_RESET_QUEUE_URL).toEqual({ Ref: idOf(s, box.delivery.queue) });
  });

  it('may sign out users of exactly the pool it is given', () => {
    const s = stack();
    const box = new AfterReset(s, 'AfterReset', {
      config,
      bundleDir: DEFAULT_BUNDLE_DIR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const pool = new cognito.UserPool(s, 'Pool');
    box.allowSignOut(pool);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'cognito-idp:AdminUserGlobalSignOut',
            Resource: { 'Fn::GetAtt': [idOf(s, pool), 'Arn'] },
          }),
        ],
      },
    });
  });
});

describe('AfterResetDelivery', () => {
  const build = (retryHours?: number) => {
    const s = stack();
    const boxConfig =
      retryHours === undefined
        ? config
        : parseConfig(
            (key) =>
              ({ senderAddress: 'no-reply@example.com', afterResetRetryHours: retryHours })[key],
          );
    const box = new AfterReset(s, 'AfterReset', {
      config: boxConfig,
      bundleDir: DEFAULT_BUNDLE_DIR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    box.allowSignOut(new cognito.UserPool(s, 'Pool'));
    return { s, box, template: Template.fromStack(s) };
  };

  it('queues encrypted, TLS only, 14 days, retried every 5 minutes up to the horizon, then dead-lettered', () => {
    const { s, box, template } = build();
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 300,
      MessageRetentionPeriod: 14 * 86_400,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [idOf(s, box.delivery.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 288,
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
      RedrivePolicy: Match.absent(),
    });
    // TLS only, on both queues
    const denies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).flatMap(
      (policy) =>
        (policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]).filter(
          (statement) => statement.Effect === 'Deny',
        ),
    );
    expect(denies).toHaveLength(2);
    for (const deny of denies) {
      expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    }
  });

  it.each([
    [1, 12],
    [24, 288],
    [83, 996],
  ])('afterResetRetryHours %i: maxReceiveCount %i', (hours, count) => {
    build(hours).template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: count }),
    });
  });

  it('has the worker read the queue with per-job failures, two batches at a time', () => {
    const { s, box, template } = build();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [idOf(s, box.delivery.queue), 'Arn'] },
      FunctionName: { Ref: idOf(s, box.delivery.worker.fn) },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('grants the worker exactly what it calls, each on its one resource', () => {
    const { s, box, template } = build();
    const grants = grantsOfRole(template, idOf(s, box.delivery.worker.role));
    const byAction = (action: string) =>
      grants.filter((g) => g.actions.includes(action)).flatMap((g) => g.resources);
    expect(byAction('ses:SendEmail')).toHaveLength(1);
    expect(byAction('events:PutEvents')).toEqual([
      { 'Fn::GetAtt': [idOf(s, box.eventBus), 'Arn'] },
    ]);
    expect(byAction('sqs:SendMessage')).toEqual([
      { 'Fn::GetAtt': [idOf(s, box.delivery.queue), 'Arn'] },
      { 'Fn::GetAtt': [idOf(s, box.delivery.deadLetterQueue), 'Arn'] },
    ]);
    expect(byAction('sqs:ReceiveMessage')).toEqual([
      { 'Fn::GetAtt': [idOf(s, box.delivery.queue), 'Arn'] },
    ]);
    expect(byAction('dynamodb:PutItem')).toEqual([
      { 'Fn::GetAtt': [idOf(s, box.delivery.idempotencyTable), 'Arn'] },
    ]);
    expect(byAction('cognito-idp:AdminUserGlobalSignOut')).toHaveLength(1);
    const actions = grants.flatMap((g) => g.actions);
    for (const action of actions) {
      expect(action).not.toMatch(/\*/);
    }
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });
});

describe('ResetAlarms', () => {
  it('creates one topic and the alarms of every function', () => {
    const s = stack();
    const api = restApi(s);
    new ResetAlarms(s, 'Alarms', {
      stage: api.deploymentStage,
      functions: {
        'forgot-password': fn(s, 'F'),
        'confirm-forgot-password': fn(s, 'C'),
        'post-confirmation': fn(s, 'P'),
        'deliver-after-reset': fn(s, 'D'),
        'custom-message': fn(s, 'M'),
        'rotate-client-secret': fn(s, 'R'),
      },
      config,
      afterReset: {
        queue: new sqs.Queue(s, 'Queue'),
        deadLetterQueue: new sqs.Queue(s, 'DeadLetterQueue'),
      },
    });
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    // 12 on the handlers' metrics, 1 custom-message fallback, 1 API 5XX, 2 on the queues, 3 per function (6 functions)
    template.resourceCountIs('AWS::CloudWatch::Alarm', 37);
  });
});
