/**
 * The after-reset worker (contract section 4): reads the jobs the post-confirmation trigger
 * queued and delivers each at least once, repeats suppressed: the "your password was changed"
 * notice (SES), the `PasswordResetCompleted` event (EventBridge), and a sign-out that failed in
 * the user's request (Cognito). A failing job is retried by SQS up to the horizon, then kept in
 * the dead-letter queue.
 */
import { buildHandler } from './handler';

/** The Lambda entry point, the SQS event source's target. */
export const handler = buildHandler();
