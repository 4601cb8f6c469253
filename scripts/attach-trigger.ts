/**
 * Attaches the service's post-confirmation trigger to an existing (imported) user pool, the step
 * CloudFormation cannot do for a pool it did not create.
 *
 * ```sh
 * npx tsx scripts/attach-trigger.ts --user-pool-id <id> --trigger-arn <arn> [--region <region>]
 *   [--replace] [--dry-run]
 * ```
 *
 * `UpdateUserPool` resets every setting it is not given, so a hand-written
 * `aws cognito-idp update-user-pool --lambda-config PostConfirmation=...` wipes the pool's
 * password policy, other triggers, messages, tags and more. This script reads the pool
 * (`DescribeUserPool`), sends every updatable setting back unchanged with only
 * `LambdaConfig.PostConfirmation` set (see `attach-trigger-request.ts`), then reads the pool
 * again and exits 1, listing them, if any other setting differs.
 *
 * - It refuses a pool that already has another post-confirmation trigger (a pool has only one)
 *   unless `--replace` is given; the same trigger already attached is reported and not sent.
 * - `--dry-run` prints the summary and the JSON request, and sends nothing.
 * - It does NOT grant Cognito permission to invoke the function (`lambda:InvokeFunction` for
 *   `cognito-idp.amazonaws.com`, limited to the pool's ARN): the CDK construct does that. Without
 *   it Cognito cannot invoke the trigger, and the operations that fire it answer with an error.
 * - Credentials and region come from the SDK's default chain (environment, profile, SSO, role);
 *   `--region` overrides the region. The SDK honours `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`
 *   itself. The caller needs at least `cognito-idp:DescribeUserPool` and
 *   `cognito-idp:UpdateUserPool` on the pool.
 *
 * Exit codes: 0 attached, already attached, or dry run; 1 refused, an AWS call failed, or the
 * pool differs after the update; 2 bad arguments.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  UpdateUserPoolCommand,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  AttachTriggerError,
  attachTriggerRequest,
  describeDifferences,
  isLambdaFunctionArn,
  TRIGGER_PATH,
  UPDATABLE_FIELD_NAMES,
  valueAt,
} from './attach-trigger-request';

/** Where the script writes: the console, or a test's buffer. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

export const USAGE = `usage: npx tsx scripts/attach-trigger.ts --user-pool-id <id> --trigger-arn <arn>
         [--region <region>] [--replace] [--dry-run]

  --user-pool-id  the existing user pool (e.g. eu-west-1_AbCdEf123)
  --trigger-arn   the after-reset function's ARN (the PostConfirmationTriggerArn output)
  --region        the pool's region (default: the SDK's, e.g. AWS_REGION or the profile's)
  --replace       detach the pool's current post-confirmation trigger
  --dry-run       print the UpdateUserPool request and send nothing`;

const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

interface Arguments {
  readonly userPoolId: string;
  readonly triggerArn: string;
  readonly region: string | undefined;
  readonly replace: boolean;
  readonly dryRun: boolean;
}

class UsageError extends Error {}

function parse(argv: readonly string[]): Arguments | 'help' {
  let values: ReturnType<typeof parseOptions>['values'];
  try {
    values = parseOptions(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const userPoolId = values['user-pool-id'];
  const triggerArn = values['trigger-arn'];
  if (!userPoolId) throw new UsageError('--user-pool-id is required');
  if (!triggerArn) throw new UsageError('--trigger-arn is required');
  if (!USER_POOL_ID.test(userPoolId)) {
    throw new UsageError(`not a user pool id: ${JSON.stringify(userPoolId)}`);
  }
  if (!isLambdaFunctionArn(triggerArn)) {
    throw new UsageError(
      `not a Lambda function ARN: ${JSON.stringify(triggerArn)} ` +
        '(expected arn:aws:lambda:<region>:<account>:function:<name>)',
    );
  }
  if (values.region === '') throw new UsageError('--region is empty');
  return {
    userPoolId,
    triggerArn,
    region: values.region,
    replace: values.replace ?? false,
    dryRun: values['dry-run'] ?? false,
  };
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      'user-pool-id': { type: 'string' },
      'trigger-arn': { type: 'string' },
      region: { type: 'string' },
      replace: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** An AWS or network failure, in one line: `Name: message`. */
function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return `${name}${error.message}`;
  }
  return String(error);
}

/** The step that reads the pool back after the update. */
const AFTER_UPDATE = 'DescribeUserPool (after the update)';

