/**
 * Issue 12, the examples a user copies (`examples/existing-pool/`), synthesized as `cdk synth`
 * would with cdk-nag: the service in front of a pool of the team's own app (with its own
 * settings and its own post-confirmation trigger), and in front of a pool imported by id.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMPORTED_POOL_ID, importedPoolApp } from '../../examples/existing-pool/imported-pool-app';
import { ownPoolApp, teamPool } from '../../examples/existing-pool/own-pool-app';
import { grantsOfRole } from '../infra/template-queries';

/** cdk-nag's unacknowledged findings for the whole app, as `cdk synth` would fail on them. */
function nagErrors(app: App): string[] {
  return [new AwsSolutionsChecks(app), new ServerlessChecks(app)].flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.flatMap((violation) =>
        violation.violatingResources.map(
          (resource) =>
            `${violation.ruleName} @ ${String((resource as { constructPath?: string }).constructPath)}`,
        ),
      ),
  );
}

describe('a pool of the team app, with its own post-confirmation trigger', () => {
  let built: ReturnType<typeof ownPoolApp>;
  let template: Template;
  let poolId: string;
  let poolBefore: Record<string, unknown>;

  beforeAll(() => {
    built = ownPoolApp(new App());
    template = Template.fromStack(built.stack);
    poolId = built.stack.getLogicalId(built.pool.node.defaultChild as never);
    // The same pool in an app without the service: the team's app before
    const before = new Stack(new App(), 'TeamAuthStack', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const { pool } = teamPool(before);
    poolBefore =
      (
        Template.fromStack(before).toJSON() as {
          Resources: Record<string, { Properties: Record<string, unknown> }>;
        }
      ).Resources[before.getLogicalId(pool.node.defaultChild as never)]?.Properties ?? {};
  });

  it('creates no second user pool', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
  });

  it("leaves every setting of the team's pool as it was, its own trigger included, adding only the reset email", () => {
    const pool = (
      template.toJSON() as {
        Resources: Record<string, { Properties: Record<string, unknown> }>;
      }
    ).Resources[poolId]?.Properties;
    const { LambdaConfig: after, ...settings } = pool ?? {};
    const { LambdaConfig: before, ...settingsBefore } = poolBefore;
    expect(settings).toEqual(settingsBefore);
    expect(after).toEqual({
      ...(before as Record<string, unknown>),
      CustomMessage: {
        'Fn::GetAtt': [
          built.stack.getLogicalId(
            built.passwordReset.customMessageFunction.node.defaultChild as never,
          ),
          'Arn',
        ],
      },
    });
    expect(after).toMatchObject({
      PostConfirmation: {
        'Fn::GetAtt': [
          built.stack.getLogicalId(built.ownTrigger.node.defaultChild as never),
          'Arn',
        ],
      },
    });
  });

  it('adds its app client with a secret to that pool', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: poolId },
      GenerateSecret: true,
      PreventUserExistenceErrors: 'ENABLED',
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
  });

  it("names that pool in the after-reset function's sign-out permission", () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Sid: 'RevokeSessions',
            Action: 'cognito-idp:AdminUserGlobalSignOut',
            Resource: { 'Fn::GetAtt': [poolId, 'Arn'] },
          }),
        ],
      },
    });
  });

  it("lets the team's trigger invoke the after-reset function, and only that function", () => {
    const role = built.ownTrigger.role?.node.defaultChild as IConstruct;
    const grants = grantsOfRole(template, built.stack.getLogicalId(role as never));
    const afterReset = built.stack.getLogicalId(
      built.passwordReset.afterResetFunction.node.defaultChild as never,
    );
    expect(grants).toContainEqual({
      effect: 'Allow',
      actions: ['lambda:InvokeFunction'],
      resources: [{ 'Fn::GetAtt': [afterReset, 'Arn'] }],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: { AFTER_RESET_FUNCTION_ARN: { 'Fn::GetAtt': [afterReset, 'Arn'] } },
      },
    });
  });

  it('checks new passwords against the pool policy of the team', () => {
    const confirm = built.stack.getLogicalId(
      built.passwordReset.functions['confirm-forgot-password'].fn.node.defaultChild as never,
    );
    const variables = (
      template.toJSON() as {
        Resources: Record<
          string,
          { Properties: { Environment: { Variables: Record<string, string> } } }
        >;
      }
    ).Resources[confirm]?.Properties.Environment.Variables;
    expect(JSON.parse(variables?.PASSWORD_POLICY ?? '{}')).toEqual({
      MinimumLength: 12,
      RequireUppercase: false,
      RequireLowercase: false,
      RequireNumbers: true,
      RequireSymbols: false,
    });
  });

  it('sets no account-wide API Gateway role', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('passes cdk-nag with no unacknowledged finding', () => {
    expect(nagErrors(ownPoolApp(new App()).app)).toEqual([]);
  });
});

describe('a pool imported by id', () => {
  let built: ReturnType<typeof importedPoolApp>;
  let template: Template;

  beforeAll(() => {
    built = importedPoolApp(new App());
    template = Template.fromStack(built.stack);
  });

  it('creates no user pool and changes none', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
  });

  it('adds its app client and secret to the imported pool', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: IMPORTED_POOL_ID,
      GenerateSecret: true,
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
  });

  it("names that pool in the after-reset function's sign-out permission", () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Sid: 'RevokeSessions',
            Resource: {
              'Fn::Join': [
                '',
                Match.arrayWith([Match.stringLikeRegexp(`userpool/${IMPORTED_POOL_ID}$`)]),
              ],
            },
          }),
        ],
      },
    });
  });

  it('lets Cognito invoke the trigger for that pool and outputs its ARN for attaching it', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
    });
    const outputs = Object.keys(template.toJSON().Outputs as Record<string, unknown>);
    expect(outputs.some((id) => id.includes('PostConfirmationTriggerArn'))).toBe(true);
  });

  it('warns at synth that the after-reset effects wait for the trigger to be attached', () => {
    Annotations.fromStack(built.stack).hasWarning(
      '*',
      Match.stringLikeRegexp('cannot attach the post-confirmation trigger'),
    );
  });

  it('checks new passwords against the policy it was given', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PASSWORD_POLICY: Match.stringLikeRegexp('"MinimumLength":12'),
        }),
      },
    });
  });

  it('passes cdk-nag with no unacknowledged finding', () => {
    expect(nagErrors(importedPoolApp(new App()).app)).toEqual([]);
  });
});
