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
