/**
 * The middy stack both API handlers share, in the order the middy and Powertools docs give:
 * Logger, Metrics (flushed last, after the answer is
 * built), then the HTTP layers outermost-first: the responder (problem documents, headers,
 * timing floor), the transport guard, the JSON body parser. Each handler supplies only its
 * schema and its Cognito call.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as v from 'valibot';
import { ANSWER_RESERVE_MS, callBudget, callBudgetMs, deadlineOf } from './deadline';
import { httpRequestGuard, jsonBodyParser, sentShapeOf } from './http-request-guard';
import { httpResponder } from './http-responder';
import type { Observability } from './observability';
import { loggingMiddlewares } from './powertools-middleware';
import { CONFIRM_TIMEOUT_DETAIL } from './problem-catalog';
import { ProblemError } from './problem-error';
import { validateRequest } from './request-schema';

/** What an operation gets besides its validated body. */
export interface OperationContext {
  readonly event: APIGatewayProxyEvent;
  readonly context: Context;
  readonly requestId: string;
  /** Aborts when the invocation's budget for AWS calls is spent. */
  readonly signal: AbortSignal;
}

/** What one operation supplies: its schema, its Cognito call and its timing rules. */
export interface ApiHandlerOptions<TSchema extends v.GenericSchema> {
  readonly schema: TSchema;
  readonly observability: Observability;
  readonly allowedOrigins: ReadonlySet<string>;
  /** Timing floor in ms; absent or `0`: none. */
  readonly minResponseMs?: number;
  /** Whether this is the confirm operation (its timeout detail differs). */
  readonly confirm: boolean;
  readonly operate: (
    body: v.InferOutput<TSchema>,
    call: OperationContext,
  ) => Promise<APIGatewayProxyResult>;
}

/** The API Gateway (REST, proxy) Lambda handler both operations export. */
export type ApiHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

/**
 * Wraps one operation in the product's middy stack, so that every safety property (problem
 * documents, headers, the timing floor, no event logging, the size limit) holds for both
 * operations by construction; the operation gets a validated body and an abort signal bounded by
 * the invocation's deadline.
 *
 * @example
 * export const handler = createApiHandler({ schema, observability, allowedOrigins, confirm: false, operate });
 */
export function createApiHandler<TSchema extends v.GenericSchema>(
  options: ApiHandlerOptions<TSchema>,
): ApiHandler {
  const { logger, metrics } = options.observability;

  const lambdaHandler = async (
    event: APIGatewayProxyEvent,
    context: Context,
  ): Promise<APIGatewayProxyResult> => {
    if (event.httpMethod === 'OPTIONS') return { statusCode: 204, body: '' };
    const result = validateRequest(options.schema, event.body as unknown, sentShapeOf(event));
    if (!result.success) throw new ProblemError('VALIDATION_FAILED', { errors: result.errors });
    const budget = callBudget(callBudgetMs(deadlineOf(context)));
    try {
      return await options.operate(result.value, {
        event,
        context,
        requestId: context.awsRequestId,
        signal: budget.signal,
      });
    } finally {
      budget.release();
    }
  };

  const timeoutProblem = new ProblemError('UPSTREAM_TIMEOUT', {
    upstream: 'LambdaDeadline',
    ...(options.confirm ? { detail: CONFIRM_TIMEOUT_DETAIL } : {}),
  });

  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>(
    lambdaHandler,
    {
      // Last-resort guard: should the abort signals fail to stop an AWS call, answer 504 before
      // Lambda kills the function.
      timeoutEarlyInMillis: ANSWER_RESERVE_MS / 2,
      timeoutEarlyResponse: () => {
        throw timeoutProblem;
      },
    },
  )
    // logEvent: false wins over POWERTOOLS_LOGGER_LOG_EVENT: the event holds the password and code.
    .use([...loggingMiddlewares({ logger, metrics })])
    .use(
      httpResponder({
        logger,
        metrics,
        allowedOrigins: options.allowedOrigins,
        ...(options.minResponseMs !== undefined ? { minResponseMs: options.minResponseMs } : {}),
      }),
    )
    .use(httpRequestGuard())
    .use(jsonBodyParser());

  return handler;
}
