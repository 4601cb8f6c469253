/**
 * Cognito CustomMessage trigger: the reset-code email (`CustomMessage_ForgotPassword`) in the
 * user's language, with a link to the configured reset page carrying the username and the code
 * in its fragment; every other message of the pool is left to Cognito, unchanged.
 */
import { buildHandler } from './handler';

/** The Lambda entry point, reading its settings from the environment. */
export const handler = buildHandler();
