/**
 * The client secret's first fetch, started before the rest of the function evaluates. Each API
 * entry point imports this module first (`import '../shared/secret-prefetch';`); its top-level
 * await then holds the evaluation of everything imported after it (Powertools, middy, validation,
 * the handler's own modules) until the `GetSecretValue` request is on the wire, so that those
 * modules load during the secret's round trip instead of before the request leaves.
 *
 * Why: the function ships as one scope-hoisted bundle. A fetch merely started at module load
 * (the cache's `prefetch()`) is a promise whose socket is only opened once the whole bundle has
 * evaluated, ~17 ms after the floor's Cognito call would have left; measured on the cold-start
 * bench (docs/performance.md, `x-secret-first`, 25 interleaved cold runs of confirm) this module
 * gets the request to the endpoint 8.7 ms earlier (51.4 -> 42.7 ms after the import began) and
 * the cold first request 8.0 ms shorter (112.5 -> 104.5 ms, the floor plus a bare secret fetch
 * measuring 103.8 ms), at the price of a longer init phase (34.9 -> 47.5 ms), which Lambda spends
 * anyway before the first invocation.
 *
 * The wait is capped at {@link MAX_INIT_HOLD_MS}: an endpoint slow to accept (or a TLS handshake
 * that stalls) must not hold init; the fetch then simply continues in the background. It also
 * ends as soon as the fetch settles (a refused connection, a missing `CLIENT_SECRET_ID`, a test
 * double answering without a socket). The fetch's failure never escapes as an unhandled
 * rejection: the secret cache adopts the promise and reports the failure to the first request,
 * exactly as a failed cold-start prefetch always did.
 *
 * Imports are deliberately few (the Secrets Manager client, `aws-clients`, `config` and, through
 * them, `problem-error`): everything imported here evaluates before the request can leave.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSecretsManagerClient, secretFetcher } from './aws-clients';
import { readHandlerConfig } from './config';

/** Longest the module holds init for the request to leave (the bench's 50 ms bound). */
export const MAX_INIT_HOLD_MS = 50;

let markOnTheWire: () => void = () => undefined;
let onTheWireSignalled = false;

/** Resolves once the first Secrets Manager connection is up and its request has been written. */
const onTheWire = new Promise<void>((resolve) => {
  markOnTheWire = () => {
    onTheWireSignalled = true;
    // After `connect` the HTTP client writes the queued request in the same or the next turn:
    // resume module evaluation only after that.
    setImmediate(resolve);
  };
});

/**
 * Makes `agent` report its first connection: `secureConnect` for https (on Lambda the wait then
 * covers the TLS handshake too), `connect` for plain http (the local stack and the tests).
 */
function reportingFirstConnection<A extends HttpAgent>(
  agent: A,
  event: 'connect' | 'secureConnect',
): A {
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (...args: Parameters<HttpAgent['createConnection']>) => {
    const socket = create(...args);
    if (!onTheWireSignalled) socket?.once(event, markOnTheWire);
    return socket;
  };
  return agent;
}

// The same pool settings as the SDK's own default agents.
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 50 } as const;

/** The container's one Secrets Manager client; the secret cache's later fetches use it too. */
export const secretsManagerClient: SecretsManagerClient = createSecretsManagerClient({
  httpAgent: reportingFirstConnection(new HttpAgent(AGENT_OPTIONS), 'connect'),
  httpsAgent: reportingFirstConnection(new HttpsAgent(AGENT_OPTIONS), 'secureConnect'),
});

let prefetched: Promise<string | undefined> | undefined = secretFetcher(
  secretsManagerClient,
  readHandlerConfig(process.env).secretId,
)();
const settled = prefetched.then(
  () => undefined,
  () => undefined,
);

/**
 * Hands the in-flight first fetch (the raw `SecretString`) to its one consumer, the secret cache;
 * `undefined` once taken, so that a second cache fetches for itself rather than sharing a result
 * it did not start. A rejection is the cache's to report: this module never lets it go unhandled.
 *
 * @example
 * new ClientSecretCache({ fetch, prefetched: takePrefetchedSecret() });
 */
export function takePrefetchedSecret(): Promise<string | undefined> | undefined {
  const first = prefetched;
  prefetched = undefined;
  return first;
}

await Promise.race([
  onTheWire,
  settled,
  new Promise<void>((resolve) => setTimeout(resolve, MAX_INIT_HOLD_MS).unref()),
]);
