/**
 * Binding on loopback only, with an error a new user can act on when a port is taken.
 */
import type { Server } from 'node:http';

/** Every part of the local stack listens here and nowhere else. */
export const LOOPBACK = '127.0.0.1';

/** A port the stack needs is held by another process (often a stack already running). */
export class PortInUseError extends Error {
  constructor(
    readonly part: string,
    readonly port: number,
  ) {
    super(`${part}: port ${port} on ${LOOPBACK} is already in use (is another stack running?)`);
    this.name = 'PortInUseError';
  }
}

/**
 * Starts `server` on `127.0.0.1:port` (0: any free port) and resolves with the bound port.
 * Rejects with {@link PortInUseError} rather than an opaque `EADDRINUSE`.
 */
export function listenOnLoopback(server: Server, port: number, part: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(part, port) : error);
    };
    server.once('error', onError);
    server.listen(port, LOOPBACK, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * How long every local server (the parts, cognito-local, the SES emulator) keeps an idle
 * connection open. Node's default (5 s, closed at 6 s with its buffer) sat in the middle of the
 * gaps a local run makes between two calls of one client (a rotation a few seconds after the
 * last), and a client that reuses its socket just as the server closes it gets a reset
 * (ECONNRESET, which the SDK names TimeoutError) instead of an answer. A minute is far from any
 * such gap and still frees the sockets of clients that are gone.
 */
export const IDLE_CONNECTION_MS = 60_000;

/** Closes a server and every connection it still holds (keep-alive sockets would delay exit). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
