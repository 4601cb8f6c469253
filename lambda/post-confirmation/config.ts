/**
 * The trigger's configuration (contract section 5), read from the environment on every
 * invocation: it costs nothing and keeps a container's behaviour equal to its environment.
 */
import { nonBlank } from '../shared/non-blank';

/** What the trigger is configured to do. An absent value switches that effect off. */
export interface TriggerConfig {
  /** EventBridge bus of `PasswordResetCompleted`; unset: no event. */
  readonly eventBusName: string | undefined;
  /** Sender address of the notification (an SES-verified identity); unset: no email. */
  readonly notificationFrom: string | undefined;
  /** SES region of the sender identity when it differs from the function's. */
  readonly notificationRegion: string | undefined;
  /** `REVOKE_SESSIONS=false` switches the global sign-out off; anything else keeps it on. */
  readonly revokeSessions: boolean;
  /** SQS queue of the after-reset jobs (`AFTER_RESET_QUEUE_URL`); unset: no notice, no event. */
  readonly afterResetQueueUrl: string | undefined;
}

/**
 * Reads the configuration. Blank values count as unset, so that a template writing an empty
 * string switches an effect off rather than making it fail on every reset.
 *
 * @example
 * readTriggerConfig({ EVENT_BUS_NAME: 'resets', REVOKE_SESSIONS: 'false' });
 * // => { eventBusName: 'resets', notificationFrom: undefined, notificationRegion: undefined, revokeSessions: false, afterResetQueueUrl: undefined }
 */
export function readTriggerConfig(env: NodeJS.ProcessEnv = process.env): TriggerConfig {
  return {
    eventBusName: nonBlank(env.EVENT_BUS_NAME),
    notificationFrom: nonBlank(env.NOTIFICATION_FROM),
    notificationRegion: nonBlank(env.NOTIFICATION_REGION),
    revokeSessions: nonBlank(env.REVOKE_SESSIONS)?.toLowerCase() !== 'false',
    afterResetQueueUrl: nonBlank(env.AFTER_RESET_QUEUE_URL),
  };
}
