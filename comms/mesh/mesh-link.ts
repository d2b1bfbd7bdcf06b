import createDebug from 'debug';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Hazard, OwnClaim, OwnHazard, OwnMeshState, PeerView } from '../../messages/peer.js';
import { Backoff, type BackoffOptions } from '../../time/backoff.js';
import { US_PER_MS, type Cancel, type Clock } from '../../time/clock.js';
import { LinkStateMachine, type LinkState } from '../uplink/link-state.js';
import {
  encodeClaim,
  encodeHazard,
  encodePresence,
  encodeState,
  type MeshEncoded,
  type MeshPayloadRefusal,
} from './mesh-payloads.js';
import type { MeshSettings } from './mesh-settings.js';
import { readMeshTlsFiles } from './mesh-settings.js';
import { meshFilter, meshTopic, type MeshTopicKind } from './mesh-topics.js';
import { PeerTable, type MeshDropReason } from './peer-table.js';

const log = createDebug('spinal:comms:mesh');

/** The longest wait between connection attempts, ms: a broker back from an outage is found within it. */
const BACKOFF_MAX_MS = 5_000;
/** MQTT keepalive, seconds: a dead link is noticed (and the last will sent) within 1.5 times this. */
const KEEPALIVE_S = 5;
/** How long to wait for the broker's CONNACK, ms. */
const CONNECT_TIMEOUT_MS = 5_000;
/** How often staleness is looked at (and long-gone peers forgotten), microseconds. */
const STALENESS_CHECK_US = 250_000;
/** Own payloads remembered to recognise them when the broker sends them back (MQTT 3.1.1 has no No Local). */
const ECHOES_REMEMBERED = 64;
/** Hazards held while the link is down, sent on the next connection if they still hold. */
const HAZARDS_HELD = 16;
/** How long `close()` waits for the broker to take the offline presence, ms. */
const CLOSE_GRACE_MS = 1_000;

/**
 * MQTT 5 CONNACK reason 0x84 "Unsupported Protocol Version" (OASIS MQTT 5.0 §3.2.2.2), and the
 * MQTT 3.1.1 return code 1 "unacceptable protocol version" (§3.2.2.3) that a 3.1.1-only broker answers.
 */
const UNSUPPORTED_PROTOCOL_CODES: readonly number[] = [0x84, 1];

/** The MQTT version spoken: 5 unless the broker (the embedded aedes broker, say) only speaks 3.1.1. */
export type MeshProtocol = 'mqtt-5' | 'mqtt-3.1.1';

/** What a publish became. */
export type MeshSendOutcome =
  | { sent: true }
  | { sent: false; reason: 'not-ready' | 'held-until-ready' | 'shutdown' | MeshPayloadRefusal; detail?: string };

/** A hazard this robot reports; the link adds the detection time and `mesh.hazardTtlMs`. */

/** Counts per payload kind. */
export type MeshKindCounts = Record<MeshTopicKind, number>;

/** The link at a glance, for status and `/metrics`: a plain object. */
export interface MeshStatus {
  state: LinkState;
  /** The broker's URL (no credentials in it). */
  broker: string;
  protocol: MeshProtocol;
  peers: Array<Pick<PeerView, 'id' | 'online' | 'bootId' | 'ageMs' | 'stale'>>;
  /** Messages off the broker dropped, by reason (every reason present). */
  dropped: Record<MeshDropReason, number>;
  /** Messages published, by kind. */
  sent: MeshKindCounts;
  /** Messages not published: the link was not ready (state, claims), or this robot's own message was out of range. */
  notSent: MeshKindCounts;
  /** Messages off the broker: every one, and those taken into the peer table. */
  received: number;
  accepted: number;
  /** This robot's own messages the broker sent back, ignored. */
  ownEchoes: number;
  /** Connections made (CONNACK received). */
  connects: number;
  /** State transitions refused (a bug elsewhere if ever above 0). */
  refusedTransitions: number;
  lastError: string | null;
}

