/**
 * One loopback endpoint for the AWS calls no npm emulator covers (Secrets Manager, EventBridge,
 * the DynamoDB attempts table, Lambda Invoke: each in its real protocol, told apart by `X-Amz-Target` or path as AWS's own
 * endpoints would be) and for the local inspection views (mailbox, events, sign-outs).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalAttemptsTable } from './attempts-table';
import { AwsServiceError } from './aws-service-error';
import type { CognitoFront } from './cognito-front';
import type { LocalEventBus } from './event-bus';
import {
  answerUnexpectedFailure,
  awsTarget,
  parseJsonObject,
  type RequestTarget,
  readBody,
  requestTarget,
  sendAwsError,
  sendAwsResult,
  sendJson,
} from './http-util';
import type { LambdaFunction } from './lambda-function';
import { handleInvoke, type InvokeObserver, isInvokeRequest } from './lambda-invoke';
import type { MailboxEntry } from './mailbox';
import type { MemoryReport } from './memory-report';
import { type LocalRotation, ROTATION_STEPS, type RotationStep } from './secret-rotation';
import type { LocalSecretsManager } from './secrets-manager';

/** Paths of the inspection views. */
export const VIEW_PATHS = {
  mailbox: '/mailbox',
  events: '/events',
  signOuts: '/sign-outs',
  memory: '/memory',
  /** `GET`: every rotation of the client secret and its outcome; `POST {step, operation}` (or `{}`) sets the test fault. */
  rotations: '/rotations',
} as const;

/** The parts the endpoint serves. */
export interface ServicesOptions {
  readonly secrets: LocalSecretsManager;
  readonly rotation: LocalRotation;
  readonly attempts: LocalAttemptsTable;
  readonly bus: LocalEventBus;
  readonly front: CognitoFront;
  readonly functions: ReadonlyMap<string, LambdaFunction>;
  readonly mailbox: (to: string) => Promise<MailboxEntry[]>;
  /** The stack's memory after full garbage collections (`GET /memory`, for leak checks). */
  readonly memory: () => Promise<MemoryReport>;
  readonly onInvoked?: InvokeObserver;
}

const MAX_BODY = 1024 * 1024;

/** Creates the request listener of the local services endpoint. */
export function createServicesEndpoint(options: ServicesOptions) {
  const view = async (url: RequestTarget, response: ServerResponse): Promise<boolean> => {
    switch (url.path) {
      case VIEW_PATHS.mailbox: {
        const to = url.query.get('to');
        if (!to) {
          sendJson(response, 400, { message: 'Give the recipient: ?to=<username, sub or email>' });
        } else {
          sendJson(response, 200, await options.mailbox(to));
        }
        return true;
      }
      case VIEW_PATHS.events:
        sendJson(response, 200, options.bus.events());
        return true;
      case VIEW_PATHS.signOuts:
        sendJson(response, 200, options.front.recordedSignOuts());
        return true;
      case VIEW_PATHS.memory:
        sendJson(response, 200, await options.memory());
        return true;
      case VIEW_PATHS.rotations:
        sendJson(response, 200, options.rotation.history());
        return true;
      default:
        return false;
    }
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const url = requestTarget(request.url);
      if (url && request.method === 'GET' && (await view(url, response))) return;
      const body = await readBody(request, MAX_BODY);
      if (url?.path === VIEW_PATHS.rotations && request.method === 'POST') {
        setRotationFault(options.rotation, body, response);
        return;
      }
      if (url && isInvokeRequest(request.method, url.path)) {
        await handleInvoke(request, body, response, options.functions, options.onInvoked);
        return;
      }
      const { service, operation } = awsTarget(request);
      const parsed = parseJsonObject(body);
      const target =
        service === 'secretsmanager'
          ? options.secrets
          : service === 'AWSEvents'
            ? options.bus
            : service === 'DynamoDB_20120810'
              ? options.attempts
              : undefined;
      if (request.method !== 'POST' || url?.path !== '/' || !target) {
        sendJson(response, 404, { message: 'Not found on the local services endpoint' });
        return;
      }
      if (!parsed) {
        sendAwsError(response, 'SerializationException', 'Request body is not a JSON object.');
        return;
      }
      sendAwsResult(response, target.handle(operation, parsed));
    } catch (error) {
      answerUnexpectedFailure(response, () => {
        if (error instanceof AwsServiceError)
          sendAwsError(response, error.type, error.message, error.status);
        else sendAwsError(response, 'InternalFailure', 'The local services endpoint failed.', 500);
      });
    }
  };
}

/** `POST /rotations`: `{"step": ..., "operation": ...}` sets the rotation fault, `{}` clears it. */
function setRotationFault(rotation: LocalRotation, body: Buffer, response: ServerResponse): void {
  const parsed = parseJsonObject(body);
  const { step, operation } = (parsed ?? {}) as { step?: unknown; operation?: unknown };
  if (parsed && step === undefined && operation === undefined) {
    rotation.setFault(undefined);
    sendJson(response, 200, { fault: null });
    return;
  }
  if (
    typeof step !== 'string' ||
    !(ROTATION_STEPS as readonly string[]).includes(step) ||
    typeof operation !== 'string' ||
    operation === ''
  ) {
    sendJson(response, 400, {
      message: `Give {"step": one of ${ROTATION_STEPS.join(', ')}, "operation": a Secrets Manager operation}, or {} to clear`,
    });
    return;
  }
  const fault = { step: step as RotationStep, operation };
  rotation.setFault(fault);
  sendJson(response, 200, { fault });
}
