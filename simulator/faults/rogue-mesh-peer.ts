import createDebug from 'debug';
import mqtt, { type MqttClient } from 'mqtt';

const log = createDebug('spinal:sim:faults:rogue');

/** What the rogue peer needs to know of the fleet's topic tree (given by the mesh's own definitions). */
export interface RogueTopics {
  /** The filter that hears every robot of the fleet. */
  filter: string;
  /** The topic `robotId` publishes `kind` on. */
  topicOf(robotId: string, kind: string): string;
  /** The topic kinds (state, presence, ...). */
  kinds: readonly string[];
  /** The fleet's robot ids. */
  robotIds: readonly string[];
}

/** The sorts of bad message the peer sends, one after the other. */
export const ROGUE_SORTS = ['garbage', 'oversized', 'forged', 'replayed'] as const;
export type RogueSort = (typeof ROGUE_SORTS)[number];

export interface RogueMeshPeerOptions {
  brokerUrl: string;
  topics: RogueTopics;
  /** Messages a second, wall time. */
  messagesPerS: number;
  /** The largest payload the robots take, bytes: an oversized message is larger. */
  maxPayloadBytes: number;
  /** Where its random choices come from (the scenario's seed). */
  random: () => number;
}

/**
 * A peer gone rogue on the fleet's mesh: it listens to the fleet's topics and publishes, in turn,
 * garbage (random bytes), oversized payloads, forged messages (a message one robot sent, put on
 * another robot's topic) and replayed ones (a message heard earlier, sent again on its own topic),
 * each on a real robot's topic. It holds no codec of its own: whatever it forges or replays is
 * what it heard.
 */
export class RogueMeshPeer {
  private readonly heard: Array<{ robotId: string; kind: string; payload: Buffer }> = [];
  private timer: NodeJS.Timeout | null = null;
  private turn = 0;
  readonly sent: Record<RogueSort, number> = { garbage: 0, oversized: 0, forged: 0, replayed: 0 };

  private constructor(
    private readonly client: MqttClient,
    private readonly options: RogueMeshPeerOptions,
  ) {}

  /** Connects (retrying while the broker is away) and starts publishing. */
  static start(options: RogueMeshPeerOptions): RogueMeshPeer {
    const client = mqtt.connect(options.brokerUrl, {
      clientId: `spinal-sim-rogue-${Math.floor(options.random() * 1e9)}`,
      protocolVersion: 5,
      reconnectPeriod: 500,
      connectTimeout: 2_000,
    });
    const peer = new RogueMeshPeer(client, options);
    client.on('error', (error) => log('mqtt: %s', error.message));
    client.on('connect', () => client.subscribe(options.topics.filter, { qos: 0 }));
    client.on('message', (topic, payload) => peer.hear(topic, payload));
    peer.timer = setInterval(() => peer.publishNext(), 1000 / options.messagesPerS);
    return peer;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.client.endAsync(true);
    log('stopped after %o', this.sent);
  }

  private hear(topic: string, payload: Buffer): void {
    const { robotIds, kinds, topicOf } = this.options.topics;
    for (const robotId of robotIds) {
      for (const kind of kinds) {
        if (topicOf(robotId, kind) !== topic) continue;
        this.heard.push({ robotId, kind, payload: Buffer.from(payload) });
        if (this.heard.length > 256) this.heard.shift();
        return;
      }
    }
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.options.random() * list.length)]!;
  }

  private publishNext(): void {
    if (!this.client.connected) return;
    const { random, topics, maxPayloadBytes } = this.options;
    const sort = ROGUE_SORTS[this.turn++ % ROGUE_SORTS.length]!;
    const victim = this.pick(topics.robotIds);
    const kind = this.pick(topics.kinds);
    let topic = topics.topicOf(victim, kind);
    let payload: Buffer;
    if (sort === 'garbage') {
      payload = Buffer.alloc(1 + Math.floor(random() * 64));
      for (let i = 0; i < payload.length; i++) payload[i] = Math.floor(random() * 256);
    } else if (sort === 'oversized') {
      payload = Buffer.alloc(maxPayloadBytes + 1 + Math.floor(random() * 1_000), 0x0a);
    } else {
      const earlier = this.heard.length > 0 ? this.pick(this.heard) : null;
      // Nothing heard yet: nothing to forge or replay, so garbage stands in.
      if (!earlier) {
        payload = Buffer.from([0xff, 0xff, 0xff, 0x01]);
      } else if (sort === 'forged') {
        const other = topics.robotIds.find((id) => id !== earlier.robotId) ?? earlier.robotId;
        topic = topics.topicOf(other, earlier.kind);
        payload = earlier.payload;
      } else {
        topic = topics.topicOf(earlier.robotId, earlier.kind);
        payload = earlier.payload;
      }
    }
    this.sent[sort] += 1;
    this.client.publish(topic, payload, { qos: 0 });
  }
}