/** What the link needs besides its settings. */
export interface MeshLinkOptions {
  clock: Clock;
  /** Identifies this run of the robot in its presence; a new one per start. */
  bootId: string;
  /** The runtime's version, in the presence. */
  version: string;
  /** The broker to use; default `settings.broker` (give the embedded broker's URL when that is empty). */
  brokerUrl?: string;
  /** The reconnection backoff; default 1 s growing x1.6 to 5 s with 20 % jitter. */
  backoff?: BackoffOptions;
}

const zeroCounts = (): MeshKindCounts => ({ state: 0, presence: 0, hazards: 0, claims: 0 });

/**
 * This robot on the fleet's MQTT mesh (docs/mesh.md). One client at a time, opened and reopened
 * through an explicit state machine with the shared backoff (mqtt.js does not reconnect by itself).
 * On every connection: clean start, client id = robot id, last will = presence offline (retained,
 * QoS 1), presence online (retained, QoS 1), then the fleet's topics subscribed afresh. States and
 * claims go at QoS 0 and are dropped, not queued, while the link is not ready; hazards go at QoS 1
 * and wait for the next connection while they hold. Everything heard goes through a {@link PeerTable}.
 *
 * Never throws from inside an event; errors show in {@link status} and the debug log
 * (`DEBUG=spinal:comms:mesh`).
 */
export class MeshLink {
  private readonly link = new LinkStateMachine();
  private readonly backoff: Backoff;
  private readonly table: PeerTable;
  private readonly clock: Clock;
  private readonly brokerUrl: string;
  private readonly filter: string;
  private readonly topics: Record<MeshTopicKind, string>;
  /** `spinal/v1/<fleet>/<robotId>/`: what this robot's own topics start with. */
  private readonly ownTopicPrefix: string;
  private readonly presenceOnline: Buffer;
  private readonly presenceOffline: Buffer;
  private protocol: MeshProtocol = 'mqtt-5';
  private client: MqttClient | null = null;
  private retry: Cancel | null = null;
  private readonly stalenessTimer: Cancel;
  private lastStale = new Set<string>();
  private readonly listeners: Array<(peers: PeerView[], hazards: Hazard[]) => void> = [];
  private readonly echoes: Buffer[] = [];
  private heldHazards: Array<{ hazard: OwnHazard; detectedAtUs: number }> = [];
  private claimSeq = 0;
  private lastStateAtUs = Number.NEGATIVE_INFINITY;
  private lastError: string | null = null;
  /** Set when the broker refused MQTT 5: the next attempt, in 3.1.1, goes at once. */
  private retryAtOnce = false;
  private readonly counts = { received: 0, ownEchoes: 0, connects: 0, sent: zeroCounts(), notSent: zeroCounts() };

  constructor(
    private readonly settings: MeshSettings,
    options: MeshLinkOptions,
  ) {
    this.clock = options.clock;
    this.brokerUrl = options.brokerUrl ?? settings.broker;
    if (!/^mqtts?:\/\//.test(this.brokerUrl)) {
      throw new RangeError(`MeshLink: broker URL ${JSON.stringify(this.brokerUrl)} is not mqtt:// nor mqtts://`);
    }
    this.backoff = new Backoff({ maxMs: BACKOFF_MAX_MS, ...options.backoff });
    this.table = new PeerTable({
      ownId: settings.robotId,
      fleet: settings.fleet,
      peerStaleMs: settings.peerStaleMs,
      maxPayloadBytes: settings.maxPayloadBytes,
    });
    this.filter = meshFilter(settings.fleet);
    this.topics = {
      state: meshTopic(settings.fleet, settings.robotId, 'state'),
      presence: meshTopic(settings.fleet, settings.robotId, 'presence'),
      hazards: meshTopic(settings.fleet, settings.robotId, 'hazards'),
      claims: meshTopic(settings.fleet, settings.robotId, 'claims'),
    };
    this.ownTopicPrefix = this.topics.state.slice(0, -'state'.length);
    this.presenceOnline = presenceBytes(true, options, settings.maxPayloadBytes);
    this.presenceOffline = presenceBytes(false, options, settings.maxPayloadBytes);
    this.link.onChange((to, from, why) => log('%s: %s -> %s (%s)', settings.robotId, from, to, why));
    this.stalenessTimer = this.clock.every(STALENESS_CHECK_US, () => this.checkStaleness());
  }

