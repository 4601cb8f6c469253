/**
 * Issue 12: the `PasswordReset` construct in a user's own CDK app. What each pool mode does to
 * the pool (nothing but what is documented), how its props are validated (the context keys'
 * rules and messages, naming the prop), and the opt-in account-wide setting.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { PasswordReset, type PasswordResetProps } from '../../infra/index';
import { environmentOf, onlyResource } from './template-queries';

const SENDER = 'no-reply@example.com';

function userStack(): Stack {
  return new Stack(new App(), 'UserStack', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
}

function ownFunction(stack: Stack, id: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async (event) => event;'),
  });
}

const idOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

describe('a UserPool of the app, without a post-confirmation trigger', () => {
  it('adds its client and attaches its trigger, and changes no other pool setting', () => {
    // Prepare: the same pool with and without the service
    const alone = userStack();
    new cognito.UserPool(alone, 'Pool', { passwordPolicy: { minLength: 10 } });
    const before = onlyResource(Template.fromStack(alone), 'AWS::Cognito::UserPool')[1];
    const stack = userStack();
    const pool = new cognito.UserPool(stack, 'Pool', { passwordPolicy: { minLength: 10 } });

    // Act
    const service = new PasswordReset(stack, 'Reset', { userPool: pool, senderAddress: SENDER });

    // Assess
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    const [, after] = onlyResource(template, 'AWS::Cognito::UserPool');
    const { LambdaConfig, ...settings } = after.Properties ?? {};
    expect(settings).toEqual(before.Properties ?? {});
    expect(LambdaConfig).toEqual({
      PostConfirmation: { 'Fn::GetAtt': [idOf(stack, service.afterResetFunction), 'Arn'] },
      CustomMessage: { 'Fn::GetAtt': [idOf(stack, service.customMessageFunction), 'Arn'] },
    });
    expect(service.triggerAttached).toBe(true);
    expect(service.customMessageAttached).toBe(true);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: idOf(stack, pool) },
    });
  });

  it("reads the pool's password policy for confirm (CDK's defaults for what it leaves out)", () => {
    const stack = userStack();
    const pool = new cognito.UserPool(stack, 'Pool', { passwordPolicy: { minLength: 10 } });
    const service = new PasswordReset(stack, 'Reset', { userPool: pool, senderAddress: SENDER });
    const variables = environmentOf(
      Template.fromStack(stack),
      idOf(stack, service.functions['confirm-forgot-password'].fn),
    );
    expect(JSON.parse(String(variables.PASSWORD_POLICY))).toEqual({
      MinimumLength: 10,
      RequireUppercase: true,
      RequireLowercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    });
  });
});

describe('a UserPool that already has a post-confirmation trigger', () => {
  it('refuses to attach a second one, naming attachTrigger and the way out', () => {
    const stack = userStack();
    const pool = new cognito.UserPool(stack, 'Pool', {
      lambdaTriggers: { postConfirmation: ownFunction(stack, 'Own') },
    });
    expect(
      () => new PasswordReset(stack, 'Reset', { userPool: pool, senderAddress: SENDER }),
    ).toThrow(
      /^PasswordReset prop "attachTrigger": the user pool already has a post-confirmation trigger.*attachTrigger: false.*afterResetFunction/,
    );
  });

  it('with attachTrigger false, leaves the trigger and outputs the after-reset function', () => {
    const stack = userStack();
    const own = ownFunction(stack, 'Own');
    const pool = new cognito.UserPool(stack, 'Pool', { lambdaTriggers: { postConfirmation: own } });
    const service = new PasswordReset(stack, 'Reset', {
      userPool: pool,
      attachTrigger: false,
      senderAddress: SENDER,
    });
    const template = Template.fromStack(stack);
    expect(onlyResource(template, 'AWS::Cognito::UserPool')[1].Properties?.LambdaConfig).toEqual({
      PostConfirmation: { 'Fn::GetAtt': [idOf(stack, own), 'Arn'] },
      CustomMessage: { 'Fn::GetAtt': [idOf(stack, service.customMessageFunction), 'Arn'] },
    });
    expect(service.triggerAttached).toBe(false);
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const output = Object.entries(outputs).find(([id]) =>
      id.includes('PostConfirmationTriggerArn'),
    );
    expect(output?.[1].Value).toEqual({
      'Fn::GetAtt': [idOf(stack, service.afterResetFunction), 'Arn'],
    });
  });
});

describe('a UserPool that already has a CustomMessage trigger', () => {
  it('refuses to attach a second one, naming attachCustomMessage and the way out', () => {
    const stack = userStack();
    const pool = new cognito.UserPool(stack, 'Pool', {
      lambdaTriggers: { customMessage: ownFunction(stack, 'Own') },
    });
    expect(
      () => new PasswordReset(stack, 'Reset', { userPool: pool, senderAddress: SENDER }),
    ).toThrow(
      /^PasswordReset prop "attachCustomMessage": the user pool already has a CustomMessage trigger.*attachCustomMessage: false/,
    );
  });

  it('with attachCustomMessage false, keeps the pool trigger and outputs the reset-email function', () => {
    const stack = userStack();
    const own = ownFunction(stack, 'Own');
    const pool = new cognito.UserPool(stack, 'Pool', { lambdaTriggers: { customMessage: own } });
    const service = new PasswordReset(stack, 'Reset', {
      userPool: pool,
      attachCustomMessage: false,
      senderAddress: SENDER,
    });
    const template = Template.fromStack(stack);
    const lambdaConfig = onlyResource(template, 'AWS::Cognito::UserPool')[1].Properties
      ?.LambdaConfig as Record<string, unknown> | undefined;
    expect(lambdaConfig?.CustomMessage).toEqual({ 'Fn::GetAtt': [idOf(stack, own), 'Arn'] });
    expect(service.customMessageAttached).toBe(false);
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const output = Object.entries(outputs).find(([id]) => id.includes('CustomMessageTriggerArn'));
    expect(output?.[1].Value).toEqual({
      'Fn::GetAtt': [idOf(stack, service.customMessageFunction), 'Arn'],
    });
  });
});

describe('an imported pool', () => {
  it('warns that the CustomMessage trigger is not attached, and lets that pool invoke it', () => {
    const stack = userStack();
    const pool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_Imported1');
    const service = new PasswordReset(stack, 'Reset', { userPool: pool, senderAddress: SENDER });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('CustomMessage trigger'));
    expect(service.customMessageAttached).toBe(false);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [idOf(stack, service.customMessageFunction), 'Arn'] },
    });
    expect(
      () =>
        new PasswordReset(userStack(), 'Reset', {
          userPool: cognito.UserPool.fromUserPoolId(userStack(), 'P', 'eu-west-1_Imported1'),
          attachCustomMessage: true,
          senderAddress: SENDER,
        }),
    ).toThrow(/^PasswordReset prop "attachCustomMessage": cannot be true for an imported pool/);
  });

  it('warns that confirm cannot check passwords without a passwordPolicy, and sets none', () => {
    const stack = userStack();
    const pool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_Imported1');
    const service = new PasswordReset(stack, 'Reset', { userPool: pool, senderAddress: SENDER });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('no "passwordPolicy"'));
    const variables = environmentOf(
      Template.fromStack(stack),
      idOf(stack, service.functions['confirm-forgot-password'].fn),
    );
    expect(variables).not.toHaveProperty('PASSWORD_POLICY');
  });
});

describe('props', () => {
  const importedPool = (stack: Stack) =>
    cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_Imported1');
  const ownPool = (stack: Stack) => new cognito.UserPool(stack, 'Pool');

  it.each([
    [{ wafRateLimit: 'lots' }, /^PasswordReset prop "wafRateLimit": must be an integer from 10/],
    [
      { allowedOrigins: ['https://*.example.com'] },
      /^PasswordReset prop "allowedOrigins": each entry/,
    ],
    [
      { senderAddress: undefined },
      /^PasswordReset prop "senderAddress": is required outside a sandbox/,
    ],
    [{ throttleRateLimit: 20 }, /^PasswordReset prop "throttleRateLimit": must stay below 15/],
    [{ logRetentionDays: 2 }, /^PasswordReset prop "logRetentionDays": must be one of/],
    [
      { resetPageUrl: 'http://app.example.com' },
      /^PasswordReset prop "resetPageUrl": must use https/,
    ],
    [
      { defaultLocale: 'xx' },
      /^PasswordReset prop "defaultLocale": default locale "xx" has no texts/,
    ],
  ] as [Record<string, unknown>, RegExp][])('%j is refused: %s', (props, message) => {
    expect(
      () =>
        new PasswordReset(userStack(), 'Reset', {
          senderAddress: SENDER,
          ...props,
        } as PasswordResetProps),
    ).toThrow(message);
  });

  it.each([
    ['threatProtection', 'audit'],
    ['passwordMinLength', 12],
    ['passwordHistorySize', 3],
  ] as const)(
    '%s belongs to a pool the construct creates: refused with a given pool',
    (key, value) => {
      const stack = userStack();
      expect(
        () =>
          new PasswordReset(stack, 'Reset', {
            userPool: ownPool(stack),
            senderAddress: SENDER,
            [key]: value,
          }),
      ).toThrow(
        new RegExp(`^PasswordReset prop "${key}": applies to a pool the construct creates`),
      );
    },
  );

  it('refuses attachTrigger true for an imported pool, and passwordPolicy but for one', () => {
    const stack = userStack();
    expect(
      () =>
        new PasswordReset(stack, 'Reset', {
          userPool: importedPool(stack),
          attachTrigger: true,
          senderAddress: SENDER,
        }),
    ).toThrow(/^PasswordReset prop "attachTrigger": cannot be true for an imported pool/);
    expect(
      () =>
        new PasswordReset(userStack(), 'Reset', {
          passwordPolicy: { minLength: 12 },
          senderAddress: SENDER,
        }),
    ).toThrow(/^PasswordReset prop "passwordPolicy"/);
  });
});

describe("the account's API Gateway CloudWatch role", () => {
  it.each([
    [undefined, 0],
    [false, 0],
    [true, 1],
  ] as const)('setApiGatewayAccountRole %s: %i AWS::ApiGateway::Account', (value, count) => {
    const stack = userStack();
    new PasswordReset(stack, 'Reset', {
      senderAddress: SENDER,
      ...(value === undefined ? {} : { setApiGatewayAccountRole: value }),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGateway::Account', count);
    // The stage logs at ERROR either way: off, the account's existing role serves
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false })],
    });
  });
});

describe('the client secret rotation, in every pool mode', () => {
  const modes: [string, (stack: Stack) => cognito.IUserPool | undefined][] = [
    ['a pool it creates', () => undefined],
    ['a UserPool of the app', (stack) => new cognito.UserPool(stack, 'Pool')],
    [
      'an imported pool',
      (stack) => cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_Imported1'),
    ],
  ];
  it.each(modes)('%s: rotates every 90 days, on that pool only', (_mode, poolOf) => {
    const stack = userStack();
    const pool = poolOf(stack);
    const service = new PasswordReset(stack, 'Reset', {
      senderAddress: SENDER,
      ...(pool ? { userPool: pool } : {}),
    });
    const template = Template.fromStack(stack);
    const rotation = service.functions['rotate-client-secret'];
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: idOf(stack, service.clientSecret) },
      RotationLambdaARN: { 'Fn::GetAtt': [idOf(stack, rotation.fn), 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(90 days)' },
    });
    const poolArn = stack.resolve(service.userPool.userPoolArn);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: idOf(stack, rotation.role) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: [
              'cognito-idp:ListUserPoolClientSecrets',
              'cognito-idp:AddUserPoolClientSecret',
              'cognito-idp:DeleteUserPoolClientSecret',
            ],
            Resource: poolArn,
          }),
        ]),
      },
    });
    expect(environmentOf(template, idOf(stack, rotation.fn))).toMatchObject({
      USER_POOL_ID: stack.resolve(service.userPool.userPoolId),
      CLIENT_ID: stack.resolve(service.userPoolClient.userPoolClientId),
    });
  });

  it('secretRotationDays 0: no schedule rules, the rotation function still attached', () => {
    const stack = userStack();
    new PasswordReset(stack, 'Reset', { senderAddress: SENDER, secretRotationDays: 0 });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: Match.absent(),
      RotationLambdaARN: Match.anyValue(),
    });
  });
});

describe('two services in one stack', () => {
  it('synthesize side by side, each client with its own secret and rotation', () => {
    const stack = userStack();
    const first = new PasswordReset(stack, 'ResetA', { senderAddress: SENDER });
    const second = new PasswordReset(stack, 'ResetB', {
      userPool: first.userPool,
      attachTrigger: false,
      attachCustomMessage: false,
      senderAddress: SENDER,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 2);
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 2);
    expect(second.eventBus).not.toBe(first.eventBus);
  });
});

describe('what the construct exposes', () => {
  it('gives every part as a property for the app to extend', () => {
    const service = new PasswordReset(userStack(), 'Reset', { senderAddress: SENDER });
    for (const part of [
      service.userPool,
      service.userPoolClient,
      service.clientSecret,
      service.eventBus,
      service.attemptsTable,
      service.api,
      service.webAcl,
      service.alarmTopic,
      service.afterResetFunction,
      ...Object.values(service.functions).map((deployed) => deployed.fn),
    ]) {
      expect(part).toBeDefined();
    }
  });
});
