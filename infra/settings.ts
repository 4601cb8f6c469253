/**
 * The fixed choices of the deployment, with their reasons: function names, memory, timeouts,
 * stage name, metric namespace and event identity. Shared by the stack, its parts and the tests.
 */
import { resolve } from 'node:path';

/** Where `npm run build` writes the bundles (`dist/lambda/<name>/index.mjs`). */
export const DEFAULT_BUNDLE_DIR = resolve(import.meta.dirname, '..', 'dist', 'lambda');

/** The deployed functions, as `npm run build` names their bundles. */
export const FUNCTION_NAMES = [
  'forgot-password',
  'confirm-forgot-password',
  'post-confirmation',
  'deliver-after-reset',
  'rotate-client-secret',
  'custom-message',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** API stage name; WAF sees it as the first path segment. */
export const STAGE_NAME = 'v1';

/** CloudWatch namespace of the handlers' metrics (contract section 5). */
export const METRICS_NAMESPACE = 'CognitoPasswordReset';

/**
 * Memory of every function. Lambda allots CPU in proportion to memory, and the cold start (module
 * load and the first TLS handshakes to Cognito and Secrets Manager) is CPU-bound: it falls steeply
 * up to about 1 GB and barely beyond (see the benchmark). The trigger runs inside the user's
 * confirm request, so its cold start is user-visible too; it gets the same.
 */
export const FUNCTION_MEMORY_MB = 1024;

/**
 * Timeouts. The API functions derive their SDK timeouts from the remaining time, so 10 s leaves
 * room for Cognito's retries and stays far below API Gateway's 29 s integration timeout. The
 * trigger's own budget is ~2 s and Cognito waits 5 s for it, so 5 s is its ceiling.
 */
export const FUNCTION_TIMEOUT_SECONDS: Readonly<Record<FunctionName, number>> = {
  'forgot-password': 10,
  'confirm-forgot-password': 10,
  'post-confirmation': 5,
  // A batch of at most 10 jobs; a job starts only with time left for its worst case (two calls
  // cut at 5 s and its idempotency record, JOB_RESERVE_MS), the rest wait for the next delivery.
  // The queue's visibility timeout is 10x this.
  'deliver-after-reset': 30,
  // Four steps of a few Cognito and Secrets Manager calls each; Secrets Manager allows a step far longer.
  'rotate-client-secret': 30,
  // Cognito waits 5 s for a CustomMessage trigger and fails the ForgotPassword after that; the
  // trigger does no I/O (pure composition, measured in milliseconds), so 5 s is only a ceiling.
  'custom-message': 5,
};

/** Source and detail type of the trigger's event (contract section 4). */
export const EVENT_SOURCE = 'cognito-password-reset';
export const EVENT_DETAIL_TYPE = 'PasswordResetCompleted';
