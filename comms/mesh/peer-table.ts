import type { Hazard, PeerState, PeerView, RightOfWayClaim } from '../../messages/peer.js';
import { US_PER_MS } from '../../time/clock.js';
import {
  decodeClaim,
  decodeHazard,
  decodePresence,
  decodeState,
  MESH_PAYLOAD_REFUSALS,
  type MeshPayloadRefusal,
} from './mesh-payloads.js';
import { parseMeshTopic, type MeshTopicKind } from './mesh-topics.js';

/** Why a mesh message was dropped: a payload refusal (mesh-payloads.ts) or one of the table's own. */
export type MeshDropReason =
  | MeshPayloadRefusal
  /** Not a mesh topic of this fleet, or its robot id is not well formed. */
  | 'bad-topic'
  /** Sent under this robot's own id by someone else. */
  | 'forged'
  /** A state not newer, a claim sequence not above, a hazard older than the last of the same boot; or a boot id already left behind. */
  | 'replayed'
  /** The very hazard already held (QoS 1 delivers at least once). */
  | 'duplicate'
  /** A robot id never heard before while the table is full. */
  | 'too-many-peers';

export const MESH_DROP_REASONS: readonly MeshDropReason[] = [
  ...MESH_PAYLOAD_REFUSALS,
  'bad-topic',
  'forged',
  'replayed',
  'duplicate',
  'too-many-peers',
];

export interface PeerTableOptions {
  /** This robot's id: a message under it is forged. */
  ownId: string;
  fleet: string;
  /** `mesh.peerStaleMs`. */
  peerStaleMs: number;
  /** `mesh.maxPayloadBytes`. */
  maxPayloadBytes: number;
  /** A peer not heard from this long is forgotten by {@link PeerTable.prune}, ms. Default 600 000 (10 min). */
  forgetAfterMs?: number;
  /** The most peers held; messages from further new ids are dropped. Default 256. */
  maxPeers?: number;
  /** The most unexpired hazards held per peer; the oldest goes first. Default 32. */
  maxHazardsPerPeer?: number;
}

/** What became of one message. */
export type Arrival =
  { accepted: true; peerId: string; kind: MeshTopicKind } | { accepted: false; reason: MeshDropReason; detail: string };

/** Boot ids left behind remembered per peer, to refuse an old presence replayed. */
const BOOTS_REMEMBERED = 8;

interface PeerRecord {
  id: string;
  online: boolean;
  /** '' until its presence is heard. */
  bootId: string;
  formerBoots: string[];
  /** The newest state's and hazard's time and the highest claim sequence of this boot, on the peer's clock. */
  lastStateAtUs: number | null;
  lastClaimSeq: number | null;
  lastHazardAtUs: number | null;
  state: PeerState | null;
  claim: RightOfWayClaim | null;
  heardUs: number;
}

/** Why a message was refused, before the peer's id is put in front of the detail. */
interface Refusal {
  reason: MeshDropReason;
  detail: string;
}

interface HeldHazard {
  key: string;
  hazard: Hazard;
}

/**
 * The peers as this robot knows them. Fed the mesh's raw messages with the time they arrived
 * (`nowUs`, this robot's clock); decodes and checks each one, converts the peer's times to this
 * robot's clock (a state is timed by its arrival, a claim keeps its window's length and starts on
 * arrival, a hazard expires its ttl after arrival), and drops with a counted reason whatever it
 * cannot trust. Never throws on what it is fed, and never reads a clock.
 */
export class PeerTable {
  private readonly records = new Map<string, PeerRecord>();
  private readonly heldHazards = new Map<string, HeldHazard[]>();
  private readonly dropCounts: Record<MeshDropReason, number>;
  private acceptedCount = 0;
  private readonly forgetAfterUs: number;
  private readonly maxPeers: number;
  private readonly maxHazardsPerPeer: number;

