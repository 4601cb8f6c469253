/**
 * The `UpdateUserPool` request that attaches a post-confirmation trigger to an existing user pool
 * without changing anything else, and the check that it did.
 *
 * `UpdateUserPool` is not a patch: every setting the request leaves out goes back to Cognito's
 * default (the password policy, the other triggers, the messages, the tags, MFA, deletion
 * protection...). So the request carries every setting `UpdateUserPool` accepts, copied from the
 * pool as `DescribeUserPool` reports it, with only `LambdaConfig.PostConfirmation` changed.
 *
 * Pure functions only: `scripts/attach-trigger.ts` does the calls.
 */
import type {
  UpdateUserPoolCommandInput,
  UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';

/** The settings `UpdateUserPool` takes (everything in its request but the pool's id). */
export type UpdatableField = Exclude<keyof UpdateUserPoolCommandInput, 'UserPoolId'>;

/**
 * Each setting `UpdateUserPool` takes, and the member of `DescribeUserPool`'s `UserPool` that
 * reports it. All have the same name but one: the pool's name is `PoolName` in the request and
 * `Name` in the description. `satisfies` makes this list complete: an SDK that adds a member to
 * `UpdateUserPoolRequest` fails the type check until it is listed here.
 */
export const UPDATABLE_FIELDS = {
  Policies: 'Policies',
  DeletionProtection: 'DeletionProtection',
  LambdaConfig: 'LambdaConfig',
  AutoVerifiedAttributes: 'AutoVerifiedAttributes',
  SmsVerificationMessage: 'SmsVerificationMessage',
  EmailVerificationMessage: 'EmailVerificationMessage',
  EmailVerificationSubject: 'EmailVerificationSubject',
  VerificationMessageTemplate: 'VerificationMessageTemplate',
  SmsAuthenticationMessage: 'SmsAuthenticationMessage',
  UserAttributeUpdateSettings: 'UserAttributeUpdateSettings',
  MfaConfiguration: 'MfaConfiguration',
  DeviceConfiguration: 'DeviceConfiguration',
  EmailConfiguration: 'EmailConfiguration',
  SmsConfiguration: 'SmsConfiguration',
  UserPoolTags: 'UserPoolTags',
  AdminCreateUserConfig: 'AdminCreateUserConfig',
  UserPoolAddOns: 'UserPoolAddOns',
  DcrConfiguration: 'DcrConfiguration',
  AccountRecoverySetting: 'AccountRecoverySetting',
  PoolName: 'Name',
  UserPoolTier: 'UserPoolTier',
  KeyConfiguration: 'KeyConfiguration',
  IssuerConfiguration: 'IssuerConfiguration',
  AcrConfiguration: 'AcrConfiguration',
} as const satisfies Record<UpdatableField, keyof UserPoolType>;

/** The members of `UserPoolType` that report an updatable setting. */
export type DescribedField = (typeof UPDATABLE_FIELDS)[UpdatableField];

/** The updatable settings whose described type is one the request member takes (all of them). */
type SameShape = {
  [F in UpdatableField]: NonNullable<
    UserPoolType[(typeof UPDATABLE_FIELDS)[F]]
  > extends NonNullable<UpdateUserPoolCommandInput[F]>
    ? F
    : never;
}[UpdatableField];
/**
 * The request members copied from the description. Typed so that the type check fails if a
 * described member's type is not one the request member takes (it could not be copied as is).
 */
export const UPDATABLE_FIELD_NAMES: readonly SameShape[] = Object.keys(
  UPDATABLE_FIELDS,
) as UpdatableField[];

/**
 * Settings no `UpdateUserPool` can change, checked after the update all the same (Cognito's
 * guide warns that an update can reset the attribute schema).
 */
export const FIXED_FIELDS = [
  'SchemaAttributes',
  'UsernameAttributes',
  'AliasAttributes',
  'UsernameConfiguration',
] as const satisfies readonly Exclude<keyof UserPoolType, DescribedField>[];

/** The one path the attachment changes. */
export const TRIGGER_PATH = 'LambdaConfig.PostConfirmation';

/** An expected refusal (bad input, another trigger in place): its message is for the user. */
export class AttachTriggerError extends Error {
  override readonly name = 'AttachTriggerError';
}

/** What `attachTriggerRequest` decided. */
export interface AttachTriggerPlan {
  /** The full `UpdateUserPool` request (also when `unchanged`, for `--dry-run` to show). */
  readonly request: UpdateUserPoolCommandInput;
  /** The trigger is already attached: there is nothing to send. */
  readonly unchanged: boolean;
  /** The post-confirmation trigger the pool had, if any (replaced unless `unchanged`). */
  readonly previousTrigger: string | undefined;
  /** What the request leaves out or adjusts, and why (for the summary). */
  readonly notes: readonly string[];
}

/** The ARN of a Lambda function, version or alias (`arn:aws:lambda:region:account:function:name`). */
const LAMBDA_FUNCTION_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z]{2,}(-[a-z]+)+-\d+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/** Whether `arn` is a Lambda function ARN, the only kind of trigger Cognito accepts. */
export function isLambdaFunctionArn(arn: string): boolean {
  return LAMBDA_FUNCTION_ARN.test(arn);
}

/**
 * The `UpdateUserPool` request that sets the pool's post-confirmation trigger to `triggerArn`
 * and passes every other updatable setting back as `DescribeUserPool` reported it (copies, not
 * references). Adjusts only what Cognito would refuse to take back as described:
 * `AdminCreateUserConfig.UnusedAccountValidityDays` is left out when
 * `Policies.PasswordPolicy.TemporaryPasswordValidityDays` is set (which supersedes the
 * deprecated member; Cognito refuses the two together, though `DescribeUserPool` reports both).
 *
 * @throws AttachTriggerError when the pool has no id, `triggerArn` is not a Lambda function ARN,
 *   or the pool already has another post-confirmation trigger and `replace` is not set.
 * @example
 * const { request, unchanged } = attachTriggerRequest(described.UserPool, arn);
 * if (!unchanged) await cognito.send(new UpdateUserPoolCommand(request));
 */
