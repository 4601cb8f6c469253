/**
 * The request bodies of contract section 1 as valibot schemas: one source for the runtime check
 * and for the OpenAPI document (a test converts these to JSON Schema and compares them with
 * `docs/openapi.yaml`).
 *
 * Lengths count Unicode code points, as Cognito's model and JSON Schema's `maxLength` do, not
 * UTF-16 units as `String.length` would: a username of 128 emoji is valid. Every message is
 * written here and none interpolates the submitted value, so a validation answer can never echo
 * a password or a code.
 */
import * as v from 'valibot';
import type { FieldError } from './problem-catalog';

/** Cognito `UsernameType`. */
export const USERNAME_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
/**
 * Cognito `ConfirmationCodeType` and `PasswordType`: `[\S]+`, and Cognito checks it with Java's
 * regex, whose `\s` is only `[ \t\n\x0B\f\r]` (`\x0B` is `\v`). JavaScript's `\s` also covers
 * NBSP and the other Unicode spaces, which Cognito accepts, so the class is spelt out here to
 * match Cognito exactly.
 */
export const NO_WHITESPACE_PATTERN = /^[^ \t\n\v\f\r]+$/u;
/** At most this many `clientMetadata` entries, counted as the caller sent them. */
export const MAX_CLIENT_METADATA_ENTRIES = 10;
/** Keys that must never become properties of an object built from the request. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Number of Unicode code points of a string (a surrogate pair counts once), the unit of Cognito's
 * length limits, where `String.length` would count UTF-16 units and reject 128 emoji.
 *
 * @example
 * codePointLength('\u{1F600}') // 1
 */
export function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** The valibot action type of {@link codePoints}, recognised by the OpenAPI drift test. */
export const CODE_POINTS_ACTION = 'code_points';

/** A valibot validation action that checks a length in code points and carries its bounds. */
export type CodePointsAction = Omit<v.CheckAction<string, string>, 'type'> & {
  readonly type: typeof CODE_POINTS_ACTION;
  readonly min: number;
  readonly max: number;
};

/**
 * A length check in code points, its message starting with `subject` (`'Must'`, or `'A key must'`
 * where the field is a map).
 * It is a valibot `check` action carrying its bounds, so the JSON
 * Schema conversion can render it as `minLength`/`maxLength` (which JSON Schema also counts in
 * code points).
 *
 * @example
 * const username = v.pipe(v.string(), codePoints(1, 128));
 */
export function codePoints(min: number, max: number, subject = 'Must'): CodePointsAction {
  const action = v.check(
    (value: string) => {
      const length = codePointLength(value);
      return length >= min && length <= max;
    },
    min === 0
      ? `${subject} be at most ${max} characters.`
      : `${subject} be ${min} to ${max} characters.`,
  );
  return { ...action, type: CODE_POINTS_ACTION, min, max };
}

const username = v.pipe(
  v.string('Must be a string.'),
  codePoints(1, 128),
  v.regex(USERNAME_PATTERN, 'Must consist of letters, marks, symbols, numbers or punctuation.'),
);

const code = v.pipe(
  v.string('Must be a string.'),
  codePoints(1, 2048),
  v.regex(NO_WHITESPACE_PATTERN, 'Must not contain whitespace.'),
);

const password = v.pipe(
  v.string('Must be a string.'),
  codePoints(1, 256),
  v.regex(NO_WHITESPACE_PATTERN, 'Must not contain whitespace.'),
);

/**
 * `clientMetadata`'s keys and values are the caller's data, not field names: every problem with
 * one is reported on `clientMetadata` itself, with a message naming the rule, never the key.
 */
const CLIENT_METADATA_MESSAGES = {
  reservedKey: 'A key must not be __proto__, constructor or prototype.',
  keyNotUnicode: 'A key must be valid Unicode text.',
  valueNotUnicode: 'A value must be valid Unicode text.',
} as const;

const clientMetadata = v.pipe(
  v.record(
    v.pipe(v.string(), codePoints(1, 128, 'A key must')),
    v.pipe(v.string('A value must be a string.'), codePoints(0, 1024, 'A value must')),
    'Must be an object of strings.',
  ),
  v.maxEntries(
    MAX_CLIENT_METADATA_ENTRIES,
    `Must have at most ${MAX_CLIENT_METADATA_ENTRIES} entries.`,
  ),
);

const encodedData = v.pipe(v.string('Must be a string.'), codePoints(1, 8192));
const analyticsEndpointId = v.pipe(v.string('Must be a string.'), codePoints(1, 1024));

/**
 * One message for the three issues an object schema raises itself. The unknown key and the missing
 * key are told apart by valibot's `expected` (`never` for a key that must not be there).
 */
function objectMessage(issue: v.BaseIssue<unknown>): string {
  if (issue.expected === 'never') return 'Unknown field.';
  if (issue.path && issue.path.length > 0) return 'Required.';
  return 'Must be a JSON object.';
}

const optionalFields = {
  clientMetadata: v.optional(clientMetadata),
  encodedData: v.optional(encodedData),
  analyticsEndpointId: v.optional(analyticsEndpointId),
};

/** Body of `POST /password/forgot`. */
export const ForgotPasswordRequestSchema = v.strictObject(
  { username, ...optionalFields },
  objectMessage,
);