  constructor(private readonly options: PeerTableOptions) {
    this.forgetAfterUs = (options.forgetAfterMs ?? 600_000) * US_PER_MS;
    this.maxPeers = options.maxPeers ?? 256;
    this.maxHazardsPerPeer = options.maxHazardsPerPeer ?? 32;
    this.dropCounts = Object.fromEntries(MESH_DROP_REASONS.map((reason) => [reason, 0])) as Record<
      MeshDropReason,
      number
    >;
  }

  /** Takes one message as it came off the broker at `nowUs`. */
  receive(topic: string, payload: Uint8Array, nowUs: number): Arrival {
    const arrival = this.read(topic, payload, nowUs);
    if (arrival.accepted) this.acceptedCount += 1;
    else this.dropCounts[arrival.reason] += 1;
    return arrival;
  }

  /** Every peer held, sorted by id, with its age and staleness at `nowUs`; an expired claim shows as none. */
  peers(nowUs: number): PeerView[] {
    return [...this.records.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((record) => this.view(record, nowUs));
  }

  /** One peer, or null when unknown. */
  peer(id: string, nowUs: number): PeerView | null {
    const record = this.records.get(id);
    return record ? this.view(record, nowUs) : null;
  }

  /** The hazards that still hold at `nowUs`, oldest first per peer. */
  hazards(nowUs: number): Hazard[] {
    const out: Hazard[] = [];
    for (const held of this.heldHazards.values()) {
      for (const { hazard } of held) if (hazard.expiresAtUs > nowUs) out.push(hazard);
    }
    return out;
  }

  /** Messages dropped so far, by reason (every reason present, 0 when none). */
  drops(): Record<MeshDropReason, number> {
    return { ...this.dropCounts };
  }

  /** Messages taken in so far. */
  accepted(): number {
    return this.acceptedCount;
  }

  /** Forgets peers not heard from for `forgetAfterMs` and hazards that expired; returns the ids forgotten. */
  prune(nowUs: number): string[] {
    const forgotten: string[] = [];
    for (const [id, record] of this.records) {
      if (nowUs - record.heardUs > this.forgetAfterUs) {
        this.records.delete(id);
        forgotten.push(id);
      }
    }
    for (const [id, held] of this.heldHazards) {
      const live = held.filter(({ hazard }) => hazard.expiresAtUs > nowUs);
      if (live.length === 0) this.heldHazards.delete(id);
      else this.heldHazards.set(id, live);
    }
    return forgotten;
  }

  private view(record: PeerRecord, nowUs: number): PeerView {
    const ageMs = Math.max(0, (nowUs - record.heardUs) / US_PER_MS);
    const claim = record.claim && record.claim.untilUs >= nowUs ? record.claim : null;
    return {
      id: record.id,
      online: record.online,
      bootId: record.bootId,
      state: record.state,
      claim,
      ageMs,
      stale: ageMs > this.options.peerStaleMs,
    };
  }

  private read(topic: string, payload: Uint8Array, nowUs: number): Arrival {
    const parsed = parseMeshTopic(topic);
    if (!parsed) return { accepted: false, reason: 'bad-topic', detail: topic.slice(0, 200) };
    if (parsed.fleet !== this.options.fleet) {
      return { accepted: false, reason: 'bad-topic', detail: `fleet ${parsed.fleet}` };
    }
    const { robotId, kind } = parsed;
    if (robotId === this.options.ownId) {
      return { accepted: false, reason: 'forged', detail: `${kind} under this robot's own id` };
    }
    let record = this.records.get(robotId);
    if (!record && this.records.size >= this.maxPeers) {
      return { accepted: false, reason: 'too-many-peers', detail: `${robotId}: already ${this.maxPeers}` };
    }
    const max = this.options.maxPayloadBytes;
    const fresh = record ?? newRecord(robotId, nowUs);
    let refusal: Refusal | null;
    switch (kind) {
      case 'presence': {
        const read = decodePresence(payload, max);
        refusal = read.ok ? this.takePresence(fresh, read.value) : read;
        break;
      }
      case 'state': {
        const read = decodeState(payload, max);
        if (!read.ok) {
          refusal = read;
          break;
        }
        const sent = read.value;
        if (fresh.lastStateAtUs !== null && sent.atUs <= fresh.lastStateAtUs) {
          refusal = replayed(`state at ${sent.atUs} not after ${fresh.lastStateAtUs}`);
          break;
        }
        fresh.lastStateAtUs = sent.atUs;
        fresh.state = { ...sent, robotId, atUs: nowUs };
        refusal = null;
        break;
      }
      case 'claims': {
        const read = decodeClaim(payload, max);
        if (!read.ok) {
          refusal = read;
          break;
        }
        const sent = read.value;
        if (fresh.lastClaimSeq !== null && sent.claimSeq <= fresh.lastClaimSeq) {
          refusal = replayed(`claim ${sent.claimSeq} not above ${fresh.lastClaimSeq}`);
          break;
        }
        fresh.lastClaimSeq = sent.claimSeq;
        fresh.claim = {
          robotId,
          claimSeq: sent.claimSeq,
          path: sent.path,
          fromUs: nowUs,
          untilUs: nowUs + (sent.untilUs - sent.fromUs),
        };
        refusal = null;
        break;
      }
      case 'hazards': {
        const read = decodeHazard(payload, max);
        if (!read.ok) {
          refusal = read;
          break;
        }
        const sent = read.value;
        if (fresh.lastHazardAtUs !== null && sent.detectedAtUs < fresh.lastHazardAtUs) {
          refusal = replayed(`hazard detected at ${sent.detectedAtUs} before ${fresh.lastHazardAtUs}`);
          break;
        }
        const key = `${fresh.bootId}|${sent.detectedAtUs}|${sent.kind}|${sent.position.xM}|${sent.position.yM}`;
        const held = this.heldHazards.get(robotId) ?? [];
        if (held.some((h) => h.key === key)) {
          refusal = { reason: 'duplicate', detail: `hazard detected at ${sent.detectedAtUs}` };
          break;
        }
        fresh.lastHazardAtUs = sent.detectedAtUs;
        held.push({
          key,
          hazard: {
            robotId,
            kind: sent.kind,
            position: sent.position,
            radiusM: sent.radiusM,
            detectedAtUs: nowUs,
            expiresAtUs: nowUs + sent.ttlMs * US_PER_MS,
          },
        });
        if (held.length > this.maxHazardsPerPeer) held.splice(0, held.length - this.maxHazardsPerPeer);
        this.heldHazards.set(robotId, held);
        refusal = null;
        break;
      }
    }
    if (refusal) return { accepted: false, reason: refusal.reason, detail: `${robotId}: ${refusal.detail}` };
    fresh.heardUs = nowUs;
    if (!record) {
      record = fresh;
      this.records.set(robotId, record);
    }
    return { accepted: true, peerId: robotId, kind };
  }

  /** A presence: online or not, and a new boot id starts the replay checks afresh. */
  private takePresence(record: PeerRecord, presence: { online: boolean; bootId: string }): Refusal | null {
    if (presence.bootId !== record.bootId) {
      if (record.formerBoots.includes(presence.bootId)) {
        return replayed(`presence of former boot ${presence.bootId}`);
      }
      if (record.bootId !== '') record.formerBoots = [...record.formerBoots, record.bootId].slice(-BOOTS_REMEMBERED);
      record.bootId = presence.bootId;
      record.lastStateAtUs = null;
      record.lastClaimSeq = null;
      record.lastHazardAtUs = null;
      record.claim = null;
    }
    record.online = presence.online;
    if (!presence.online) record.claim = null;
    return null;
  }
}

function replayed(detail: string): Refusal {
  return { reason: 'replayed', detail };
}

function newRecord(id: string, nowUs: number): PeerRecord {
  return {
    id,
    online: true,
    bootId: '',
    formerBoots: [],
    lastStateAtUs: null,
    lastClaimSeq: null,
    lastHazardAtUs: null,
    state: null,
    claim: null,
    heardUs: nowUs,
  };
}
