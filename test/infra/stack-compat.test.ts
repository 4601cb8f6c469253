/**
 * Issue 12: the stand-alone stack became a thin stack around the `PasswordReset` construct
 * without changing what `cdk deploy` does to a deployed stack. The resources (types and counts),
 * their logical ids (a new id is a replacement: a new, empty user pool) and the outputs are
 * those of the flat stack before the split (`fixtures/stack-before-split.json`, from that
 * commit's `npm run synth`). The only new ids are the four Lambda permissions of the API methods
 * and the API deployment, whose ids CDK derives from the API's full construct path; they hold no
 * state, and CloudFormation creates the new ones before it deletes the old.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { logicalIdOf } from '../../infra/logical-ids';
import { type Synthesized, synthesize } from './synth';

interface Snapshot {
  readonly resources: Record<string, string>;
  readonly outputs: string[];
}

/** CDK's own analytics resource: `cdk synth` adds it, the in-process test synth does not. */
const METADATA = 'AWS::CDK::Metadata';
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'stack-before-split.json'), 'utf8'),
) as Snapshot;
const before: Snapshot = {
  resources: Object.fromEntries(
    Object.entries(fixture.resources).filter(([, type]) => type !== METADATA),
  ),
  outputs: fixture.outputs,
};
/** Ids CDK derives from the API's whole construct path (permissions) or from its content. */
const RENAMED =
  /^(ApipasswordconfirmANYApiPermission|ApipasswordconfirmPOSTApiPermission|ApipasswordforgotANYApiPermission|ApipasswordforgotPOSTApiPermission|ApiDeploymentB17BE62D)/;

/**
 * Issue 14: the secret's value became rotation's. Gone: the custom resource that read the
 * client's secret on every update, with CDK's provider function, its role, policy and log group.
 * New: the rotation function with its role, policy, log group, invoke permission and alarms, and
 * the rotation schedule. No stateful resource is among either list.
 */
const REMOVED_BY_ROTATION: Record<string, string> = {
  AWS679f53fac002430cb0da5b7982bd22872D164C4C: 'AWS::Lambda::Function',
  AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2: 'AWS::IAM::Role',
  ClientSecretReaderLogsA961E835: 'AWS::Logs::LogGroup',
  UserPoolPasswordResetClientDescribeCognitoUserPoolClient50A475FF:
    'Custom::DescribeCognitoUserPoolClient',
  UserPoolPasswordResetClientDescribeCognitoUserPoolClientCustomResourcePolicy63DB0EA7:
    'AWS::IAM::Policy',
};
const ADDED_BY_ROTATION: Record<string, string> = {
  RotateClientSecretLogsF4F1C1E5: 'AWS::Logs::LogGroup',
  RotateClientSecretRole7B0859D4: 'AWS::IAM::Role',
  RotateClientSecretRoleDefaultPolicy7A960394: 'AWS::IAM::Policy',
  RotateClientSecret6C80308F: 'AWS::Lambda::Function',
  RotateClientSecretInvokeBySecretsManager280E49D8: 'AWS::Lambda::Permission',
  ClientSecretRotationSchedule: 'AWS::SecretsManager::RotationSchedule',
  RotateClientSecretErrorsAlarmB2FA5932: 'AWS::CloudWatch::Alarm',
  RotateClientSecretThrottlesAlarmC384E601: 'AWS::CloudWatch::Alarm',
  RotateClientSecretDurationAlarm3BCE39AC: 'AWS::CloudWatch::Alarm',
};
/**
 * Issue 13: the notice and the event left the trigger for the durable after-reset path. Gone:
 * the trigger's two alarms on effects it no longer has. New: the queue and dead-letter queue
 * (with their TLS-only policies), the idempotency table, the worker with its role, policy, log
 * group, event source mapping and alarms (its three job kinds failing among them), and the
 * hand-off, dead-letter and queue-age alarms.
 * The new stateful resources (the queues, the table) are new ids: nothing existing is replaced.
 */
