/**
 * The `PasswordResetCompleted` event of contract section 4, which other systems subscribe to
 * in order to run their own workflows after a reset. Its shape is documented in docs/events.md.
 */

/** EventBridge `Source` of every event the product puts. */
export const EVENT_SOURCE = 'cognito-password-reset';
/** EventBridge `DetailType` of a completed reset. */
export const EVENT_DETAIL_TYPE = 'PasswordResetCompleted';

/** The event's `detail`, exactly the fields of contract section 4. */
export interface PasswordResetCompletedDetail {
  /** Same for every repeat of one reset: the consumer's de-duplication key. */
  readonly resetId: string;
  readonly userPoolId: string;
  /** Cognito's user name (may be an email address in some pools). */
  readonly userName: string;
  readonly sub: string;
  /** The app client the reset was confirmed through. */
  readonly clientId: string;
  /** The confirm API call's request id, or `null` when the reset did not go through the API. */
  readonly requestId: string | null;
  /** ISO 8601 UTC instant at which the trigger ran, i.e. just after the password changed. */
  readonly occurredAt: string;
  /** Whether the user's sessions were revoked (false when switched off or failed). */
  readonly sessionsRevoked: boolean;
  /** Whether the notification email was accepted by SES (false when skipped or failed). */
  readonly notified: boolean;
}

/**
 * Builds the detail with its keys in the contract's order, so that the JSON a consumer sees is
 * the documented one.
 *
 * @example
 * JSON.stringify(buildDetail({ ...facts, sessionsRevoked: true, notified: true }));
 */
export function buildDetail(fields: PasswordResetCompletedDetail): PasswordResetCompletedDetail {
  return {
    resetId: fields.resetId,
    userPoolId: fields.userPoolId,
    userName: fields.userName,
    sub: fields.sub,
    clientId: fields.clientId,
    requestId: fields.requestId,
    occurredAt: fields.occurredAt,
    sessionsRevoked: fields.sessionsRevoked,
    notified: fields.notified,
  };
}
