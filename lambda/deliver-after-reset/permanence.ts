/**
 * Which failures of a job are worth retrying. A transient one (throttling, a 5xx, a timeout, a
 * dependency down for hours) is retried at every visibility timeout up to the horizon; a
 * permanent one (SES refusing the address, a malformed job) would fail the same way each time,
 * so the job goes to the dead-letter queue at once, where the alarm shows it and a redrive
 * delivers it once the cause is fixed.
 */
import { MalformedJobError } from '../after-reset/jobs';

/**
 * SES v2 errors that a retry cannot change: the message or address is refused, the sender is
 * not verified, the request is invalid. (`AccountSuspendedException`, `SendingPausedException`,
 * `LimitExceededException`, `TooManyRequestsException` end when the account recovers: retried.)
 */
const PERMANENT_SES_ERRORS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'NotFoundException',
]);

/** A job that cannot run as configured (a switched-off effect with a job still queued). */
export class NotConfiguredError extends Error {
  override readonly name = 'NotConfiguredError';
}

/**
 * Whether `error` means the job can never succeed as it is.
 *
 * @example
 * isPermanentFailure(Object.assign(new Error('Email address is not verified'), { name: 'MessageRejected' })); // true
 * isPermanentFailure(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' })); // false
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof MalformedJobError || error instanceof NotConfiguredError) return true;
  if (!(error instanceof Error)) return false;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  // Only an answer SES itself gave: a 400 from a proxy in front of it says nothing about the message.
  return PERMANENT_SES_ERRORS.has(error.name) && metadata?.httpStatusCode === 400;
}
