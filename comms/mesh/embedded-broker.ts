import createDebug from 'debug';
import { createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';

const log = createDebug('spinal:comms:mesh:broker');

/** Where the embedded broker listens. */
export interface EmbeddedBrokerOptions {
  host: string;
  /** TCP port; 0 picks a free one. */
  port: number;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  /** `mqtt://host:port`, with the port actually bound. */
  url: string;
  host: string;
  port: number;
  /** Stops listening, drops every client (without their last wills being of any use to anyone) and closes the broker. */
  close(): Promise<void>;
}

/**
 * The MQTT broker spinal runs itself when `mesh.broker` is empty (aedes on a plain TCP server): robots
 * on one host, or a fleet where one robot hosts the broker. Aedes speaks MQTT 3.1.1, not 5:
 * comms/mesh/mesh-link.ts falls back to 3.1.1 when a broker refuses 5. No TLS and no
 * authentication: bind it to loopback or a trusted network only (docs/mesh.md, "Trust boundaries").
 *
 * @throws when the address cannot be bound (in use, not local), with the address in the message.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A client that drops mid-packet must not take the broker down.
    socket.on('error', (error) => log('client socket: %s', error.message));
    broker.handle(socket);
  });
  broker.on('clientError', (client, error) => log('client %s: %s', client.id, error.message));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      broker.close();
      reject(new Error(`embedded mesh broker: cannot listen on ${options.host}:${options.port}: ${error.message}`));
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  log('listening on %s:%d', host, port);
  let closing: Promise<void> | null = null;
  return {
    url: `mqtt://${urlHost}:${port}`,
    host,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => broker.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