export function attachTriggerRequest(
  pool: UserPoolType,
  triggerArn: string,
  options: { readonly replace?: boolean } = {},
): AttachTriggerPlan {
  if (!pool.Id) throw new AttachTriggerError('the user pool description has no Id');
  if (!isLambdaFunctionArn(triggerArn)) {
    throw new AttachTriggerError(
      `not a Lambda function ARN: ${JSON.stringify(triggerArn)} ` +
        '(expected arn:aws:lambda:<region>:<account>:function:<name>)',
    );
  }
  const previousTrigger = pool.LambdaConfig?.PostConfirmation || undefined;
  if (previousTrigger && previousTrigger !== triggerArn && options.replace !== true) {
    throw new AttachTriggerError(
      `user pool ${pool.Id} already has a post-confirmation trigger: ${previousTrigger}. ` +
        'A user pool has only one post-confirmation trigger, so attaching this one would ' +
        "detach yours. Call the service's trigger from your own trigger instead " +
        '(README, "Use in your own CDK app"), or pass --replace to detach yours.',
    );
  }

  const request: UpdateUserPoolCommandInput = { UserPoolId: pool.Id };
  const target = request as Record<UpdatableField, unknown>;
  for (const field of UPDATABLE_FIELD_NAMES) {
    const value = pool[UPDATABLE_FIELDS[field]];
    if (value !== undefined && value !== null) target[field] = structuredClone(value);
  }
  request.LambdaConfig = { ...request.LambdaConfig, PostConfirmation: triggerArn };

  const notes: string[] = [];
  const temporaryPasswordDays = pool.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays;
  if (
    temporaryPasswordDays !== undefined &&
    request.AdminCreateUserConfig?.UnusedAccountValidityDays !== undefined
  ) {
    delete request.AdminCreateUserConfig.UnusedAccountValidityDays;
    notes.push(
      'AdminCreateUserConfig.UnusedAccountValidityDays is left out: it is deprecated, ' +
        `superseded by Policies.PasswordPolicy.TemporaryPasswordValidityDays (${temporaryPasswordDays}), ` +
        'and Cognito refuses the two together.',
    );
  }
  return { request, unchanged: previousTrigger === triggerArn, previousTrigger, notes };
}

/**
 * The paths of the settings that differ between two descriptions of a pool: every updatable
 * setting (named as `DescribeUserPool` names them, so `Name`, not `PoolName`) and the
 * `FIXED_FIELDS`, down to each leaf (`Policies.PasswordPolicy.MinimumLength`,
 * `AccountRecoverySetting.RecoveryMechanisms[0].Priority`). An absent member, `null`, and an
 * empty object or list all read as "not set". `AdminCreateUserConfig.UnusedAccountValidityDays`
 * is skipped when `before` has `Policies.PasswordPolicy.TemporaryPasswordValidityDays`, which
 * supersedes it (see `SUPERSEDED_PATH`).
 *
 * @example
 * describeDifferences(before, after) // ['LambdaConfig.PostConfirmation'] after an attachment
 */
export function describeDifferences(before: UserPoolType, after: UserPoolType): string[] {
  const differences: string[] = [];
  const fields: readonly (keyof UserPoolType)[] = [
    ...Object.values(UPDATABLE_FIELDS),
    ...FIXED_FIELDS,
  ];
  for (const field of fields) compare(field, before[field], after[field], differences);
  if (before.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays !== undefined) {
    return differences.filter((path) => path !== SUPERSEDED_PATH);
  }
  return differences;
}

/**
 * The deprecated member `attachTriggerRequest` leaves out when the password policy has
 * `TemporaryPasswordValidityDays`, which supersedes it: what a pool reports for it afterwards
 * (a copy of it, a default, or nothing) is not a setting, so `describeDifferences` skips it then.
 */
const SUPERSEDED_PATH = 'AdminCreateUserConfig.UnusedAccountValidityDays';

/** The value at a path from `describeDifferences`, for showing what changed. */
export function valueAt(pool: UserPoolType, path: string): unknown {
  let value: unknown = pool;
  for (const match of path.matchAll(/([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (value === null || typeof value !== 'object') return undefined;
    const key = match[1] ?? match[2] ?? JSON.parse(match[3] ?? '""');
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function compare(path: string, before: unknown, after: unknown, out: string[]): void {
  if (before instanceof Date || after instanceof Date) {
    const time = (value: unknown) => (value instanceof Date ? value.getTime() : value);
    if (!Object.is(time(before), time(after))) out.push(path);
    return;
  }
  const a = before ?? undefined;
  const b = after ?? undefined;
  if (Array.isArray(a) || Array.isArray(b)) {
    const left = Array.isArray(a) ? a : a === undefined ? [] : undefined;
    const right = Array.isArray(b) ? b : b === undefined ? [] : undefined;
    if (!left || !right) {
      out.push(path);
      return;
    }
    for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
      compare(`${path}[${index}]`, left[index], right[index], out);
    }
    return;
  }
  if (isRecord(a) || isRecord(b)) {
    const left = isRecord(a) ? a : a === undefined ? {} : undefined;
    const right = isRecord(b) ? b : b === undefined ? {} : undefined;
    if (!left || !right) {
      out.push(path);
      return;
    }
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    for (const key of keys) compare(child(path, key), left[key], right[key], out);
    return;
  }
  if (!Object.is(a, b)) out.push(path);
}
