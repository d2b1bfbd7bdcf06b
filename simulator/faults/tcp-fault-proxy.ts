import { createServer, Socket, type Server } from 'node:net';
import createDebug from 'debug';

const log = createDebug('spinal:sim:faults:proxy');

/**
 * What the proxy does to the traffic now:
 * - `pass`: forwards every byte as it comes;
 * - `cut`: resets every connection (RST) and refuses new ones (nothing listens on the port);
 * - `slow`: delays every chunk by `latencyMs` each way, and caps each direction at `bytesPerS`
 *   (null: no cap) by sending one chunk after the other at that rate;
 * - `blackhole`: accepts every byte and new connections, delivers nothing and sends no reset or
 *   close either way; when it clears, what was held is delivered (as TCP's retransmissions would
 *   once the route is back), unless an end closed its connection meanwhile: then the other end's
 *   connection is dropped too.
 */
export type ProxyMode =
  | { kind: 'pass' }
  | { kind: 'cut' }
  | { kind: 'slow'; latencyMs: number; bytesPerS: number | null }
  | { kind: 'blackhole' };

/** Counters of a proxy, for tests and the log. */
export interface ProxyCounts {
  /** Connections accepted. */
  accepted: number;
  /** Connections reset by a `cut`. */
  reset: number;
  /** Bytes forwarded, both ways. */
  bytesForwarded: number;
  /** Bytes a black hole held back (delivered or dropped when it cleared). */
  bytesHeld: number;
}

/**
 * Bytes a direction holds before it stops reading its source: past it the sender's own buffers
 * fill and its writes wait, as over a slow or dead route.
 */
const HELD_BYTES_BEFORE_PAUSE = 256 * 1024;

/** One direction of one connection: an ordered queue of chunks, each with its release time. */
class Direction {
  private readonly queue: Array<{ bytes: Buffer; releaseMs: number }> = [];
  private queuedBytes = 0;
  private busyUntilMs = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: Socket,
    private readonly deliver: (bytes: Buffer) => void,
    private readonly mode: () => ProxyMode,
  ) {}

  /** A chunk from the source end. */
  push(bytes: Buffer, counts: ProxyCounts): void {
    const mode = this.mode();
    const nowMs = performance.now();
    let releaseMs = nowMs;
    if (mode.kind === 'blackhole') {
      releaseMs = Infinity;
      counts.bytesHeld += bytes.length;
    } else if (mode.kind === 'slow') {
      const startMs = Math.max(nowMs, this.busyUntilMs);
      this.busyUntilMs = mode.bytesPerS === null ? startMs : startMs + (bytes.length * 1000) / mode.bytesPerS;
      releaseMs = this.busyUntilMs + mode.latencyMs;
    }
    this.queue.push({ bytes, releaseMs });
    this.queuedBytes += bytes.length;
    if (this.queuedBytes > HELD_BYTES_BEFORE_PAUSE) this.source.pause();
    this.flush();
  }

  /** The black hole is gone (or the mode changed): what was held is due now. */
  release(): void {
    const nowMs = performance.now();
    for (const chunk of this.queue) if (chunk.releaseMs === Infinity) chunk.releaseMs = nowMs;
    this.busyUntilMs = 0;
    this.flush();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const nowMs = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.releaseMs <= nowMs) {
      const { bytes } = this.queue.shift()!;
      this.queuedBytes -= bytes.length;
      this.deliver(bytes);
    }
    if (this.queuedBytes <= HELD_BYTES_BEFORE_PAUSE && this.source.isPaused()) this.source.resume();
    const next = this.queue[0];
    if (next && Number.isFinite(next.releaseMs)) {
      this.timer = setTimeout(() => this.flush(), Math.max(0, next.releaseMs - nowMs));
    }
  }
}

/** A connection through the proxy: the client's end, the upstream end, and what each has done. */
class ProxiedConnection {
  private readonly upstream: Socket;
  private readonly toUpstream: Direction;
  private readonly toClient: Direction;
  /** An end that closed while the black hole held the news back. */
  private closedWhileHeld = false;
  private connected = false;
  private finished = false;

