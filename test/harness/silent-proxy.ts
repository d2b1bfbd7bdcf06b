import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that can cut the link silently: once `cut()`, every byte in either
 * direction is swallowed while the sockets stay open (as a dead router or a pulled cable far
 * away would), so only a keepalive can notice. `restore()` forwards again (new connections only).
 */
export class SilentProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private dropping = false;

  constructor(private readonly targetPort: number) {
    this.server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => this.sockets.delete(socket));
      }
      const dead = this.dropping;
      client.on('data', (chunk) => {
        if (!this.dropping && !dead) upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (!this.dropping && !dead) client.write(chunk);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen({ host: '127.0.0.1', port: 0 }, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      }),
    );
  }

  cut(): void {
    this.dropping = true;
  }

  restore(): void {
    this.dropping = false;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
