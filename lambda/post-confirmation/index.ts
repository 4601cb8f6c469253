/**
 * Cognito post-confirmation trigger (contract section 4): after a password reset it revokes
 * the user's sessions and hands the notice and the `PasswordResetCompleted` event to the
 * after-reset queue, which delivers them at least once (deliver-after-reset); for any other
 * trigger source it returns the event untouched.
 */
import { buildHandler } from './handler';

/** The Lambda entry point, built with the deployed budget and the real clock. */
export const handler = buildHandler();
