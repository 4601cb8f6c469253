/**
 * Maps what an AWS call threw to the contract's problem codes (section 2). Pure functions of the
 * error's name, status and network code: the error's message is only pattern-matched, never
 * copied, because AWS validation messages can echo a submitted value (Cognito's model does not
 * mark `ConfirmationCode` sensitive).
 */

import { PASSWORD_RULE_DETAILS } from './password-policy';
import { CONFIRM_TIMEOUT_DETAIL, PROBLEM_CATALOG } from './problem-catalog';
import { ConfigurationError, ProblemError } from './problem-error';

interface ErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError', 'RequestTimeout']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * Whether the call gave up for lack of time (our abort signal, a socket or request timeout).
 * The SDK names a reset connection `TimeoutError` too (code `ECONNRESET`): the network code
 * decides, so that it counts as the connection failure it is.
 */
export function isTimeout(error: unknown): boolean {
  const shape = asShape(error);
  if (CONNECTION_CODES.has(String(shape.code))) return false;
  return TIMEOUT_NAMES.has(String(shape.name)) || TIMEOUT_CODES.has(String(shape.code));
}

/**
 * Whether the dependency failed transiently: a refused or reset connection, an unreadable
 * answer, or any 5xx (which the SDK's own retries, where enabled, did not cure).
 *
 * @example
 * isTransient({ name: 'InternalErrorException', $fault: 'server' }) // true
 */
export function isTransient(error: unknown): boolean {
  const shape = asShape(error);
  if (CONNECTION_CODES.has(String(shape.code))) return true;
  if (shape.name === 'SyntaxError' || shape.name === 'DeserializationError') return true;
  if (typeof shape.message === 'string' && /socket hang up|deserializ/i.test(shape.message)) {
    return true;
  }
  const status = shape.$metadata?.httpStatusCode;
  return shape.$fault === 'server' || (typeof status === 'number' && status >= 500);
}

/**
 * Whether the call broke off in transfer (a reset connection, an unreadable or cut body) rather
 * than being answered with an error. After our own abort this is how the SDK can report the cut:
 * then it is the budget running out, not a failing dependency. A 5xx answer is not a cut.
 *
 * @example
 * isBrokenTransfer(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })) // true
 * isBrokenTransfer({ name: 'InternalErrorException', $fault: 'server', $metadata: { httpStatusCode: 500 } }) // false
 */
export function isBrokenTransfer(error: unknown): boolean {
  const shape = asShape(error);
  const status = shape.$metadata?.httpStatusCode;
  const serverAnswer = shape.$fault === 'server' || (typeof status === 'number' && status >= 500);
  return isTransient(error) && !serverAnswer;
}

/**
 * Cognito's answer to a wrong or missing `SECRET_HASH`: a `NotAuthorizedException` naming it.
 * It must be told apart from the other `NotAuthorizedException`s (a disabled user), which are
 * the caller's outcome, whereas this one is ours to recover from by refreshing the secret.
 *
 * @example
 * isSecretHashRejection({ name: 'NotAuthorizedException', message: 'Unable to verify secret hash for client x' }) // true
 * isSecretHashRejection({ name: 'NotAuthorizedException', message: 'Client x is configured with secret but SECRET_HASH was not received' }) // true
 */
export function isSecretHashRejection(error: unknown): boolean {
  const shape = asShape(error);
  return (
    shape.name === 'NotAuthorizedException' &&
    typeof shape.message === 'string' &&
    /secret[\s_-]*hash/i.test(shape.message)
  );
}

/**
 * Cognito's `InvalidParameterException` for a user with no verified email or phone number: an
 * outcome about the user (so it must look like the others), not a fault in our request.
 *
 * @example
 * isNoVerifiedContact({ name: 'InvalidParameterException', message: 'Cannot reset password for the user as there is no registered/verified email or phone_number' }) // true
 */
export function isNoVerifiedContact(error: unknown): boolean {
  const shape = asShape(error);
  return (
    shape.name === 'InvalidParameterException' &&
    typeof shape.message === 'string' &&
    /(registered|verified).*(email|phone)/i.test(shape.message)
  );
}