const REMOVED_BY_DURABLE_DELIVERY: Record<string, string> = {
  PostConfirmationEventPublishFailedAlarm0B8CEB1C: 'AWS::CloudWatch::Alarm',
  PostConfirmationNotificationFailedAlarm6BCCDD28: 'AWS::CloudWatch::Alarm',
};
const ADDED_BY_DURABLE_DELIVERY: Record<string, string> = {
  AfterResetDeadLetterAlarmE2F8F678: 'AWS::CloudWatch::Alarm',
  AfterResetDeadLetterQueue6122C015: 'AWS::SQS::Queue',
  AfterResetDeadLetterQueuePolicy9F486D72: 'AWS::SQS::QueuePolicy',
  AfterResetIdempotencyTable6B7B00E8: 'AWS::DynamoDB::GlobalTable',
  AfterResetQueue73D59380: 'AWS::SQS::Queue',
  AfterResetQueueAgeAlarm8A6563D0: 'AWS::CloudWatch::Alarm',
  AfterResetQueuePolicy2DB01B66: 'AWS::SQS::QueuePolicy',
  DeliverAfterResetA7F27F31: 'AWS::Lambda::Function',
  DeliverAfterResetDurationAlarm7598E88F: 'AWS::CloudWatch::Alarm',
  DeliverAfterResetErrorsAlarmCA9439D6: 'AWS::CloudWatch::Alarm',
  DeliverAfterResetEventPublishFailedAlarm16457A90: 'AWS::CloudWatch::Alarm',
  DeliverAfterResetLogsB560CAF1: 'AWS::Logs::LogGroup',
  DeliverAfterResetNotificationFailedAlarmD0833069: 'AWS::CloudWatch::Alarm',
  DeliverAfterResetRole93D633BF: 'AWS::IAM::Role',
  DeliverAfterResetRoleDefaultPolicy57DBF630: 'AWS::IAM::Policy',
  DeliverAfterResetSessionsRevokeFailedAlarm35CCF255: 'AWS::CloudWatch::Alarm',
  DeliverAfterResetSqsEventSourcePasswordResetStackPasswordResetAfterResetDeliveryAfterResetQueue604B183709DA59A9:
    'AWS::Lambda::EventSourceMapping',
  DeliverAfterResetThrottlesAlarm2EDC0890: 'AWS::CloudWatch::Alarm',
  PostConfirmationHandOffFailedAlarmA3A5F4CC: 'AWS::CloudWatch::Alarm',
};
/**
 * Issue 15: the CustomMessage trigger (the localized reset email with the link), with its role,
 * policy, log group, Cognito's invoke permission and its alarms. A new log group is the only
 * stateful resource, and nothing existing changes id.
 */
const ADDED_BY_CUSTOM_MESSAGE: Record<string, string> = {
  CustomMessage7D2CB8D5: 'AWS::Lambda::Function',
  CustomMessageRole26552E93: 'AWS::IAM::Role',
  CustomMessageRoleDefaultPolicyFD4B0A34: 'AWS::IAM::Policy',
  CustomMessageLogs7491F7C2: 'AWS::Logs::LogGroup',
  UserPoolCustomMessageCognitoF0A0255B: 'AWS::Lambda::Permission',
  CustomMessageFallbackAlarmCD963563: 'AWS::CloudWatch::Alarm',
  CustomMessageErrorsAlarmC2848F9F: 'AWS::CloudWatch::Alarm',
  CustomMessageThrottlesAlarmE87B6053: 'AWS::CloudWatch::Alarm',
  CustomMessageDurationAlarm2D695DB2: 'AWS::CloudWatch::Alarm',
};
/** The fixture as later issues deliberately changed it. */
const expected: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(before.resources).filter(
      ([id]) => !(id in REMOVED_BY_ROTATION) && !(id in REMOVED_BY_DURABLE_DELIVERY),
    ),
  ),
  ...ADDED_BY_ROTATION,
  ...ADDED_BY_DURABLE_DELIVERY,
  ...ADDED_BY_CUSTOM_MESSAGE,
};

let synthesized: Synthesized;
let after: Snapshot;

