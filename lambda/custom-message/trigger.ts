/**
 * The CustomMessage trigger's decision: for `CustomMessage_ForgotPassword` the localized email
 * with the reset link (or the plain one when that cannot be sent); every other message of the
 * pool is left to Cognito, unchanged. Cognito fails the user's ForgotPassword when the trigger
 * throws, times out or returns a message it will not send, so nothing here may do any of those.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CustomMessageTriggerEvent } from 'aws-lambda';
import { textsFor } from '../shared/message-texts';
import { composeResetEmail } from './compose';
import type { MessageSettings } from './config';
import { type CustomEmail, messageProblem, plainMessage } from './limits';
import { resetLink, signInName } from './reset-link';

/** Cognito's code placeholder, used should an event lack its own `codeParameter`. */
export const DEFAULT_CODE_PARAMETER = '{####}';

/** The metric counted each time the plain message replaced the composed one. */
export const FALLBACK_METRIC = 'MessageFallback';

/** What the trigger needs. */
export interface CustomMessageDependencies {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The settings; may throw for an unusable environment (then: the plain message). */
  readonly settings: () => MessageSettings;
}

/** The event's code placeholder, or Cognito's usual one. */
export function codeParameterOf(event: CustomMessageTriggerEvent): string {
  const value: unknown = event.request?.codeParameter;
  return typeof value === 'string' && value !== '' ? value : DEFAULT_CODE_PARAMETER;
}

/**
 * Builds the handler's core. It logs the resolved locale and whether a link was sent, never the
 * user's name, address or any part of the message.
 *
 * @example
 * const core = createCustomMessageHandler({ logger, metrics, settings: () => readMessageSettings() });
 */
export function createCustomMessageHandler(
  dependencies: CustomMessageDependencies,
): (event: CustomMessageTriggerEvent) => Promise<CustomMessageTriggerEvent> {
  const { logger, metrics } = dependencies;
  return async (event) => {
    if (event.triggerSource !== 'CustomMessage_ForgotPassword') return event;
    const codeParameter = codeParameterOf(event);
    let email: CustomEmail | undefined;
    let problem: string | undefined;
    let details: Record<string, unknown> = {};
    try {
      const settings = dependencies.settings();
      const { locale, texts } = textsFor(event.request.userAttributes?.locale, settings);
      const link =
        settings.resetPageUrl === undefined
          ? undefined
          : resetLink(settings.resetPageUrl, signInName(event), codeParameter);
      email = composeResetEmail({ locale, texts, codeParameter, link });
      problem = messageProblem(email, codeParameter);
      details = { locale, withLink: link !== undefined };
    } catch (error) {
      problem = `composing failed: ${error instanceof Error ? error.name : typeof error}`;
    }
    if (problem !== undefined || email === undefined) {
      logger.warn('Reset email replaced by the plain message', { reason: problem, ...details });
      metrics.addMetric(FALLBACK_METRIC, MetricUnit.Count, 1);
      email = plainMessage(codeParameter);
    } else {
      logger.info('Reset email composed', details);
    }
    return withEmail(event, email);
  };
}

/**
 * The event with the email in its response. A new object, never a mutation, so that not even a
 * frozen event can make the trigger throw.
 *
 * @example
 * withEmail(event, plainMessage('{####}')).response.emailMessage // 'Your password reset code is {####}'
 */
export function withEmail(
  event: CustomMessageTriggerEvent,
  email: CustomEmail,
): CustomMessageTriggerEvent {
  const response = event.response ?? { smsMessage: null, emailMessage: null, emailSubject: null };
  return {
    ...event,
    response: { ...response, emailSubject: email.subject, emailMessage: email.html },
  };
}
