/**
 * What each configuration key changes in the template: SES sender and identity, threat
 * protection (enforced and audit), CORS origins, throttling, WAF limit, alarm email, sandbox,
 * password policy, revocation switch, timing floor and log retention.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PasswordResetStack } from '../../infra/password-reset-stack';
import { synthesize, TEST_ENV } from './synth';
import { environmentOf, grantsOfRole, onlyResource, resourcesOfType } from './template-queries';

const FULL = {
  allowedOrigins: 'https://app.example.com',
  senderAddress: 'no-reply@example.com',
  sesIdentity: 'example.com',
  sesRegion: 'eu-central-1',
  threatProtection: 'enforced',
  wafRateLimit: '500',
  wafRateWindowSeconds: 60,
  throttleRateLimit: 12,
  throttleBurstLimit: 24,
  alarmEmail: 'ops@example.com',
  sandbox: true,
  passwordMinLength: 12,
  passwordHistorySize: 0,
  revokeSessions: false,
  forgotMinResponseMs: 250,
  confirmMinResponseMs: 300,
  tokenValidityMinutes: 10,
  logRetentionDays: 30,
};

let full: { stack: PasswordResetStack; template: Template };
let audit: { stack: PasswordResetStack; template: Template };

beforeAll(() => {
  full = synthesize(FULL);
  audit = synthesize({
    threatProtection: 'audit',
    allowedOrigins: ['https://a.example.com', 'https://b.example.com'],
  });
});

const id = (stack: PasswordResetStack, construct: IConstruct) =>
  stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
const variables = ({ stack, template }: typeof full, name: keyof PasswordResetStack['functions']) =>
  environmentOf(template, id(stack, stack.functions[name].fn));

describe('SES sender', () => {
  it('makes Cognito send through the SES identity in its Region', () => {
    full.template.hasResourceProperties('AWS::Cognito::UserPool', {
      EmailConfiguration: {
        EmailSendingAccount: 'DEVELOPER',
        From: 'no-reply@example.com',
        SourceArn: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':ses:eu-central-1:')])],
        }),
      },
    });
    expect(JSON.stringify(onlyResource(full.template, 'AWS::Cognito::UserPool')[1])).toContain(
      'identity/example.com',
    );
    expect(
      Annotations.fromStack(full.stack).findWarning('*', Match.stringLikeRegexp('senderAddress')),
    ).toEqual([]);
  });

  it('gives the worker the sender, its Region and SendEmail on that one identity; the trigger only the switch', () => {
    expect(variables(full, 'post-confirmation')).toMatchObject({
      NOTIFICATION_FROM: 'no-reply@example.com',
      REVOKE_SESSIONS: 'false',
    });
    expect(variables(full, 'post-confirmation')).not.toHaveProperty('NOTIFICATION_REGION');
    expect(variables(full, 'deliver-after-reset')).toMatchObject({
      NOTIFICATION_FROM: 'no-reply@example.com',
      NOTIFICATION_REGION: 'eu-central-1',
    });
    const triggerGrants = grantsOfRole(
      full.template,
      id(full.stack, full.stack.functions['post-confirmation'].role),
    );
    expect(triggerGrants.flatMap((grant) => grant.actions)).not.toContain('ses:SendEmail');
    const grants = grantsOfRole(
      full.template,
      id(full.stack, full.stack.functions['deliver-after-reset'].role),
    );
    const ses = grants.filter((grant) => grant.actions.some((action) => action.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(ses[0]?.actions).toEqual(['ses:SendEmail']);
    expect(JSON.stringify(ses[0]?.resources)).toContain(
      `:ses:eu-central-1:${TEST_ENV.account}:identity/example.com`,
    );
  });
});

describe('attemptLimit 0', () => {
  it('creates no attempts table, and gives the functions neither its name nor access to it', () => {
    const off = synthesize({ attemptLimit: 0 });
    // The after-reset idempotency table stays; the attempts table goes.
    off.template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    expect(Object.keys(resourcesOfType(off.template, 'AWS::DynamoDB::GlobalTable'))).toEqual([
      expect.stringMatching(/^AfterResetIdempotencyTable/),
    ]);
    for (const name of ['forgot-password', 'confirm-forgot-password'] as const) {
      expect(variables(off, name)).not.toHaveProperty('ATTEMPTS_TABLE_NAME');
      const grants = grantsOfRole(off.template, id(off.stack, off.stack.functions[name].role));
      expect(grants.flatMap((grant) => grant.actions)).not.toContain('dynamodb:UpdateItem');
    }
  });
});

describe('revokeSessions false', () => {
  it('drops the AdminUserGlobalSignOut permission along with the revocation', () => {
    for (const name of ['post-confirmation', 'deliver-after-reset'] as const) {
      const grants = grantsOfRole(full.template, id(full.stack, full.stack.functions[name].role));
      expect(grants.flatMap((grant) => grant.actions)).not.toContain(
        'cognito-idp:AdminUserGlobalSignOut',
      );
      expect(grants.flatMap((grant) => grant.actions)).toContain('sqs:SendMessage');
    }
  });
});

describe('threat protection', () => {
  it('enforced: PLUS plan, full function, compromised credentials blocked on password change', () => {
    full.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    full.template.hasResourceProperties('AWS::Cognito::UserPoolRiskConfigurationAttachment', {
      ClientId: 'ALL',
      CompromisedCredentialsRiskConfiguration: {
        EventFilter: Match.arrayWith(['PASSWORD_CHANGE']),
        Actions: { EventAction: 'BLOCK' },
      },
    });
  });

  it('audit: PLUS plan, audit only, compromised credentials reported, not blocked', () => {
    audit.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
    });
    audit.template.hasResourceProperties('AWS::Cognito::UserPoolRiskConfigurationAttachment', {
      CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'NO_ACTION' } },
    });
  });

  it('is fed the caller IP and encodedData in every configuration', () => {
    for (const { template } of [full, audit]) {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        EnablePropagateAdditionalUserContextData: true,
      });
    }
  });
});

describe('CORS origins', () => {
  it('reach the API functions as ALLOWED_ORIGINS', () => {
    expect(variables(full, 'forgot-password').ALLOWED_ORIGINS).toBe('https://app.example.com');
    expect(variables(audit, 'confirm-forgot-password').ALLOWED_ORIGINS).toBe(
      'https://a.example.com,https://b.example.com',
    );
  });

  it('one origin: gateway responses allow exactly it', () => {
    for (const response of Object.values(
      resourcesOfType(full.template, 'AWS::ApiGateway::GatewayResponse'),
    )) {
      expect(response.Properties?.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
        'gatewayresponse.header.Vary': "'Origin'",
      });
    }
  });

  it('several origins: gateway responses cannot compare, so they allow none (never an echo)', () => {
    const text = JSON.stringify(
      resourcesOfType(audit.template, 'AWS::ApiGateway::GatewayResponse'),
    );
    expect(text).not.toContain('Access-Control-Allow-Origin');
    expect(text).not.toContain('method.request.header.Origin');
  });
});

describe('limits', () => {
  it('set the stage throttling', () => {
    const [, stage] = onlyResource(full.template, 'AWS::ApiGateway::Stage');
    expect(stage.Properties?.MethodSettings).toEqual([
      expect.objectContaining({ ThrottlingRateLimit: 12, ThrottlingBurstLimit: 24 }),
    ]);
  });

  it('set the WAF rate rule', () => {
    const [, acl] = onlyResource(full.template, 'AWS::WAFv2::WebACL');
    const rules = acl.Properties?.Rules as { Name: string; Statement: Record<string, unknown> }[];
    const rate = rules.find((rule) => rule.Name === 'RateLimitPerIp');
    expect(rate?.Statement.RateBasedStatement).toMatchObject({
      Limit: 500,
      EvaluationWindowSec: 60,
    });
  });

  it('set the forgot timing floor', () => {
    expect(variables(full, 'forgot-password').FORGOT_MIN_RESPONSE_MS).toBe('250');
  });

  it('set the app client access and ID token lifetime', () => {
    full.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AccessTokenValidity: 10,
      IdTokenValidity: 10,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
    });
  });

  it('set the confirm timing floor', () => {
    expect(variables(full, 'confirm-forgot-password').CONFIRM_MIN_RESPONSE_MS).toBe('300');
  });

  it("give confirm the configured pool's password length", () => {
    const policy = JSON.parse(String(variables(full, 'confirm-forgot-password').PASSWORD_POLICY));
    expect(policy.MinimumLength).toBe(12);
  });
});

describe('alarm email', () => {
  it('subscribes the address to the alarm topic', () => {
    full.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: id(full.stack, full.stack.alarmTopic) },
    });
  });
});

describe('password policy', () => {
  it('takes the configured minimum and no history when the size is 0', () => {
    full.template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          PasswordHistorySize: Match.absent(),
        }),
      },
    });
  });
});

describe('sandbox', () => {
  it('drops deletion protection and destroys the stateful resources with the stack', () => {
    full.template.hasResourceProperties('AWS::Cognito::UserPool', {
      DeletionProtection: 'INACTIVE',
    });
    for (const type of [
      'AWS::Cognito::UserPool',
      'AWS::SecretsManager::Secret',
      'AWS::Logs::LogGroup',
      'AWS::Events::EventBus',
      'AWS::Events::Archive',
    ]) {
      for (const resource of Object.values(resourcesOfType(full.template, type))) {
        expect(resource.DeletionPolicy, type).toBe('Delete');
      }
    }
  });

  it('keeps the configured log retention', () => {
    for (const group of Object.values(resourcesOfType(full.template, 'AWS::Logs::LogGroup'))) {
      expect(group.Properties?.RetentionInDays).toBe(30);
    }
  });
});
