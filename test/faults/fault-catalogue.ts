/**
 * The ways an AWS dependency fails in production, as commands for a {@link FaultServer}. Each
 * test suite pairs them with the answer the contract requires.
 */
import type { FaultServer } from '../support/fault-server';

export interface NamedFault {
  readonly name: string;
  /** Makes `server` misbehave for `operation` until it recovers. */
  readonly apply: (server: FaultServer, operation: string) => Promise<void> | void;
  /** Whether the fault makes the client wait until it gives up (these cost a time budget). */
  readonly slow?: boolean;
}

function inject(
  name: string,
  fault: Parameters<FaultServer['inject']>[1],
  slow = false,
): NamedFault {
  return { name, apply: (server, operation) => server.inject(operation, fault), slow };
}

export const ADDED_LATENCY = inject('added latency (150 ms)', { kind: 'latency', ms: 150 });
export const HANG = inject('a hang past every timeout', { kind: 'hang' }, true);
export const REFUSED: NamedFault = {
  name: 'connection refused',
  apply: (server) => server.refuse(),
};
export const RESET = inject('connection reset mid-response', { kind: 'reset' });
/** A modelled service error answer, e.g. `500 InternalErrorException`, named for the report. */
export function serviceError(
  status: number,
  type: string,
  options: { note?: string; message?: string } = {},
): NamedFault {
  const note = options.note ? ` (${options.note})` : '';
  return inject(`${status} ${type}${note}`, {
    kind: 'error',
    status,
    type,
    ...(options.message ? { message: options.message } : {}),
  });
}

export const ERROR_500 = serviceError(500, 'InternalErrorException');
export const ERROR_503 = serviceError(503, 'ServiceUnavailable', { note: 'unmodelled' });
export const PROXY_502 = inject('502 with an HTML page', {
  kind: 'raw',
  status: 502,
  body: '<html><body>Bad Gateway</body></html>',
  contentType: 'text/html',
});
export const ERROR_429 = serviceError(429, 'TooManyRequestsException');
export const LIMIT_EXCEEDED = serviceError(400, 'LimitExceededException', {
  message: 'Attempt limit exceeded, please try after some time.',
});
export const THROTTLING = serviceError(400, 'ThrottlingException', {
  note: 'throttling-named',
  message: 'Rate exceeded',
});
export const MALFORMED_JSON = inject('malformed JSON', {
  kind: 'raw',
  status: 200,
  body: '{"CodeDeliveryDetails": {"Destination": u***@e***',
});
export const TRUNCATED_JSON = inject('truncated JSON', { kind: 'truncated' });
export const SLOW_DRIP = inject(
  'slow drip (one byte per 100 ms)',
  { kind: 'drip', intervalMs: 100 },
  true,
);