beforeAll(() => {
  synthesized = synthesize({ sesRegion: 'eu-west-1' });
  const template = synthesized.template.toJSON() as {
    Resources: Record<string, { Type: string }>;
    Outputs: Record<string, unknown>;
  };
  after = {
    resources: Object.fromEntries(
      Object.entries(template.Resources)
        .filter(([, resource]) => resource.Type !== METADATA)
        .map(([id, resource]) => [id, resource.Type]),
    ),
    outputs: Object.keys(template.Outputs).sort(),
  };
});

function countByType(resources: Record<string, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of Object.values(resources)) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

describe('the stack after the construct split', () => {
  it('has the same resource types, each as many times', () => {
    expect(countByType(after.resources)).toEqual(countByType(expected));
  });

  it('keeps every logical id but the API permissions and deployment', () => {
    const kept = (resources: Record<string, string>) =>
      Object.entries(resources)
        .filter(([id]) => !RENAMED.test(id))
        .sort(([a], [b]) => a.localeCompare(b));
    expect(kept(after.resources)).toEqual(kept(expected));
    const renamed = Object.keys(after.resources).filter((id) => RENAMED.test(id));
    expect(renamed).toHaveLength(5);
  });

  it('keeps the stateful resources under their ids: pool, client, secret, bus, table, log groups', () => {
    for (const type of [
      'AWS::Cognito::UserPool',
      'AWS::Cognito::UserPoolClient',
      'AWS::SecretsManager::Secret',
      'AWS::Events::EventBus',
      'AWS::Events::Archive',
      'AWS::DynamoDB::GlobalTable',
      'AWS::Logs::LogGroup',
    ]) {
      const ids = (resources: Record<string, string>) =>
        Object.keys(resources)
          .filter((id) => resources[id] === type)
          .sort();
      expect(ids(after.resources), type).toEqual(ids(expected));
    }
  });

  it('keeps the event bus name (a new name replaces the bus)', () => {
    synthesized.template.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'PasswordResetStackEventBusFB45C66C',
    });
  });

  it('removes and adds exactly what rotation changed, none of it stateful', () => {
    for (const id of Object.keys(REMOVED_BY_ROTATION)) {
      expect(before.resources[id], id).toBe(REMOVED_BY_ROTATION[id]);
      expect(after.resources[id], id).toBeUndefined();
    }
    for (const [id, type] of Object.entries(ADDED_BY_ROTATION))
      expect(after.resources[id]).toBe(type);
  });

  it('removes and adds exactly what the durable after-reset path changed', () => {
    for (const id of Object.keys(REMOVED_BY_DURABLE_DELIVERY)) {
      expect(before.resources[id], id).toBe(REMOVED_BY_DURABLE_DELIVERY[id]);
      expect(after.resources[id], id).toBeUndefined();
    }
    for (const [id, type] of Object.entries(ADDED_BY_DURABLE_DELIVERY))
      expect(after.resources[id]).toBe(type);
  });

  it('adds exactly the custom-message trigger and its alarms, nothing else of it', () => {
    for (const [id, type] of Object.entries(ADDED_BY_CUSTOM_MESSAGE)) {
      expect(before.resources[id], id).toBeUndefined();
      expect(after.resources[id], id).toBe(type);
    }
  });

  it('has the same outputs', () => {
    expect(after.outputs).toEqual([...before.outputs].sort());
  });
});

describe("CDK's logical id algorithm, as the stack reproduces it", () => {
  it.each([
    [['UserPool', 'Resource'], 'UserPool6BA7E5F2'],
    [['ClientSecret', 'Resource'], 'ClientSecret6773D8CE'],
    [['UserPool', 'PasswordResetClient', 'Resource'], 'UserPoolPasswordResetClient5617FF15'],
  ])('gives the flat path %j the fixture id %s', (path, id) => {
    expect(before.resources[id]).toBeDefined();
    expect(logicalIdOf(path)).toBe(id);
  });

  it('keeps a single component as it is, and drops Default components', () => {
    expect(logicalIdOf(['ApiUrl'])).toBe('ApiUrl');
    expect(logicalIdOf(['Default', 'ApiUrl'])).toBe('ApiUrl');
  });
});