/** A hint for the failures a user can fix, or nothing. */
function hintFor(step: string, error: unknown, pool: UserPoolType | undefined): string | undefined {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : '';
  if (step === AFTER_UPDATE) {
    return `the update was sent; check the pool by hand: aws cognito-idp describe-user-pool --user-pool-id ${pool?.Id ?? '<id>'}`;
  }
  if (/region is missing/i.test(message)) return 'pass --region or set AWS_REGION';
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return 'configure AWS credentials (AWS_PROFILE, aws sso login, or environment variables)';
  }
  if (name === 'ResourceNotFoundException') return 'check the pool id and the region';
  if (name === 'AccessDeniedException' || name === 'NotAuthorizedException') {
    return 'the caller needs cognito-idp:DescribeUserPool and cognito-idp:UpdateUserPool on the pool';
  }
  if (step !== 'UpdateUserPool' || name !== 'InvalidParameterException') return undefined;
  if (/mfa/i.test(message) && pool?.MfaConfiguration) {
    return (
      `the pool's MfaConfiguration (${pool.MfaConfiguration}) was sent back unchanged; ` +
      'Cognito refused it, and changed nothing'
    );
  }
  return 'Cognito refused the request as a whole and changed nothing; --dry-run shows it';
}

/** A value for the summary: strings as is, the rest as JSON, absent as "(none)". */
function shown(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A failed AWS call (or its credentials, region or network): reported, not thrown further. */
class CallError extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`${step} failed: ${describeFailure(cause)}`);
  }
}

async function call<T>(step: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw new CallError(step, error);
  }
}

async function describe(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  step = 'DescribeUserPool',
): Promise<UserPoolType> {
  const answer = await call(step, () =>
    client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })),
  );
  if (!answer.UserPool) {
    throw new CallError(step, new Error(`no pool in the answer for ${userPoolId}`));
  }
  return answer.UserPool;
}

/**
 * Runs the script with `argv` (without `node` and the script) and returns its exit code.
 * `client` is used as given (a test points it at a local endpoint); without it one is made from
 * the SDK's default chain and `--region`, and destroyed at the end.
 */
export async function main(
  argv: readonly string[],
  client?: CognitoIdentityProviderClient,
  output: Output = console,
): Promise<number> {
  let args: Arguments | 'help';
  try {
    args = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.error(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    output.log(USAGE);
    return 0;
  }
  const { userPoolId, triggerArn, region, replace, dryRun } = args;
  const cognito = client ?? new CognitoIdentityProviderClient(region ? { region } : {});
  let before: UserPoolType | undefined;
  try {
    before = await describe(cognito, userPoolId);
    let plan: ReturnType<typeof attachTriggerRequest>;
    try {
      plan = attachTriggerRequest(before, triggerArn, { replace });
    } catch (error) {
      if (!(error instanceof AttachTriggerError)) throw error;
      output.error(`error: ${error.message}`);
      return 1;
    }

    const label = before.Name ? `${userPoolId} (${before.Name})` : userPoolId;
    if (plan.unchanged) {
      output.log(`User pool ${label}: ${triggerArn} is already attached; nothing to do.`);
      return 0;
    }
    const copied = UPDATABLE_FIELD_NAMES.filter(
      (field) => field !== 'LambdaConfig' && plan.request[field] !== undefined,
    );
    output.log(`User pool ${label}`);
    output.log(`  change:  ${TRIGGER_PATH}: ${shown(plan.previousTrigger)} -> ${triggerArn}`);
    output.log(
      `  kept:    every other setting, sent back as DescribeUserPool reported it ` +
        `(${copied.length > 0 ? copied.join(', ') : 'none set'}; the other LambdaConfig entries)`,
    );
    for (const note of plan.notes) output.log(`  note:    ${note}`);
    output.log(
      '  note:    this does not grant Cognito permission to invoke the function; ' +
        'the CDK construct does that.',
    );
    if (dryRun) {
      output.log('Dry run: nothing sent. The UpdateUserPool request:');
      output.log(JSON.stringify(plan.request, null, 2));
      return 0;
    }

    await call('UpdateUserPool', () => cognito.send(new UpdateUserPoolCommand(plan.request)));
    const after = await describe(cognito, userPoolId, AFTER_UPDATE);

    const unexpected = describeDifferences(before, after).filter((path) => path !== TRIGGER_PATH);
    const attached = after.LambdaConfig?.PostConfirmation === triggerArn;
    if (!attached || unexpected.length > 0) {
      output.error(
        'error: the pool was updated, but DescribeUserPool now reports it differently than ' +
          'expected:',
      );
      if (!attached) {
        output.error(
          `  ${TRIGGER_PATH}: expected ${triggerArn}, found ${shown(after.LambdaConfig?.PostConfirmation)}`,
        );
      }
      for (const path of unexpected) {
        output.error(
          `  ${path}: was ${shown(valueAt(before, path))}, now ${shown(valueAt(after, path))}`,
        );
      }
      output.error('Restore those settings (the values before are above).');
      return 1;
    }
    output.log(
      `Attached. DescribeUserPool reports every other setting as before; only ${TRIGGER_PATH} changed.`,
    );
    return 0;
  } catch (error) {
    // Anything else is a bug of this script: thrown, with its stack.
    if (!(error instanceof CallError)) throw error;
    output.error(`error: ${error.message}`);
    const hint = hintFor(error.step, error.cause, before);
    if (hint) output.error(`  ${hint}`);
    return 1;
  } finally {
    if (!client) cognito.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
