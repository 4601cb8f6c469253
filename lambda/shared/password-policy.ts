/**
 * The user pool's password policy, checked before Cognito is called. Cognito judges the policy
 * only for a user that exists (for an unknown one, `PreventUserExistenceErrors` answers a code
 * mismatch), so a weak password told an existing account (`INVALID_PASSWORD`) from an unknown
 * one (`INVALID_CODE`). Judged here first, a weak password gets the same answer for both.
 * What only Cognito can judge (password history, compromised credentials) stays Cognito's.
 */
import { ProblemError } from './problem-error';

/** The rules of Cognito's `PasswordPolicyType` that a password can be checked against alone. */
export interface PasswordPolicy {
  /** At least this many characters (Unicode code points). */
  readonly minimumLength: number;
  readonly requireUppercase: boolean;
  readonly requireLowercase: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
}

/** `PASSWORD_POLICY` as read: unset (Cognito alone judges), a policy, or a broken setting. */
export type PasswordPolicySetting =
  | { readonly kind: 'unset' }
  | { readonly kind: 'policy'; readonly policy: PasswordPolicy }
  | { readonly kind: 'invalid'; readonly reason: string };

/** The sentence the caller sees for each failed rule (also used for Cognito's own verdict). */
export const PASSWORD_RULE_DETAILS = {
  tooShort: 'The new password is too short.',
  tooLong: 'The new password is too long.',
  uppercase: 'The new password must contain an uppercase letter.',
  lowercase: 'The new password must contain a lowercase letter.',
  number: 'The new password must contain a number.',
  symbol: 'The new password must contain a symbol.',
} as const;

/** Cognito's special characters (its developer guide, "Password policies"). */
const SYMBOL = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+-]/u;

/**
 * Reads `PASSWORD_POLICY`, the pool's `PasswordPolicyType` as JSON (the stack writes it from the
 * very object it gives the pool). A malformed value is kept as `invalid` rather than ignored:
 * ignoring it would silently reopen the side channel the check closes.
 *
 * @example
 * parsePasswordPolicy('{"MinimumLength":15}')
 * // { kind: 'policy', policy: { minimumLength: 15, requireUppercase: false, ... } }
 */
export function parsePasswordPolicy(value: string | undefined): PasswordPolicySetting {
  if (value === undefined || value.trim() === '') return { kind: 'unset' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { kind: 'invalid', reason: 'PASSWORD_POLICY is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'invalid', reason: 'PASSWORD_POLICY is not a JSON object' };
  }
  const fields = parsed as Record<string, unknown>;
  const minimumLength = fields.MinimumLength ?? 8;
  if (typeof minimumLength !== 'number' || !Number.isInteger(minimumLength) || minimumLength < 6) {
    return { kind: 'invalid', reason: 'PASSWORD_POLICY.MinimumLength is not an integer >= 6' };
  }
  const flags = ['RequireUppercase', 'RequireLowercase', 'RequireNumbers', 'RequireSymbols'];
  for (const flag of flags) {
    if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean') {
      return { kind: 'invalid', reason: `PASSWORD_POLICY.${flag} is not a boolean` };
    }
  }
  return {
    kind: 'policy',
    policy: {
      minimumLength,
      requireUppercase: fields.RequireUppercase === true,
      requireLowercase: fields.RequireLowercase === true,
      requireNumbers: fields.RequireNumbers === true,
      requireSymbols: fields.RequireSymbols === true,
    },
  };
}

/**
 * The first rule `password` breaks, as the sentence the caller sees, or `undefined` when it meets
 * the policy. Letters and digits are Cognito's: basic Latin only.
 *
 * @example
 * passwordPolicyViolation('short', { minimumLength: 15, ... }) // 'The new password is too short.'
 */
export function passwordPolicyViolation(
  password: string,
  policy: PasswordPolicy,
): string | undefined {
  let length = 0;
  for (const _ of password) length++;
  if (length < policy.minimumLength) return PASSWORD_RULE_DETAILS.tooShort;
  if (policy.requireUppercase && !/[A-Z]/.test(password)) return PASSWORD_RULE_DETAILS.uppercase;
  if (policy.requireLowercase && !/[a-z]/.test(password)) return PASSWORD_RULE_DETAILS.lowercase;
  if (policy.requireNumbers && !/[0-9]/.test(password)) return PASSWORD_RULE_DETAILS.number;
  if (policy.requireSymbols && !SYMBOL.test(password)) return PASSWORD_RULE_DETAILS.symbol;
  return undefined;
}

/**
 * Refuses a password the pool's policy refuses, before Cognito is asked (see the module's TSDoc
 * for why); a broken `PASSWORD_POLICY` is a configuration fault (`INTERNAL`, reason logged), not
 * a silent skip.
 *
 * @example
 * assertMeetsPasswordPolicy(body.password, runtime.config.passwordPolicy); // throws INVALID_PASSWORD
 */
export function assertMeetsPasswordPolicy(password: string, setting: PasswordPolicySetting): void {
  if (setting.kind === 'unset') return;
  if (setting.kind === 'invalid') {
    throw new ProblemError('INTERNAL', { upstream: 'ConfigurationError', reason: setting.reason });
  }
  const detail = passwordPolicyViolation(password, setting.policy);
  if (detail !== undefined) {
    throw new ProblemError('INVALID_PASSWORD', { detail, reason: 'refused by PASSWORD_POLICY' });
  }
}