/**
 * Failures of the secret's retrieval, when no cached copy exists. Cognito has not been called, so
 * nothing has changed: transient failures, the fetch's own time cap included, are
 * `SERVICE_UNAVAILABLE` (503 with `Retry-After`, contract section 2: "Secrets Manager failing with
 * no cached secret"). Only when the request's own budget ran out (`budgetSpent`) is it
 * `UPSTREAM_TIMEOUT`, and even then without the confirm "password may have changed" detail. The
 * rest (missing secret, no permission, bad content) are configuration faults.
 *
 * @example
 * problemForSecretError(new DOMException('timed out', 'TimeoutError'), false).code // 'SERVICE_UNAVAILABLE'
 * problemForSecretError(new DOMException('aborted', 'AbortError'), true).code // 'UPSTREAM_TIMEOUT'
 */
export function problemForSecretError(error: unknown, budgetSpent: boolean): ProblemError {
  const upstream = errorName(error);
  if (error instanceof ConfigurationError) {
    return new ProblemError('INTERNAL', { upstream, reason: error.message });
  }
  if (isTimeout(error)) {
    return budgetSpent
      ? new ProblemError('UPSTREAM_TIMEOUT', { upstream })
      : new ProblemError('SERVICE_UNAVAILABLE', { upstream });
  }
  if (
    isTransient(error) ||
    upstream === 'ThrottlingException' ||
    upstream === 'TooManyRequestsException' ||
    upstream === 'InternalServiceError'
  ) {
    return new ProblemError('SERVICE_UNAVAILABLE', { upstream });
  }
  return new ProblemError('INTERNAL', { upstream });
}

/** Cognito's quotas for the account or the API: the same for every caller and every account. */
const THROTTLED = new Set(['TooManyRequestsException']);
/**
 * Cognito's limits for one user (attempts per user: "Attempt limit exceeded, please try after
 * some time."): only an existing account can reach them, so passing them on as a 429 would tell
 * an attacker that the account exists. They answer what an unknown account gets instead.
 */
const PER_USER_LIMITS = new Set(['LimitExceededException', 'TooManyFailedAttemptsException']);

/**
 * Whether Cognito refused because one user reached its attempt limit: counted apart
 * (`UserLimitReached`), because the caller is told nothing about it.
 *
 * @example
 * isPerUserLimit({ name: 'LimitExceededException' }) // true
 */
export function isPerUserLimit(error: unknown): boolean {
  return PER_USER_LIMITS.has(errorName(error));
}
const TRIGGER_FAILED = new Set([
  'UserLambdaValidationException',
  'UnexpectedLambdaException',
  'InvalidLambdaResponseException',
]);

/** What a failed `ForgotPassword` answers: a problem, or the generic 202 (anti-enumeration). */
export type ForgotFailureOutcome =
  | { readonly kind: 'problem'; readonly problem: ProblemError }
  | {
      readonly kind: 'generic-accepted';
      readonly upstream: string;
      /** Why: a pool that reveals user existence, or one user's attempt limit. */
      readonly cause: 'user-existence' | 'user-limit';
    };

/**
 * `ForgotPassword` errors. Unknown user, disabled user and "no verified contact" answer the same
 * 202 as success, since with `PreventUserExistenceErrors` off these errors are exactly what would
 * let a caller enumerate accounts; so does one user's attempt limit, which only an existing
 * account can reach.
 *
 * @example
 * forgotFailureOutcome(new UserNotFoundException(...)) // { kind: 'generic-accepted', ... }
 */
export function forgotFailureOutcome(error: unknown): ForgotFailureOutcome {
  const upstream = errorName(error);
  if (
    upstream === 'UserNotFoundException' ||
    (upstream === 'NotAuthorizedException' && !isSecretHashRejection(error)) ||
    isNoVerifiedContact(error)
  ) {
    return { kind: 'generic-accepted', upstream, cause: 'user-existence' };
  }
  if (PER_USER_LIMITS.has(upstream))
    return { kind: 'generic-accepted', upstream, cause: 'user-limit' };
  if (upstream === 'CodeDeliveryFailureException' || TRIGGER_FAILED.has(upstream)) {
    return problem('DELIVERY_FAILED', upstream);
  }
  return { kind: 'problem', problem: commonProblem(error, upstream, false) };
}

