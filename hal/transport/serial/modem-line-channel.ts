import { connect, type Socket } from 'node:net';
import createDebug from 'debug';
import { TransportError } from '../transport-error.js';
import { encodeModemLines, type ModemLineLevels } from './modem-lines-codec.js';

const log = createDebug('spinal:hal:modem-lines');

/** How long to keep trying to reach a modem-line socket that is not there yet (the simulator starts beside the runtime), ms. */
const CONNECT_PATIENCE_MS = 3_000;
const CONNECT_RETRY_MS = 50;

/** The host's end of a modem-line side channel (see `modem-lines-codec.ts`). */
export interface ModemLineChannel {
  /** Sends the lines' new levels; resolves once handed to the socket, rejects with a TransportError. */
  set(levels: ModemLineLevels): Promise<void>;
  close(): void;
}

/**
 * Connects to the modem-line socket at `path`, retrying for up to `patienceMs` (default 3 s)
 * while it does not exist or refuses (the simulator may still be starting), then tells it the lines as a freshly opened
 * port has them (DTR and RTS asserted). Rejects with a TransportError (EIO) naming the socket.
 */
export async function openModemLineChannel(
  path: string,
  patienceMs: number = CONNECT_PATIENCE_MS,
): Promise<ModemLineChannel> {
  const startedMs = Date.now();
  for (;;) {
    try {
      const socket = await connectOnce(path);
      return channelOn(socket, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const retryable = code === 'ENOENT' || code === 'ECONNREFUSED';
      if (!retryable || Date.now() - startedMs >= patienceMs) {
        throw new TransportError(
          'EIO',
          `the modem-line channel ${path} is not reachable (${(error as Error).message}): DTR and RTS cannot be set`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_MS));
    }
  }
}

function connectOnce(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function channelOn(socket: Socket, path: string): ModemLineChannel {
  let closed = false;
  socket.on('error', (error) => log('%s: %s', path, error.message));
  socket.on('close', () => {
    closed = true;
  });
  const set = (levels: ModemLineLevels): Promise<void> =>
    new Promise((resolve, reject) => {
      if (closed) {
        reject(new TransportError('ECLOSED', `the modem-line channel ${path} is closed`));
        return;
      }
      socket.write(encodeModemLines(levels), (error) =>
        error ? reject(new TransportError('EIO', `modem lines to ${path}: ${error.message}`)) : resolve(),
      );
    });
  void set({ dtr: true, rts: true }).catch(() => undefined);
  log('%s connected', path);
  return {
    set,
    close: () => {
      closed = true;
      socket.end();
    },
  };
}
