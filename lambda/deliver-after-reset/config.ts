/**
 * The deliver-after-reset function's configuration (contract section 5), read from the
 * environment once per invocation, as the trigger reads its own.
 */
import {
  FALLBACK_LOCALE,
  parseDefaultLocale,
  parseTextOverrides,
  type TextOverrides,
} from '../shared/message-texts';
import { nonBlank } from '../shared/non-blank';

/** What the function is configured to do. */
export interface DeliveryConfig {
  /** Sender of the notice (an SES-verified identity); unset: notify jobs are set aside. */
  readonly notificationFrom: string | undefined;
  /** SES region of the sender identity when it differs from the function's. */
  readonly notificationRegion: string | undefined;
  /** Bus of `PasswordResetCompleted`; unset: publish jobs are set aside. */
  readonly eventBusName: string | undefined;
  /** The after-reset queue, to hand a publish job on after a late sign-out. */
  readonly queueUrl: string | undefined;
  /** Where a job that can never succeed is set aside at once (a permanent error). */
  readonly deadLetterQueueUrl: string | undefined;
  /** Powertools Idempotency table; unset: no duplicate suppression (at least once only). */
  readonly idempotencyTableName: string | undefined;
  /** The notice's language when the user's `locale` has no texts (`DEFAULT_LOCALE`). */
  readonly defaultLocale: string;
  /** A team's texts over the bundled ones (`MESSAGE_TEXTS`, validated at synth). */
  readonly textOverrides: TextOverrides;
}

/**
 * Reads the configuration; blank values count as unset.
 *
 * @example
 * readDeliveryConfig({ NOTIFICATION_FROM: 'security@example.com', EVENT_BUS_NAME: 'resets' });
 */
export function readDeliveryConfig(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  return {
    notificationFrom: nonBlank(env.NOTIFICATION_FROM),
    notificationRegion: nonBlank(env.NOTIFICATION_REGION),
    eventBusName: nonBlank(env.EVENT_BUS_NAME),
    queueUrl: nonBlank(env.AFTER_RESET_QUEUE_URL),
    deadLetterQueueUrl: nonBlank(env.DEAD_LETTER_QUEUE_URL),
    idempotencyTableName: nonBlank(env.IDEMPOTENCY_TABLE_NAME),
    ...languageOf(env),
  };
}

/**
 * The language settings, the same the custom-message trigger reads. Both are validated at synth;
 * should they still be wrong, the notice goes out in the bundled texts rather than not at all.
 */
function languageOf(env: NodeJS.ProcessEnv): {
  defaultLocale: string;
  textOverrides: TextOverrides;
} {
  try {
    const textOverrides = parseTextOverrides(nonBlank(env.MESSAGE_TEXTS));
    return { defaultLocale: parseDefaultLocale(env.DEFAULT_LOCALE, textOverrides), textOverrides };
  } catch {
    return { defaultLocale: FALLBACK_LOCALE, textOverrides: {} };
  }
}