  constructor(
    private readonly client: Socket,
    private readonly target: { host: string; port: number },
    private readonly mode: () => ProxyMode,
    private readonly counts: ProxyCounts,
    private readonly onDone: (connection: ProxiedConnection) => void,
  ) {
    this.upstream = new Socket();
    this.toUpstream = new Direction(client, (bytes) => this.send(this.upstream, bytes), mode);
    this.toClient = new Direction(this.upstream, (bytes) => this.send(this.client, bytes), mode);
    client.on('data', (bytes: Buffer) => this.toUpstream.push(bytes, counts));
    client.on('error', () => this.endedBy('client'));
    client.on('close', () => this.endedBy('client'));
    this.upstream.on('data', (bytes: Buffer) => this.toClient.push(bytes, counts));
    this.upstream.on('error', () => this.endedBy('upstream'));
    this.upstream.on('close', () => this.endedBy('upstream'));
    // Into a black hole, even the connection to the far end waits for it to clear.
    if (mode().kind !== 'blackhole') this.connectUpstream();
  }

  /** Resets both ends at once (a `cut`). */
  reset(): void {
    if (this.finished) return;
    this.counts.reset += 1;
    this.finish(true);
  }

  /** The black hole cleared: connect if still to, deliver what was held, or pass on a close that was held. */
  released(): void {
    if (this.finished) return;
    if (this.closedWhileHeld) {
      this.finish(false);
      return;
    }
    if (!this.connected) this.connectUpstream();
    this.toUpstream.release();
    this.toClient.release();
  }

  private connectUpstream(): void {
    this.connected = true;
    this.upstream.connect(this.target.port, this.target.host);
  }

  private send(to: Socket, bytes: Buffer): void {
    if (to.destroyed) return;
    this.counts.bytesForwarded += bytes.length;
    to.write(bytes);
  }

  private endedBy(end: 'client' | 'upstream'): void {
    if (this.finished) return;
    if (this.mode().kind === 'blackhole') {
      log('the %s end closed inside the black hole: held until it clears', end);
      this.closedWhileHeld = true;
      return;
    }
    this.finish(false);
  }

  private finish(reset: boolean): void {
    this.finished = true;
    this.toUpstream.stop();
    this.toClient.stop();
    for (const socket of [this.client, this.upstream]) {
      if (reset && !socket.destroyed && socket.readyState === 'open') socket.resetAndDestroy();
      else socket.destroy();
    }
    this.onDone(this);
  }
}

/**
 * A TCP proxy on the loopback interface in front of one address (the sim's supervisor, a mesh
 * broker): the robot is pointed at the proxy, and the proxy's mode throws the link's faults.
 * The proxy keeps its port through a `cut`, so the robot finds it again on the same address.
 */
export class TcpFaultProxy {
  private current: ProxyMode = { kind: 'pass' };
  private server: Server | null = null;
  private readonly connections = new Set<ProxiedConnection>();
  readonly counts: ProxyCounts = { accepted: 0, reset: 0, bytesForwarded: 0, bytesHeld: 0 };

  private constructor(
    private readonly target: { host: string; port: number },
    private bound: number,
  ) {}

  /** A proxy on `127.0.0.1` (port `port`, 0: a free one) forwarding to `target`. */
  static async start(target: { host: string; port: number }, port = 0): Promise<TcpFaultProxy> {
    const proxy = new TcpFaultProxy(target, port);
    await proxy.listen();
    return proxy;
  }

  /** The port the proxy listens on (kept through a `cut`). */
  get port(): number {
    return this.bound;
  }

  /** `127.0.0.1:<port>`. */
  get address(): string {
    return `127.0.0.1:${this.bound}`;
  }

  get mode(): ProxyMode {
    return this.current;
  }

  /** Changes what the proxy does; resolves once it listens again or has stopped listening. */
  async setMode(mode: ProxyMode): Promise<void> {
    const before = this.current;
    this.current = mode;
    log('%s -> %s', before.kind, mode.kind);
    if (mode.kind === 'cut') {
      for (const connection of [...this.connections]) connection.reset();
      await this.unlisten();
      return;
    }
    if (before.kind === 'blackhole') for (const connection of [...this.connections]) connection.released();
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    for (const connection of [...this.connections]) connection.reset();
    await this.unlisten();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      this.counts.accepted += 1;
      const connection = new ProxiedConnection(
        client,
        this.target,
        () => this.current,
        this.counts,
        (done) => this.connections.delete(done),
      );
      this.connections.add(connection);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.bound, '127.0.0.1', () => {
        server.removeListener('error', reject);
        const address = server.address();
        if (address && typeof address === 'object') this.bound = address.port;
        this.server = server;
        resolve();
      });
    });
  }

  /** Stops listening at once (the port is free again; connections still closing are not waited for). */
  private unlisten(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    server.close();
    return new Promise((resolve) => setImmediate(resolve));
  }
}