  get state(): LinkState {
    return this.link.state;
  }

  /** Opens the first connection; further ones are the link's own business. */
  start(): void {
    this.connect('start');
  }

  /** Called with the peers and the hazards that hold whenever a message changed them or a peer went stale or fresh. */
  onPeers(listener: (peers: PeerView[], hazards: Hazard[]) => void): void {
    this.listeners.push(listener);
  }

  /** Called at every change of the link's state, with why. */
  onStateChange(listener: (to: LinkState, from: LinkState, why: string) => void): void {
    this.link.onChange(listener);
  }

  /** The peers as this robot knows them now. */
  peers(): PeerView[] {
    return this.table.peers(this.clock.nowUs());
  }

  /** The peers' hazards that hold now. */
  hazards(): Hazard[] {
    return this.table.hazards(this.clock.nowUs());
  }

  /** Publishes this robot's state (QoS 0), timed now; dropped while the link is not ready. */
  publishState(own: OwnMeshState): MeshSendOutcome {
    if (this.link.state !== 'ready') return this.notSent('state', 'not-ready');
    const atUs = Math.max(this.clock.nowUs(), this.lastStateAtUs + 1);
    const encoded = encodeState({ ...own, atUs }, this.settings.maxPayloadBytes);
    if (encoded.ok) this.lastStateAtUs = atUs;
    return this.send('state', encoded, 0);
  }

  /** Publishes a claim (QoS 0) holding from now for `own.forMs`, with the next sequence number; dropped while not ready. */
  publishClaim(own: OwnClaim): MeshSendOutcome {
    if (this.link.state !== 'ready') return this.notSent('claims', 'not-ready');
    const fromUs = this.clock.nowUs();
    const encoded = encodeClaim(
      { claimSeq: this.claimSeq + 1, path: own.path, fromUs, untilUs: fromUs + Math.round(own.forMs * US_PER_MS) },
      this.settings.maxPayloadBytes,
    );
    if (encoded.ok) this.claimSeq += 1;
    return this.send('claims', encoded, 0);
  }

  /**
   * Publishes a hazard seen now (QoS 1), holding `mesh.hazardTtlMs`. While the link is not ready it
   * waits for the next connection and goes then with what is left of its time to live.
   */
  publishHazard(hazard: OwnHazard): MeshSendOutcome {
    if (this.link.state === 'shutdown') return this.notSent('hazards', 'shutdown');
    const detectedAtUs = this.clock.nowUs();
    const check = this.encodeHazardAt(hazard, detectedAtUs, detectedAtUs);
    if (!check.ok) return this.send('hazards', check, 1);
    if (this.link.state !== 'ready') {
      this.heldHazards = [...this.heldHazards, { hazard, detectedAtUs }].slice(-HAZARDS_HELD);
      return { sent: false, reason: 'held-until-ready' };
    }
    return this.send('hazards', check, 1);
  }

  status(): MeshStatus {
    return {
      state: this.link.state,
      broker: withoutCredentials(this.brokerUrl),
      protocol: this.protocol,
      peers: this.peers().map(({ id, online, bootId, ageMs, stale }) => ({ id, online, bootId, ageMs, stale })),
      dropped: this.table.drops(),
      sent: { ...this.counts.sent },
      notSent: { ...this.counts.notSent },
      received: this.counts.received,
      accepted: this.table.accepted(),
      ownEchoes: this.counts.ownEchoes,
      connects: this.counts.connects,
      refusedTransitions: this.link.refused,
      lastError: this.lastError,
    };
  }

  /** Says offline (retained) and leaves the broker; the link is shut down for good. */
  async close(): Promise<void> {
    if (this.link.state === 'shutdown') return;
    const client = this.client;
    const wasReady = this.link.state === 'ready';
    this.link.to('shutdown', 'closing');
    this.stalenessTimer();
    this.retry?.();
    this.retry = null;
    this.client = null;
    if (!client) return;
    client.removeAllListeners('close');
    client.removeAllListeners('message');
    if (wasReady) {
      await withTimeout(
        client.publishAsync(this.topics.presence, this.presenceOffline, { qos: 1, retain: true }),
        CLOSE_GRACE_MS,
      ).catch(() => undefined);
    }
    await withTimeout(client.endAsync(!wasReady), CLOSE_GRACE_MS).catch(() => client.end(true));
  }

