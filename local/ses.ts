/**
 * The SES emulator (npm `aws-ses-v2-local`), run in this process and bound to loopback (it
 * listens on all interfaces unless told otherwise). Its stored mail is what the mailbox reads.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type sesServerFn from 'aws-ses-v2-local';
import type { Email } from 'aws-ses-v2-local/dist/store';
import { keepNewest, RECORD_CAP } from './bounded';
import { closeServer, IDLE_CONNECTION_MS, LOOPBACK, PortInUseError } from './listen';

const require = createRequire(import.meta.url);

/** The running SES emulator. */
export interface SesEmulator {
  readonly url: string;
  /** The stored emails, oldest first: the newest {@link RECORD_CAP} (older ones are dropped). */
  emails(): readonly Email[];
  stop(): Promise<void>;
}

/** Starts aws-ses-v2-local on `127.0.0.1:port` with an empty store. */
export async function startSes(port: number): Promise<SesEmulator> {
  const start = (require('aws-ses-v2-local') as { default: typeof sesServerFn }).default;
  const store =
    require('aws-ses-v2-local/dist/store') as typeof import('aws-ses-v2-local/dist/store');
  store.clearStore();
  const server: Server = await start({ host: LOOPBACK, port });
  // Its listen callback also runs on a listen error (Express 5): check it really listens.
  if (!server.listening) throw new PortInUseError('SES emulator', port);
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${LOOPBACK}:${bound}`,
    emails: () => {
      // The emulator's store is a plain array it only ever appends to.
      const emails = store.getStoreReadonly().emails as Email[];
      keepNewest(emails, RECORD_CAP);
      return emails;
    },
    stop: () => closeServer(server),
  };
}
