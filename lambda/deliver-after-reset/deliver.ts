/**
 * Doing one after-reset job: the one AWS call it stands for, and, for a late sign-out, the
 * hand-off of the event that was waiting for it. Throws on failure; the batch handler decides
 * between a retry and the dead-letter queue.
 */
import type {
  publishResetCompleted,
  revokeSessions,
  sendNotification,
} from '../after-reset/effects';
import type { handOff } from '../after-reset/hand-off';
import type { AfterResetJob } from '../after-reset/jobs';
import { composeNotification } from '../after-reset/notification-email';
import { buildDetail } from '../after-reset/password-reset-completed';
import { withTimeout } from '../after-reset/with-timeout';
import { textsFor } from '../shared/message-texts';
import type { DeliveryConfig } from './config';
import { NotConfiguredError } from './permanence';

/**
 * Each call's own deadline: well inside the function's 30 s timeout (and so inside the queue's
 * visibility timeout), so that a hanging dependency fails the job rather than the whole batch.
 */
export const CALL_TIMEOUT_MS = 5_000;

/** What a job needs from outside. */
export interface DeliveryEffects {
  readonly revokeSessions: typeof revokeSessions;
  readonly sendNotification: typeof sendNotification;
  readonly publishResetCompleted: typeof publishResetCompleted;
  readonly handOff: typeof handOff;
}

/**
 * Does the job once. A sign-out of a user that no longer exists is done (a deleted user has no
 * sessions left).
 *
 * @throws the failed call's error, or {@link NotConfiguredError} when the job's effect is switched off
 * @example
 * await deliverJob(parseJob(record.body), { effects, config, now: Date.now });
 */
export async function deliverJob(
  job: AfterResetJob,
  deps: {
    readonly effects: DeliveryEffects;
    readonly config: DeliveryConfig;
    readonly now: () => number;
  },
): Promise<void> {
  const { effects, config } = deps;
  switch (job.kind) {
    case 'notify': {
      const from = config.notificationFrom;
      if (from === undefined)
        throw new NotConfiguredError('no sender configured (NOTIFICATION_FROM)');
      const email = composeNotification(
        { changedAt: new Date(job.changedAt), resetId: job.resetId, sessions: job.sessions },
        textsFor(job.locale ?? undefined, {
          defaultLocale: config.defaultLocale,
          overrides: config.textOverrides,
        }),
      );
      await withTimeout(CALL_TIMEOUT_MS, (signal) =>
        effects.sendNotification(
          { from, to: job.to, region: config.notificationRegion, email },
          signal,
        ),
      );
      return;
    }
    case 'publish': {
      const eventBusName = config.eventBusName;
      if (eventBusName === undefined)
        throw new NotConfiguredError('no bus configured (EVENT_BUS_NAME)');
      await withTimeout(CALL_TIMEOUT_MS, (signal) =>
        effects.publishResetCompleted(
          { eventBusName, detail: job.detail, time: new Date(job.detail.occurredAt) },
          signal,
        ),
      );
      return;
    }
    case 'revoke': {
      await withTimeout(CALL_TIMEOUT_MS, (signal) =>
        effects.revokeSessions({ userPoolId: job.userPoolId, userName: job.userName }, signal),
      ).catch((error: unknown) => {
        if (!(error instanceof Error && error.name === 'UserNotFoundException')) throw error;
      });
      if (job.detail === null) return;
      const queueUrl = config.queueUrl;
      if (queueUrl === undefined)
        throw new NotConfiguredError('no queue configured (AFTER_RESET_QUEUE_URL)');
      const detail = buildDetail({
        ...job.detail,
        sessionsRevoked: true,
        sessionsRevokedAt: new Date(deps.now()).toISOString(),
      });
      // A new job rather than the call itself: a failing bus must not repeat the sign-out.
      await withTimeout(CALL_TIMEOUT_MS, (signal) =>
        effects.handOff(queueUrl, [{ kind: 'publish', resetId: job.resetId, detail }], signal),
      );
      return;
    }
  }
}
