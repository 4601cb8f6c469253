/**
 * What the post-confirmation trigger does (contract section 4), free of middy and of module
 * state so that tests can give it their own clock, budget and effects.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, PostConfirmationTriggerEvent } from 'aws-lambda';
import { type BudgetLimits, Deadline, withTimeout } from './budget';
import type { TriggerConfig } from './config';
import type { publishResetCompleted, revokeSessions, sendNotification } from './effects';
import { describeFailure } from './failure';
import { composeNotification } from './notification-email';
import { buildDetail } from './password-reset-completed';
import { deriveResetId } from './reset-id';

/**
 * The metric each effect's failure is counted under (contract section 5): 1 when it failed, 0
 * when it succeeded, nothing when it was switched off or skipped.
 */
export const FAILURE_METRICS = {
  revoke: 'SessionsRevokeFailed',
  notify: 'NotificationFailed',
  publish: 'EventPublishFailed',
} as const;

/** What the trigger needs from outside. */
export interface TriggerDependencies {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly effects: {
    readonly revokeSessions: typeof revokeSessions;
    readonly sendNotification: typeof sendNotification;
    readonly publishResetCompleted: typeof publishResetCompleted;
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

  // One after the other: the notice must say what really happened to the user's sessions, and
  // the event what happened to both.
  const sessionsRevoked = await (config.revokeSessions
    ? attempt(
        FAILURE_METRICS.revoke,
        'Revoking the sessions failed',
        deadline.slice(budget.revokeMs, budget.notifyMs + budget.publishMs),
        (signal) =>
          effects.revokeSessions(
            { userPoolId: event.userPoolId, userName: event.userName },
            signal,
          ),
      )
    : skip(logger, 'Revoking the sessions is switched off (REVOKE_SESSIONS=false)'));

  const from = config.notificationFrom;
  const email = verifiedEmailOf(attributes);
  const notified = await (from === undefined
    ? skip(logger, 'Notification skipped: no sender configured (NOTIFICATION_FROM)')
    : email === undefined
      ? skip(logger, 'Notification skipped: the user has no verified email address')
      : attempt(
          FAILURE_METRICS.notify,
          'Sending the notification failed',
          deadline.slice(budget.notifyMs, budget.publishMs),
          (signal) =>
            effects.sendNotification(
              {
                from,
                to: email,
                region: config.notificationRegion,
                email: composeNotification({
                  changedAt: new Date(startedAt),
                  resetId,
                  sessions: !config.revokeSessions
                    ? 'kept'
                    : sessionsRevoked
                      ? 'revoked'
                      : 'revoke-failed',
                }),
              },
              signal,
            ),
        ));

  const eventBusName = config.eventBusName;
  const published =
    eventBusName === undefined
      ? await skip(logger, 'Event skipped: no bus configured (EVENT_BUS_NAME)')
      : await attempt(
          FAILURE_METRICS.publish,
          'Publishing the PasswordResetCompleted event failed',
          deadline.slice(budget.publishMs),
          (signal) =>
            effects.publishResetCompleted(
              {
                eventBusName,
                time: new Date(startedAt),
                detail: buildDetail({
                  resetId,
                  userPoolId: event.userPoolId,
                  userName: event.userName,
                  sub,
                  clientId: event.callerContext.clientId,
                  requestId: requestId ?? null,
                  occurredAt: new Date(startedAt).toISOString(),
                  sessionsRevoked,
                  notified,
                }),
              },
              signal,
            ),
        );

  logger.info('Password reset trigger done', {
    sessionsRevoked,
    notified,
    eventPublished: published,
    elapsedMs: deps.now() - startedAt,
  });
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

function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
