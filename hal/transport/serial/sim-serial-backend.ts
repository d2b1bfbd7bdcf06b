import type { SimLinkClient } from '../sim-link/sim-link-client.js';
import { TransportError, type TransportErrorCode } from '../transport-error.js';
import type { SerialBackend, SerialConnection, SerialHandlers, SerialOpenOptions } from './api.js';

/** Serial ports of the simulated world, reached over the sim link. */
export class SimSerialBackend implements SerialBackend {
  readonly kind = 'sim';

  constructor(private readonly link: SimLinkClient) {}

  async open(options: SerialOpenOptions, handlers: SerialHandlers): Promise<SerialConnection> {
    const { path, baudRate } = options;
    await this.link.request({ t: 'serial-open', path, baudRate });
    let open = true;
    this.link.listenSerial(
      path,
      (msg) => {
        if (open) handlers.onData(msg.bytes);
      },
      (msg) => {
        if (!open) return;
        open = false;
        this.link.unlistenSerial(path);
        handlers.onClose(new TransportError(msg.code as TransportErrorCode, msg.message));
      },
    );
    const link = this.link;
    return {
      path,
      async write(bytes: Uint8Array): Promise<void> {
        if (!open) throw new TransportError('EBADF', `${path} is closed`);
        link.send({ t: 'serial-write', path, bytes });
      },
      async setSignals(signals: { dtr?: boolean; rts?: boolean }): Promise<void> {
        if (!open) throw new TransportError('EBADF', `${path} is closed`);
        link.send({ t: 'serial-signals', path, ...signals });
      },
      async close(): Promise<void> {
        if (!open) return;
        open = false;
        link.unlistenSerial(path);
        link.send({ t: 'serial-close', path });
        handlers.onClose();
      },
    };
  }

  async list(): Promise<string[]> {
    const reply = await this.link.request({ t: 'serial-list' });
    return reply.paths ?? [];
  }
}
