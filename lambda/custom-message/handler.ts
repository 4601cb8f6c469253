/**
 * The middy stack around the CustomMessage trigger (logger, then metrics, as the other
 * functions), and a last guard outside it: should anything still throw, a ForgotPassword event
 * gets the plain message and every other event goes back unchanged, since a failing trigger fails
 * the user's ForgotPassword.
 */
import middy from '@middy/core';
import type { Context, CustomMessageTriggerEvent } from 'aws-lambda';
import { loggingMiddlewares } from '../shared/powertools-middleware';
import { type MessageSettings, readMessageSettings } from './config';
import { plainMessage } from './limits';
import { logger, metrics } from './powertools';
import { codeParameterOf, createCustomMessageHandler, withEmail } from './trigger';

/** Options of {@link buildHandler}; the deployed handler uses the defaults. */
export interface HandlerOptions {
  /** The settings; default: read from the environment. */
  readonly settings?: () => MessageSettings;
}

/**
 * Builds the Lambda handler. Exposed so that tests run the real middy stack with settings of
 * their own; `index.ts` exports the one reading the environment.
 *
 * @example
 * export const handler = buildHandler();
 */
export function buildHandler(
  options: HandlerOptions = {},
): (event: CustomMessageTriggerEvent, context: Context) => Promise<CustomMessageTriggerEvent> {
  const stack = middy<CustomMessageTriggerEvent, CustomMessageTriggerEvent, Error, Context>(
    createCustomMessageHandler({
      logger,
      metrics,
      settings: options.settings ?? (() => readMessageSettings(process.env)),
    }),
  )
    // Shared with the other functions: logEvent is forced off, as the event names the user.
    .use([...loggingMiddlewares({ logger, metrics })]);

  return async function customMessageHandler(
    event: CustomMessageTriggerEvent,
    context: Context,
  ): Promise<CustomMessageTriggerEvent> {
    try {
      return await stack(event, context);
    } catch (error) {
      try {
        logger.error('Custom-message trigger failed; answering Cognito with the plain message', {
          errorName: error instanceof Error ? error.name : typeof error,
        });
      } catch {
        // Even the logger failing must not fail the user's request.
      }
      return event?.triggerSource === 'CustomMessage_ForgotPassword'
        ? withEmail(event, plainMessage(codeParameterOf(event)))
        : event;
    }
  };
}
