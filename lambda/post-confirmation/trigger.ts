/**
 * What the post-confirmation trigger does (contract section 4), free of middy and of module
 * state so that tests can give it their own clock, budget and effects.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, PostConfirmationTriggerEvent } from 'aws-lambda';
import type { revokeSessions } from '../after-reset/effects';
import { describeFailure } from '../after-reset/failure';
import type { handOff } from '../after-reset/hand-off';
import type { AfterResetJob } from '../after-reset/jobs';
import type { SessionOutcome } from '../after-reset/notification-email';
import { buildDetail } from '../after-reset/password-reset-completed';
import { withTimeout } from '../after-reset/with-timeout';
import { nonBlank } from '../shared/non-blank';
import { type BudgetLimits, Deadline } from './budget';
import type { TriggerConfig } from './config';
import { deriveResetId } from './reset-id';

/**
 * The metric each step's failure is counted under (contract section 5): 1 when it failed, 0
 * when it succeeded, nothing when it was switched off or skipped. A failed sign-out is retried
 * on the durable path; a failed hand-off loses the notice and the event of that reset (alarmed).
 */
export const FAILURE_METRICS = {
  revoke: 'SessionsRevokeFailed',
  handOff: 'HandOffFailed',
} as const;

/** What the trigger needs from outside. */
export interface TriggerDependencies {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly effects: {
    readonly revokeSessions: typeof revokeSessions;
    readonly handOff: typeof handOff;
  };
  readonly budget: BudgetLimits;
  readonly config: () => TriggerConfig;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

const RESET_SOURCE = 'PostConfirmation_ConfirmForgotPassword';

/**
 * Builds the trigger's handler. It returns the event unchanged in every case and never
 * throws: Cognito would fail the user's ConfirmForgotPassword on an error although the password
 * has already changed, and the user would retry a reset that in fact succeeded.
 *
 * @example
 * const handler = createPostConfirmationHandler({ logger, metrics, effects, budget: DEFAULT_BUDGET, config: readTriggerConfig, now: Date.now });
 */
export function createPostConfirmationHandler(
  deps: TriggerDependencies,
): (
  event: PostConfirmationTriggerEvent,
  context: Context,
) => Promise<PostConfirmationTriggerEvent> {
  return async function postConfirmation(
    event: PostConfirmationTriggerEvent,
    context: Context,
  ): Promise<PostConfirmationTriggerEvent> {
    if (event.triggerSource !== RESET_SOURCE) {
      deps.logger.debug('Not a password reset: nothing to do', {
        triggerSource: event.triggerSource,
      });
      return event;
    }
    try {
      await onPasswordReset(event, context, deps);
    } catch (error) {
      // Only a defect can land here (each effect handles its own failure); the user's reset stands.
      deps.logger.error('Password reset trigger failed unexpectedly', {
        ...describeFailure(error, sensitiveValuesOf(event)),
      });
    }
    return event;
  };
}

async function onPasswordReset(
  event: PostConfirmationTriggerEvent,
  context: Context,
  deps: TriggerDependencies,
): Promise<void> {
  const { logger, budget, effects } = deps;
  const startedAt = deps.now();
  const deadline = new Deadline(
    startedAt,
    budget.totalMs,
    remainingMs(context, budget.marginMs),
    deps.now,
  );
  const config = deps.config();
  const attributes = event.request.userAttributes;
  const sub = attributes.sub ?? '';
  const requestId = nonBlank(event.request.clientMetadata?.requestId);
  const resetId = deriveResetId({
    userPoolId: event.userPoolId,
    sub: sub === '' ? `userName:${event.userName}` : sub,
    requestId,
  });
  logger.appendKeys({ sub, resetId, requestId: requestId ?? null });
  if (requestId === undefined) {
    logger.warn('No clientMetadata.requestId (reset not made through the API): resetId is random');
  }

  const attempt = (
    metric: (typeof FAILURE_METRICS)[keyof typeof FAILURE_METRICS],
    message: string,
    timeoutMs: number,
    operation: (signal: AbortSignal) => Promise<void>,
  ): Promise<boolean> =>
    withTimeout(timeoutMs, operation).then(
      () => {
        // A zero on success: the alarms and a failure ratio see every attempt, not only failures.
        deps.metrics.addMetric(metric, MetricUnit.Count, 0);
        return true;
      },
      (error: unknown) => {
        logger.error(message, { ...describeFailure(error, sensitiveValuesOf(event)), timeoutMs });
        deps.metrics.addMetric(metric, MetricUnit.Count, 1);
        return false;
      },
    );

  // The sign-out first, in the request: the old sessions must end now. The notice and the
  // event then say how it went.
  const revokedNow = await (config.revokeSessions
    ? attempt(
        FAILURE_METRICS.revoke,
        'Revoking the sessions failed; it is retried on the durable path',
        deadline.slice(budget.revokeMs, budget.handOffMs),
        (signal) =>
          effects.revokeSessions(
            { userPoolId: event.userPoolId, userName: event.userName },
            signal,
          ),
      )
    : skip(logger, 'Revoking the sessions is switched off (REVOKE_SESSIONS=false)'));
  const revokedAt = revokedNow ? new Date(deps.now()).toISOString() : null;
  const sessions: SessionOutcome = !config.revokeSessions
    ? 'kept'
    : revokedNow
      ? 'revoked'
      : 'revoking';

  const queueUrl = config.afterResetQueueUrl;
  const email = verifiedEmailOf(attributes);
  const notify =
    config.notificationFrom === undefined
      ? skipped(logger, 'Notification skipped: no sender configured (NOTIFICATION_FROM)')
      : email === undefined
        ? skipped(logger, 'Notification skipped: the user has no verified email address')
        : email;
  const detail =
    config.eventBusName === undefined
      ? (skipped(logger, 'Event skipped: no bus configured (EVENT_BUS_NAME)') ?? null)
      : buildDetail({
          resetId,
          userPoolId: event.userPoolId,
          userName: event.userName,
          sub,
          clientId: event.callerContext.clientId,
          requestId: requestId ?? null,
          occurredAt: new Date(startedAt).toISOString(),
          sessionsRevoked: config.revokeSessions,
          sessionsRevokedAt: revokedAt,
          notified: notify !== undefined && queueUrl !== undefined,
        });
  const jobs: AfterResetJob[] = [
    ...(notify === undefined
      ? []
      : [
          {
            kind: 'notify',
            resetId,
            to: notify,
            changedAt: new Date(startedAt).toISOString(),
            sessions,
            locale: nonBlank(attributes.locale)?.slice(0, 64) ?? null,
          } as const,
        ]),
    // A sign-out that failed here is retried on the durable path; the event waits for it, so
    // that it can say when the sessions ended.
    ...(sessions === 'revoking'
      ? [
          {
            kind: 'revoke',
            resetId,
            userPoolId: event.userPoolId,
            userName: event.userName,
            detail,
          } as const,
        ]
      : detail === null
        ? []
        : [{ kind: 'publish', resetId, detail } as const]),
  ];

  const handedOff =
    jobs.length === 0
      ? false
      : queueUrl === undefined
        ? await skip(
            logger,
            'After-reset jobs dropped: no queue configured (AFTER_RESET_QUEUE_URL)',
          )
        : await attempt(
            FAILURE_METRICS.handOff,
            'Handing the after-reset jobs to the queue failed: this reset gets no notice and no event',
            deadline.slice(budget.handOffMs),
            (signal) => effects.handOff(queueUrl, jobs, signal),
          );

  logger.info('Password reset trigger done', {
    sessionsRevoked: revokedNow,
    jobs: jobs.map((job) => job.kind),
    handedOff,
    elapsedMs: deps.now() - startedAt,
  });
}

/** A step that does not apply: said in the log, the value absent. */
function skipped(logger: Logger, message: string): undefined {
  logger.info(message);
  return undefined;
}

/** An effect that is switched off: said in the log, not a failure, reported as not done. */
function skip(logger: Logger, message: string): Promise<boolean> {
  logger.info(message);
  return Promise.resolve(false);
}

/** The `email` attribute when Cognito marks it verified (`email_verified` is `true`). */
function verifiedEmailOf(attributes: Record<string, string | undefined>): string | undefined {
  const email = attributes.email?.trim();
  const verified = attributes.email_verified?.trim().toLowerCase() === 'true';
  return verified && email !== undefined && email !== '' ? email : undefined;
}

/** Values that must not reach a log line: the user name may be an email address. */
function sensitiveValuesOf(event: PostConfirmationTriggerEvent): Array<string | undefined> {
  // Optional all the way: this also runs on the malformed event that caused a failure.
  const attributes = event?.request?.userAttributes as
    | Record<string, string | undefined>
    | undefined;
  return [event?.userName, attributes?.email];
}

/** The function's own remaining time minus the margin, when the context can tell it. */
function remainingMs(context: Context | undefined, marginMs: number): number | undefined {
  const remaining =
    typeof context?.getRemainingTimeInMillis === 'function'
      ? context.getRemainingTimeInMillis()
      : undefined;
  return remaining === undefined || !Number.isFinite(remaining) ? undefined : remaining - marginMs;
}
