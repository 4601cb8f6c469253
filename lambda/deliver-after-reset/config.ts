/**
 * The deliver-after-reset function's configuration (contract section 5), read from the
 * environment once per invocation, as the trigger reads its own.
 */

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
  };
}

function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