  private connect(why: string): void {
    if (!this.link.to('connecting', why)) return;
    let options: IClientOptions;
    try {
      options = this.clientOptions();
    } catch (error) {
      this.fail((error as Error).message);
      return;
    }
    const client = mqtt.connect(this.brokerUrl, options);
    this.client = client;
    // Small messages at 10 Hz: without this, Nagle's algorithm holds one back until the last is acknowledged.
    (client.stream as { setNoDelay?: (noDelay: boolean) => void } | undefined)?.setNoDelay?.(true);
    client.on('connect', () => this.onConnack(client));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (error: Error & { code?: string | number }) => this.onError(client, error));
    client.on('close', () => {
      if (this.client === client) this.fail(this.lastError ?? 'connection closed');
    });
  }

  private clientOptions(): IClientOptions {
    const { settings } = this;
    const options: IClientOptions = {
      protocolVersion: this.protocol === 'mqtt-5' ? 5 : 4,
      clientId: settings.robotId,
      clean: true,
      reconnectPeriod: 0,
      keepalive: KEEPALIVE_S,
      connectTimeout: CONNECT_TIMEOUT_MS,
      will: { topic: this.topics.presence, payload: this.presenceOffline, qos: 1, retain: true },
      // Without this, the first packet written (by this client or the embedded broker: they share the
      // packet writer) builds a cache of 65,536 two-byte buffers, 6.5 MB of heap held for good.
      writeCache: false,
    };
    if (settings.username) options.username = settings.username;
    if (settings.password) options.password = settings.password;
    if (this.brokerUrl.startsWith('mqtts://')) {
      Object.assign(options, readMeshTlsFiles(settings), { rejectUnauthorized: true });
    }
    return options;
  }

  private onConnack(client: MqttClient): void {
    if (this.client !== client || this.link.state !== 'connecting') return;
    this.counts.connects += 1;
    this.lastError = null;
    this.send('presence', { ok: true, bytes: this.presenceOnline }, 1, true);
    const nl = this.protocol === 'mqtt-5';
    client.subscribe(this.filter, { qos: 1, nl }, (error, granted) => {
      if (this.client !== client || this.link.state !== 'connecting') return;
      const refused = granted?.find((g) => g.qos >= 0x80);
      if (error || refused) {
        this.lastError = `subscribe ${this.filter} refused: ${error?.message ?? `reason ${refused?.qos}`}`;
        client.end(true);
        return;
      }
      if (this.link.to('ready', `subscribed to ${this.filter} (${this.protocol})`)) {
        this.backoff.reset();
        this.sendHeldHazards();
      }
    });
  }

  private onError(client: MqttClient, error: Error & { code?: string | number }): void {
    if (this.client !== client) return;
    this.lastError = error.message;
    if (
      typeof error.code === 'number' &&
      UNSUPPORTED_PROTOCOL_CODES.includes(error.code) &&
      this.protocol === 'mqtt-5'
    ) {
      log('%s: the broker does not speak MQTT 5; falling back to 3.1.1', this.settings.robotId);
      this.protocol = 'mqtt-3.1.1';
      this.retryAtOnce = true;
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    this.counts.received += 1;
    if (this.isOwnEcho(topic, payload)) {
      this.counts.ownEchoes += 1;
      return;
    }
    const nowUs = this.clock.nowUs();
    const arrival = this.table.receive(topic, payload, nowUs);
    if (!arrival.accepted) {
      log('%s: dropped %s (%s)', this.settings.robotId, arrival.reason, arrival.detail);
      return;
    }
    this.notify(nowUs);
  }

  private isOwnEcho(topic: string, payload: Buffer): boolean {
    if (!topic.startsWith(this.ownTopicPrefix)) return false;
    if (payload.equals(this.presenceOnline) || payload.equals(this.presenceOffline)) return true;
    return this.echoes.some((echo) => echo.equals(payload));
  }

  private notify(nowUs: number): void {
    if (this.listeners.length === 0) return;
    const peers = this.table.peers(nowUs);
    const hazards = this.table.hazards(nowUs);
    for (const listener of this.listeners) {
      try {
        listener(peers, hazards);
      } catch (error) {
        log('%s: a peers listener threw: %O', this.settings.robotId, error);
      }
    }
  }

  private checkStaleness(): void {
    const nowUs = this.clock.nowUs();
    this.table.prune(nowUs);
    const stale = new Set(
      this.table
        .peers(nowUs)
        .filter((p) => p.stale)
        .map((p) => p.id),
    );
    const changed = stale.size !== this.lastStale.size || [...stale].some((id) => !this.lastStale.has(id));
    this.lastStale = stale;
    if (changed) this.notify(nowUs);
  }

  private encodeHazardAt(hazard: OwnHazard, detectedAtUs: number, nowUs: number): MeshEncoded {
    const ttlMs = Math.round(this.settings.hazardTtlMs - (nowUs - detectedAtUs) / US_PER_MS);
    return encodeHazard({ ...hazard, detectedAtUs, ttlMs }, this.settings.maxPayloadBytes);
  }

  private sendHeldHazards(): void {
    const held = this.heldHazards;
    this.heldHazards = [];
    const nowUs = this.clock.nowUs();
    for (const { hazard, detectedAtUs } of held) {
      if ((nowUs - detectedAtUs) / US_PER_MS >= this.settings.hazardTtlMs) continue;
      this.send('hazards', this.encodeHazardAt(hazard, detectedAtUs, nowUs), 1);
    }
  }

  private send(kind: MeshTopicKind, encoded: MeshEncoded, qos: 0 | 1, retain = false): MeshSendOutcome {
    if (!encoded.ok) {
      log('%s: not sending own %s: %s (%s)', this.settings.robotId, kind, encoded.reason, encoded.detail);
      return this.notSent(kind, encoded.reason, encoded.detail);
    }
    const client = this.client;
    if (!client) return this.notSent(kind, 'not-ready');
    const bytes = Buffer.from(encoded.bytes.buffer, encoded.bytes.byteOffset, encoded.bytes.byteLength);
    if (kind !== 'presence') {
      this.echoes.push(bytes);
      if (this.echoes.length > ECHOES_REMEMBERED) this.echoes.shift();
    }
    client.publish(this.topics[kind], bytes, { qos, retain }, (error) => {
      if (error) this.lastError = `publish ${kind}: ${error.message}`;
    });
    this.counts.sent[kind] += 1;
    return { sent: true };
  }

  private notSent(
    kind: MeshTopicKind,
    reason: Exclude<MeshSendOutcome, { sent: true }>['reason'],
    detail?: string,
  ): MeshSendOutcome {
    this.counts.notSent[kind] += 1;
    return detail === undefined ? { sent: false, reason } : { sent: false, reason, detail };
  }

  private fail(why: string): void {
    const state = this.link.state;
    if (state === 'shutdown' || state === 'transient-failure') return;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end(true);
    }
    this.lastError = why;
    if (!this.link.to('transient-failure', why)) return;
    if (this.retryAtOnce) {
      // Not a wait but a second try in the other protocol: no clock involved.
      this.retryAtOnce = false;
      queueMicrotask(() => this.connect('retry in MQTT 3.1.1'));
      return;
    }
    const delayMs = this.backoff.nextDelayMs();
    this.retry = this.clock.after(delayMs * US_PER_MS, () => {
      this.retry = null;
      this.connect(`retry after ${Math.round(delayMs)} ms`);
    });
  }
}

function presenceBytes(online: boolean, options: MeshLinkOptions, maxPayloadBytes: number): Buffer {
  const encoded = encodePresence({ online, bootId: options.bootId, version: options.version }, maxPayloadBytes);
  if (!encoded.ok) throw new RangeError(`MeshLink: presence refused: ${encoded.reason} (${encoded.detail})`);
  return Buffer.from(encoded.bytes);
}

/** The URL with any `user:password@` taken out, for status and logs. */
function withoutCredentials(url: string): string {
  return url.replace(/^(mqtts?:\/\/)[^@/]*@/, '$1');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
