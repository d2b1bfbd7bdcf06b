import type { AddressInfo } from 'node:net';
import createDebug from 'debug';
import foxgloveWs from '@foxglove/ws-protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { formatListenAddress, parseListenAddress } from '../../config/listen-address.js';
import { hostRefusal } from '../debug-port/request-guard.js';
import { EXPORT_ONLY_ROLES, FOXGLOVE_CHANNELS, type FoxgloveChannelRole } from './foxglove-channels.js';

const log = createDebug('spinal:comms:foxglove');

/** The largest message a client may send, bytes: clients only subscribe, so this is ample. */
const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

/** What the live server counts (bad client messages are counted and dropped, never thrown). */
export interface FoxgloveServerStats {
  clients: number;
  refusedClients: number;
  badClientMessages: number;
}

/** Where the topics go: a channel's subscribers, or nobody. */
export interface FoxgloveSink {
  /** True when some client subscribes to the topic of `role` (build a message only then). */
  wanted(role: FoxgloveChannelRole): boolean;
  send(role: FoxgloveChannelRole, logTimeNs: bigint, message: object): void;
}

/**
 * A Foxglove WebSocket server (`@foxglove/ws-protocol` over `ws`) advertising spinal's topics with
 * JSON encoding. Read-only: it offers no client publishing, parameters or services. It answers only
 * to `Host` names of loopback or its own address (no DNS rebinding), serves at most `maxClients`,
 * and a malformed client message is counted and dropped.
 */
export class FoxgloveLiveServer implements FoxgloveSink {
  private readonly channelIds = new Map<FoxgloveChannelRole, number>();
  private readonly subscribed = new Set<number>();
  private readonly stats: FoxgloveServerStats = { clients: 0, refusedClients: 0, badClientMessages: 0 };

  private constructor(
    private readonly wss: WebSocketServer,
    private readonly server: InstanceType<typeof foxgloveWs.FoxgloveServer>,
    readonly address: string,
    onSubscribe: (role: FoxgloveChannelRole) => void,
  ) {
    for (const [role, spec] of Object.entries(FOXGLOVE_CHANNELS) as Array<
      [FoxgloveChannelRole, (typeof FOXGLOVE_CHANNELS)[FoxgloveChannelRole]]
    >) {
      if (EXPORT_ONLY_ROLES.includes(role)) continue;
      this.channelIds.set(role, server.addChannel({ ...spec, encoding: 'json' }));
    }
    const roleOf = (id: number): FoxgloveChannelRole | undefined =>
      [...this.channelIds].find(([, channelId]) => channelId === id)?.[0];
    server.on('subscribe', (id) => {
      this.subscribed.add(id);
      const role = roleOf(id);
      if (role) onSubscribe(role);
    });
    server.on('unsubscribe', (id) => this.subscribed.delete(id));
    server.on('error', (error) => {
      this.stats.badClientMessages += 1;
      log('dropped a bad client message (%d so far): %s', this.stats.badClientMessages, error.message);
    });
  }

  /** Binds `listen` (loopback `host:port`) and serves; rejects when the address cannot be bound. */
  static start(options: {
    listen: string;
    maxClients: number;
    robotId: string;
    onSubscribe?: (role: FoxgloveChannelRole) => void;
  }): Promise<FoxgloveLiveServer> {
    const { host, port } = parseListenAddress(options.listen, 'foxglove.listen');
    const server = new foxgloveWs.FoxgloveServer({ name: `spinal ${options.robotId}`, capabilities: [] });
    let live: FoxgloveLiveServer | null = null;
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({
        host,
        port,
        maxPayload: MAX_CLIENT_MESSAGE_BYTES,
        handleProtocols: (protocols) => server.handleProtocols(protocols),
        verifyClient: (info, callback) => {
          const problem = hostRefusal(info.req.headers.host, { boundHost: host, allowedHosts: [] });
          if (problem) return callback(false, 421, problem);
          if (wss.clients.size >= options.maxClients) {
            if (live) live.stats.refusedClients += 1;
            return callback(false, 503, `at most ${options.maxClients} Foxglove clients`);
          }
          callback(true);
        },
      });
      wss.once('error', reject);
      wss.once('listening', () => {
        wss.off('error', reject);
        wss.on('error', (error) => log('server error: %s', error.message));
        const bound = wss.address() as AddressInfo;
        live = new FoxgloveLiveServer(
          wss,
          server,
          formatListenAddress(host, bound.port),
          options.onSubscribe ?? (() => undefined),
        );
        wss.on('connection', (socket: WebSocket, request) => {
          socket.on('error', (error) => {
            live!.stats.badClientMessages += 1;
            log('client connection error: %s', error.message);
          });
          server.handleConnection(socket, `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? 0}`);
        });
        resolve(live);
      });
    });
  }

  wanted(role: FoxgloveChannelRole): boolean {
    const id = this.channelIds.get(role);
    return id !== undefined && this.subscribed.has(id);
  }

  send(role: FoxgloveChannelRole, logTimeNs: bigint, message: object): void {
    const id = this.channelIds.get(role);
    if (id === undefined || !this.subscribed.has(id)) return;
    this.server.sendMessage(id, logTimeNs, Buffer.from(JSON.stringify(message)));
  }

  counts(): FoxgloveServerStats {
    return { ...this.stats, clients: this.wss.clients.size };
  }

  /** Closes every client and the listening socket. */
  close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
