/**
 * The middy stack around the trigger, in the order the Powertools docs give (logger, then
 * metrics), and a last guard outside it that answers Cognito with the event should anything
 * still throw.
 */
import middy from '@middy/core';
import type { Context, PostConfirmationTriggerEvent } from 'aws-lambda';
import { revokeSessions } from '../after-reset/effects';
import { handOff } from '../after-reset/hand-off';
import { loggingMiddlewares } from '../shared/powertools-middleware';
import { type BudgetLimits, DEFAULT_BUDGET } from './budget';
import { readTriggerConfig } from './config';
import { logger, metrics } from './powertools';
import { createPostConfirmationHandler } from './trigger';

/** Options of {@link buildHandler}; the deployed handler uses the defaults. */
export interface HandlerOptions {
  readonly budget?: BudgetLimits;
  readonly now?: () => number;
}

/**
 * Builds the Lambda handler. Exposed so tests can run the real middy stack with a shorter
 * budget; `index.ts` exports the one built with the defaults.
 *
 * The stack is wrapped once more so that nothing, not even a middleware's own failure, turns
 * into an error for Cognito: an error would fail the user's ConfirmForgotPassword after the
 * password has already changed.
 *
 * @example
 * export const handler = buildHandler();
 */
export function buildHandler(
  options: HandlerOptions = {},
): (
  event: PostConfirmationTriggerEvent,
  context: Context,
) => Promise<PostConfirmationTriggerEvent> {
  const stack = middy<PostConfirmationTriggerEvent, PostConfirmationTriggerEvent, Error, Context>(
    createPostConfirmationHandler({
      logger,
      metrics,
      effects: { revokeSessions, handOff },
      budget: options.budget ?? DEFAULT_BUDGET,
      config: () => readTriggerConfig(process.env),
      now: options.now ?? Date.now,
    }),
  )
    // Shared with the API: logEvent is forced off, as the event names the user (email address).
    .use([...loggingMiddlewares({ logger, metrics })]);

  return async function postConfirmationHandler(
    event: PostConfirmationTriggerEvent,
    context: Context,
  ): Promise<PostConfirmationTriggerEvent> {
    try {
      return await stack(event, context);
    } catch (error) {
      logger.error('Post-confirmation trigger failed; answering Cognito with the event', {
        errorName: error instanceof Error ? error.name : typeof error,
      });
      return event;
    }
  };
}