/** Body of `POST /password/confirm`. */
export const ConfirmForgotPasswordRequestSchema = v.strictObject(
  { username, code, password, ...optionalFields },
  objectMessage,
);

export type ForgotPasswordRequest = v.InferOutput<typeof ForgotPasswordRequestSchema>;
export type ConfirmForgotPasswordRequest = v.InferOutput<typeof ConfirmForgotPasswordRequestSchema>;

/** What only the raw JSON text tells: facts that `JSON.parse` loses. */
export interface SentShape {
  /**
   * `clientMetadata` members as the caller sent them, duplicate keys included (see
   * `countClientMetadataMembers`); the parsed object keeps only the last of each duplicate.
   */
  readonly clientMetadataEntries?: number | undefined;
}

/** Either the typed body or every field error at once (the caller fixes all in one round). */
export type ValidationResult<T> =
  | { readonly success: true; readonly value: T }
  | { readonly success: false; readonly errors: readonly FieldError[] };

/**
 * Validates a parsed JSON body. Some rules run before valibot: its object and record schemas
 * accept arrays, its `record` silently skips the reserved keys (`__proto__`, `constructor`,
 * `prototype`), which would then be neither reported nor counted, the entry limit counts what
 * was sent (`sent`), not what `JSON.parse` kept, and a string that is not well-formed Unicode (a
 * lone surrogate, `"\ud800"` in the JSON) can be neither encoded in UTF-8 nor counted in code
 * points, so it must never reach Cognito.
 *
 * @example
 * const result = validateRequest(ForgotPasswordRequestSchema, request.event.body);
 * if (!result.success) throw new ProblemError('VALIDATION_FAILED', { errors: result.errors });
 */
export function validateRequest<TSchema extends v.GenericSchema>(
  schema: TSchema,
  body: unknown,
  sent: SentShape = {},
): ValidationResult<v.InferOutput<TSchema>> {
  if (!isObject(body)) return { success: false, errors: [bodyError()] };
  const errors = [...structuralErrors(body, sent), ...malformedStringErrors(body)];
  const parsed = v.safeParse(schema, body);
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      const error = fieldError(issue);
      // One error per field, except on clientMetadata, whose errors each name a different rule.
      const known = errors.some(
        (seen) =>
          seen.field === error.field &&
          (error.field !== 'clientMetadata' || seen.message === error.message),
      );
      if (!known) errors.push(error);
    }
  }
  if (errors.length > 0 || !parsed.success) {
    return { success: false, errors: errors.length > 0 ? errors : [bodyError()] };
  }
  return { success: true, value: parsed.output };
}

/**
 * The field an issue is reported on: its dot path, except inside `clientMetadata`, whose path
 * would carry a submitted key.
 */
function fieldError(issue: v.BaseIssue<unknown>): FieldError {
  const path = issue.path;
  if (path !== undefined && path.length > 1 && path[0]?.key === 'clientMetadata') {
    return { field: 'clientMetadata', message: issue.message };
  }
  return { field: v.getDotPath(issue) ?? 'body', message: issue.message };
}

function structuralErrors(body: Record<string, unknown>, sent: SentShape): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of Object.keys(body)) {
    if (RESERVED_KEYS.has(key)) errors.push({ field: key, message: 'Unknown field.' });
  }
  const metadata = Object.hasOwn(body, 'clientMetadata') ? body.clientMetadata : undefined;
  if (Array.isArray(metadata)) {
    errors.push({ field: 'clientMetadata', message: 'Must be an object of strings.' });
  } else if (isObject(metadata)) {
    const keys = Object.keys(metadata);
    if (keys.some((key) => RESERVED_KEYS.has(key))) {
      errors.push({ field: 'clientMetadata', message: CLIENT_METADATA_MESSAGES.reservedKey });
    }
    if (Math.max(keys.length, sent.clientMetadataEntries ?? 0) > MAX_CLIENT_METADATA_ENTRIES) {
      errors.push({
        field: 'clientMetadata',
        message: `Must have at most ${MAX_CLIENT_METADATA_ENTRIES} entries.`,
      });
    }
  }
  return errors;
}

const NOT_UNICODE = 'Must be valid Unicode text.';

/**
 * Strings that are not well-formed UTF-16 (an unpaired surrogate), by field; inside
 * `clientMetadata` on `clientMetadata` itself, once per rule.
 */
function malformedStringErrors(body: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, value] of Object.entries(body)) {
    if (typeof value === 'string' && !value.isWellFormed()) {
      errors.push({ field, message: NOT_UNICODE });
    }
  }
  const metadata = Object.hasOwn(body, 'clientMetadata') ? body.clientMetadata : undefined;
  if (isObject(metadata)) {
    const entries = Object.entries(metadata);
    if (entries.some(([key]) => !key.isWellFormed())) {
      errors.push({ field: 'clientMetadata', message: CLIENT_METADATA_MESSAGES.keyNotUnicode });
    }
    if (entries.some(([, value]) => typeof value === 'string' && !value.isWellFormed())) {
      errors.push({ field: 'clientMetadata', message: CLIENT_METADATA_MESSAGES.valueNotUnicode });
    }
  }
  return errors;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bodyError(): FieldError {
  return { field: 'body', message: 'Must be a JSON object.' };
}
