/**
 * Every part of the local stack serves through `pendingServer`: a listener that fails
 * unexpectedly (throws, or rejects) gets the part's own 500 answer, and the server keeps serving
 * (before, a rejection was unhandled and ended the whole stack process).
 */
import { Agent, request as httpRequest, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, IDLE_CONNECTION_MS, listenOnLoopback } from '../../local/listen';
import {
  awsFailure,
  type Listener,
  pageFailure,
  pendingServer,
  problemFailure,
} from '../../local/part-server';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => closeServer(server)));
});

function get(port: number, path: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, path }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      outgoing.on('error', reject);
      outgoing.end();
    },
  );
}

/** Fails on `/throw` (synchronously) and `/reject` (asynchronously), answers 200 otherwise. */
const fragile: Listener = (request, response) => {
  if (request.url === '/throw') throw new TypeError('boom');
  if (request.url === '/reject') return Promise.reject(new RangeError('boom'));
  response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
};

describe('a part whose listener fails unexpectedly', () => {
  it.each([
    {
      part: 'api',
      failed: problemFailure,
      contentType: 'application/problem+json',
      marker: '"code":"INTERNAL"',
    },
    {
      part: 'cognito',
      failed: awsFailure,
      contentType: 'application/x-amz-json-1.1',
      marker: '"__type":"InternalFailure"',
    },
    { part: 'client page', failed: pageFailure, contentType: 'text/plain', marker: 'Internal' },
  ])(
    'answers 500 from the $part and keeps serving',
    async ({ part, failed, contentType, marker }) => {
      // Prepare
      const lines: string[] = [];
      const { server, attach } = pendingServer(part, failed, (line) => lines.push(line));
      servers.push(server);
      const port = await listenOnLoopback(server, 0, part);
      attach(fragile);

      // Act
      const thrown = await get(port, '/throw');
      const rejected = await get(port, '/reject');
      const after = await get(port, '/fine');

      // Assess
      for (const answer of [thrown, rejected]) {
        expect(answer.status).toBe(500);
        expect(answer.headers['content-type']).toBe(contentType);
        expect(answer.body).toContain(marker);
      }
      expect(after).toMatchObject({ status: 200, body: 'ok' });
      expect(lines).toEqual([
        `[${part}] unexpected failure: TypeError`,
        `[${part}] unexpected failure: RangeError`,
      ]);
    },
  );

  it('answers the security headers and a request id with the gateway 500', async () => {
    // Prepare
    const { server, attach } = pendingServer('api', problemFailure, () => undefined);
    servers.push(server);
    const port = await listenOnLoopback(server, 0, 'api');
    attach(fragile);

    // Act
    const answer = await get(port, '/reject');

    // Assess
    const problem = JSON.parse(answer.body) as { requestId: string; status: number };
    expect(problem.status).toBe(500);
    expect(answer.headers['x-request-id']).toBe(problem.requestId);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('an idle connection to a part', () => {
  /** Past Node's default close of an idle connection (5 s keep-alive plus its 1 s buffer). */
  const NODE_DEFAULT_CLOSE_MS = 6_000;

  it('stays open past the default close, so a client reusing it is never reset mid-gap', async () => {
    // Prepare
    const { server, attach } = pendingServer('services', awsFailure, () => undefined);
    attach(fragile);
    servers.push(server);
    const port = await listenOnLoopback(server, 0, 'services');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const call = () =>
      new Promise<{ reused: boolean; status: number }>((resolve, reject) => {
        const outgoing = httpRequest({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
          response.resume();
          response.on('end', () =>
            resolve({ reused: outgoing.reusedSocket, status: response.statusCode ?? 0 }),
          );
        });
        outgoing.on('error', reject);
        outgoing.end();
      });

    try {
      // Act
      const first = await call();
      await new Promise((resolve) => setTimeout(resolve, NODE_DEFAULT_CLOSE_MS + 500));
      const second = await call();

      // Assess: the server did not close the idle socket, the client reused it
      expect(IDLE_CONNECTION_MS).toBeGreaterThan(NODE_DEFAULT_CLOSE_MS * 5);
      expect(first).toEqual({ reused: false, status: 200 });
      expect(second).toEqual({ reused: true, status: 200 });
    } finally {
      agent.destroy();
    }
  }, 20_000);
});
