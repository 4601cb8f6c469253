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
  /** Whether the user's sessions were revoked (false only when revoking is switched off). */
  readonly sessionsRevoked: boolean;
  /**
   * ISO 8601 UTC instant at which the sign-out succeeded: in the request, or later on the
   * durable path when the request's attempt failed (the event waits for it). `null` when off.
   */
  readonly sessionsRevokedAt: string | null;
  /**
   * Whether a notice is on its way: handed to the durable path, which delivers it at least once
   * (false when skipped: no sender configured, or no verified address).
   */
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
    sessionsRevokedAt: fields.sessionsRevokedAt,
    notified: fields.notified,
  };
}