/**
 * `ConfirmForgotPassword` errors. Every "this reset cannot proceed for this user" answer is the
 * one `INVALID_CODE` body, so that a wrong code, an expired code, an unknown user, a disabled
 * user and a user at Cognito's attempt limit look identical.
 *
 * @example
 * confirmFailureProblem({ name: 'ExpiredCodeException' }).code // 'INVALID_CODE'
 */
export function confirmFailureProblem(error: unknown): ProblemError {
  const upstream = errorName(error);
  switch (upstream) {
    case 'CodeMismatchException':
    case 'ExpiredCodeException':
    case 'UserNotFoundException':
    case 'UserNotConfirmedException':
    case 'LimitExceededException':
    case 'TooManyFailedAttemptsException':
      return new ProblemError('INVALID_CODE', { upstream });
    case 'NotAuthorizedException':
      return isSecretHashRejection(error)
        ? new ProblemError('INTERNAL', { upstream })
        : new ProblemError('INVALID_CODE', { upstream });
    case 'InvalidPasswordException':
      return new ProblemError('INVALID_PASSWORD', { upstream, detail: passwordRuleDetail(error) });
    case 'PasswordHistoryPolicyViolationException':
      return new ProblemError('PASSWORD_REUSED', { upstream });
  }
  if (isNoVerifiedContact(error)) return new ProblemError('INVALID_CODE', { upstream });
  if (TRIGGER_FAILED.has(upstream))
    return new ProblemError('PASSWORD_RESET_INCOMPLETE', { upstream });
  return commonProblem(error, upstream, true);
}

/** Mapping shared by both operations for throttling, WAF, time and availability. */
function commonProblem(error: unknown, upstream: string, confirm: boolean): ProblemError {
  if (THROTTLED.has(upstream)) return new ProblemError('TOO_MANY_REQUESTS', { upstream });
  if (upstream === 'ForbiddenException') return new ProblemError('FORBIDDEN', { upstream });
  if (isTimeout(error)) {
    return new ProblemError('UPSTREAM_TIMEOUT', {
      upstream,
      ...(confirm ? { detail: CONFIRM_TIMEOUT_DETAIL } : {}),
    });
  }
  // OperationNotEnabledException: the operation is briefly off in this Region of a
  // multi-Region (replicated) pool; a retry shortly after succeeds.
  if (
    upstream === 'InternalErrorException' ||
    upstream === 'OperationNotEnabledException' ||
    isTransient(error)
  ) {
    return new ProblemError('SERVICE_UNAVAILABLE', { upstream });
  }
  return new ProblemError('INTERNAL', { upstream });
}

/** The policy rules Cognito reports, each with the sentence the caller sees. */
const PASSWORD_RULES: readonly (readonly [RegExp, string])[] = [
  [/long enough|too short|minimum length/i, PASSWORD_RULE_DETAILS.tooShort],
  [/too long|maximum length/i, PASSWORD_RULE_DETAILS.tooLong],
  [/upper ?case/i, PASSWORD_RULE_DETAILS.uppercase],
  [/lower ?case/i, PASSWORD_RULE_DETAILS.lowercase],
  [/numeric|number|digit/i, PASSWORD_RULE_DETAILS.number],
  [/symbol|special/i, PASSWORD_RULE_DETAILS.symbol],
];

/**
 * States which password rule failed, as one of a fixed set of sentences recognised in Cognito's
 * message, so the detail is useful to the user yet never copies the message (nor the password).
 *
 * @example
 * passwordRuleDetail({ message: 'Password did not conform with policy: Password must have symbol characters' })
 * // 'The new password must contain a symbol.'
 */
export function passwordRuleDetail(error: unknown): string {
  const message = asShape(error).message;
  if (typeof message === 'string') {
    for (const [pattern, detail] of PASSWORD_RULES) if (pattern.test(message)) return detail;
  }
  return PROBLEM_CATALOG.INVALID_PASSWORD.detail;
}

/**
 * The error's class name, for logs and the `upstream` field; never its message, which can echo
 * a submitted value.
 *
 * @example
 * errorName(new TypeError('boom')) // 'TypeError'
 */
export function errorName(error: unknown): string {
  const name = asShape(error).name;
  return typeof name === 'string' && name !== '' ? name : 'UnknownError';
}

function problem(code: 'DELIVERY_FAILED', upstream: string): ForgotFailureOutcome {
  return { kind: 'problem', problem: new ProblemError(code, { upstream }) };
}

function asShape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}
