/**
 * The work a password reset leaves for after the user's request (contract section 4): each
 * effect is one job, one SQS message, so that a failing SES never repeats a delivered event and
 * a failing EventBridge never repeats a delivered email. The post-confirmation trigger writes
 * them; the deliver-after-reset function reads them, and writes the publish job itself once a
 * sign-out that failed in the request has succeeded.
 */
import * as v from 'valibot';
import type { SessionOutcome } from './notification-email';
import type { PasswordResetCompletedDetail } from './password-reset-completed';

/** Send the "your password was changed" notice. */
export interface NotifyJob {
  readonly kind: 'notify';
  readonly resetId: string;
  /** The verified address of the account. */
  readonly to: string;
  /** ISO 8601 instant of the change. */
  readonly changedAt: string;
  readonly sessions: SessionOutcome;
  /** The user's `locale` attribute (BCP 47), for the notice's language; `null` when unset. */
  readonly locale: string | null;
}

/** Put `PasswordResetCompleted` on the bus. */
export interface PublishJob {
  readonly kind: 'publish';
  readonly resetId: string;
  readonly detail: PasswordResetCompletedDetail;
}

/**
 * Sign the user out everywhere (the request's own attempt failed), then hand the event off
 * saying when that happened: `detail` is the event to publish, `null` when no bus is configured.
 */
export interface RevokeJob {
  readonly kind: 'revoke';
  readonly resetId: string;
  readonly userPoolId: string;
  readonly userName: string;
  readonly detail: PasswordResetCompletedDetail | null;
}

export type AfterResetJob = NotifyJob | PublishJob | RevokeJob;
export type JobKind = AfterResetJob['kind'];

/** The message format's version: a consumer refuses what it does not know rather than guess. */
export const JOB_FORMAT_VERSION = 1;

const text = v.pipe(v.string(), v.minLength(1), v.maxLength(2048));
const instant = v.pipe(v.string(), v.isoTimestamp());

const detailSchema = v.strictObject({
  resetId: text,
  userPoolId: text,
  userName: text,
  sub: v.string(),
  clientId: v.string(),
  requestId: v.nullable(v.string()),
  occurredAt: instant,
  sessionsRevoked: v.boolean(),
  sessionsRevokedAt: v.nullable(instant),
  notified: v.boolean(),
});

const jobSchema = v.variant('kind', [
  v.strictObject({
    v: v.literal(JOB_FORMAT_VERSION),
    kind: v.literal('notify'),
    resetId: text,
    to: text,
    changedAt: instant,
    sessions: v.picklist(['revoked', 'revoking', 'kept']),
    locale: v.nullable(v.pipe(v.string(), v.maxLength(64))),
  }),
  v.strictObject({
    v: v.literal(JOB_FORMAT_VERSION),
    kind: v.literal('publish'),
    resetId: text,
    detail: detailSchema,
  }),
  v.strictObject({
    v: v.literal(JOB_FORMAT_VERSION),
    kind: v.literal('revoke'),
    resetId: text,
    userPoolId: text,
    userName: text,
    detail: v.nullable(detailSchema),
  }),
]);

/** A message body that is not a job of this format: it can never succeed, so it is not retried. */
export class MalformedJobError extends Error {
  override readonly name = 'MalformedJobError';
}

/**
 * The message body of a job, versioned.
 *
 * @example
 * encodeJob({ kind: 'publish', resetId, detail }); // '{"v":1,"kind":"publish",...}'
 */
export function encodeJob(job: AfterResetJob): string {
  return JSON.stringify({ v: JOB_FORMAT_VERSION, ...job });
}

/**
 * Reads a message body back into a job. The message says nothing a log may repeat (it names the
 * user), so the error names the rule broken, never the value.
 *
 * @throws {MalformedJobError} when the body is not JSON or not a job of {@link JOB_FORMAT_VERSION}
 */
export function parseJob(body: string): AfterResetJob {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new MalformedJobError('the message body is not JSON');
  }
  const result = v.safeParse(jobSchema, parsed);
  if (!result.success) {
    const path = result.issues[0]?.path?.map((item) => String(item.key)).join('.') ?? '';
    throw new MalformedJobError(`the message is not an after-reset job (at "${path}")`);
  }
  const { v: _version, ...job } = result.output;
  return job as AfterResetJob;
}
