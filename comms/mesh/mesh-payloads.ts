import type { Point2D } from '../../messages/geometry.js';
import type { HazardKind, PeerState, RightOfWayClaim } from '../../messages/peer.js';
import { enumMapping } from '../proto-adapters/enum-mapping.js';
import { WireFieldError } from '../proto-adapters/from-wire.js';
import {
  Hazard as WireHazard,
  HazardKind as WireHazardKind,
  PeerState as WirePeerState,
  Presence as WirePresence,
  RightOfWayClaim as WireClaim,
} from '../proto/generated/spinal/v1/mesh.generated.js';

/**
 * The codec between the mesh's protobuf payloads (comms/proto/spinal/v1/mesh.proto) and the peer
 * messages of messages/peer.ts. Pure: bytes in, values or a refusal out, nothing thrown. A payload
 * from a peer is untrusted; the same checks run on what this robot sends, so it never puts on the
 * mesh what its peers would refuse.
 *
 * Values here are as the sender wrote them: times on the sender's clock and no robot id (the id is
 * the topic's). comms/mesh/peer-table.ts converts them on arrival.
 */

/** The limits a payload must keep to (docs/mesh.md, "Trust boundaries"). */
export const MESH_PAYLOAD_LIMITS = Object.freeze({
  /** |x| and |y| of any position, metres: a site is far smaller. */
  coordinateM: 100_000,
  /** |v|, m/s, and |w|, rad/s: no ground robot of the fleet goes faster. */
  speed: 10,
  /** Points of a path preview or a claim. */
  pathPoints: 200,
  /** A footprint or a hazard radius, metres. */
  radiusM: 10,
  /** Mission priority, inclusive. */
  priorityMin: 0,
  priorityMax: 100,
  /** A hazard's time to live, milliseconds (1 h). */
  ttlMs: 3_600_000,
  /** The longest claim window, microseconds (60 s). */
  claimWindowUs: 60_000_000,
  /** Characters of a boot id or a version string. */
  idChars: 64,
});

/** Why a payload was refused. */
export type MeshPayloadRefusal =
  /** Longer than `mesh.maxPayloadBytes`: dropped unread. */
  | 'oversized'
  /** Not the protobuf message of its topic (truncated, wrong wire types, an integer beyond 2^53). */
  | 'undecodable'
  /** A field the message cannot do without is absent (a state without a pose, a hazard without a position). */
  | 'missing-field'
  /** A hazard kind this runtime does not know. */
  | 'unknown-kind'
  /** A value outside {@link MESH_PAYLOAD_LIMITS}, or not a finite number. */
  | 'out-of-range';

export const MESH_PAYLOAD_REFUSALS: readonly MeshPayloadRefusal[] = [
  'oversized',
  'undecodable',
  'missing-field',
  'unknown-kind',
  'out-of-range',
];

/** A decoded payload, or why it was refused with the field at fault. */
export type MeshDecoded<T> = { ok: true; value: T } | { ok: false; reason: MeshPayloadRefusal; detail: string };

/** An encoded payload, or why this robot's own message would be refused by its peers. */
export type MeshEncoded = { ok: true; bytes: Uint8Array } | { ok: false; reason: MeshPayloadRefusal; detail: string };

/** A state as its sender wrote it: `atUs` on the sender's clock. */
export type SentState = Omit<PeerState, 'robotId'>;

/** A claim as its sender wrote it: the window on the sender's clock. */
export type SentClaim = Omit<RightOfWayClaim, 'robotId'>;

/** A hazard as its sender wrote it: detected at `detectedAtUs` on its clock, holding `ttlMs` after. */
export interface SentHazard {
  kind: HazardKind;
  position: Point2D;
  radiusM: number;
  detectedAtUs: number;
  ttlMs: number;
}

/** `.../presence`: whether the robot is on the mesh, and which run of it (a new boot id per start). */
export interface SentPresence {
  online: boolean;
  bootId: string;
  version: string;
}

const hazardKinds = enumMapping<HazardKind, WireHazardKind>({
  'blocked-aisle': WireHazardKind.BLOCKED_AISLE,
  obstacle: WireHazardKind.OBSTACLE,
});

/** A check that failed: thrown inside this module only, turned into a refusal at its edge. */
class Refusal extends Error {
  constructor(
    readonly reason: MeshPayloadRefusal,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

function outOfRange(field: string, value: unknown): never {
  throw new Refusal('out-of-range', `${field}: ${String(value)}`);
}

function present<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new Refusal('missing-field', field);
  return value;
}

function withinAbs(value: number, limit: number, field: string): number {
  if (!Number.isFinite(value) || Math.abs(value) > limit) outOfRange(field, value);
  return value;
}

function finiteNumber(value: number, field: string): number {
  if (!Number.isFinite(value)) outOfRange(field, value);
  return value;
}

function timeUs(value: number, field: string): number {
  if (!Number.isSafeInteger(value)) outOfRange(field, value);
  return value;
}

function radius(value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0 || value > MESH_PAYLOAD_LIMITS.radiusM) outOfRange(field, value);
  return value;
}

function point(value: { xM: number; yM: number }, field: string): Point2D {
  return {
    xM: withinAbs(value.xM, MESH_PAYLOAD_LIMITS.coordinateM, `${field}.xM`),
    yM: withinAbs(value.yM, MESH_PAYLOAD_LIMITS.coordinateM, `${field}.yM`),
  };
}

function path(points: readonly { xM: number; yM: number }[], field: string): Point2D[] {
  if (points.length > MESH_PAYLOAD_LIMITS.pathPoints) outOfRange(`${field}.length`, points.length);
  return points.map((p, i) => point(p, `${field}[${i}]`));
}

function shortString(value: string, field: string): string {
  if (value.length > MESH_PAYLOAD_LIMITS.idChars) outOfRange(`${field}.length`, value.length);
  return value;
}

function checkedState(state: SentState): SentState {
  const { missionPriority } = state;
  if (
    !Number.isInteger(missionPriority) ||
    missionPriority < MESH_PAYLOAD_LIMITS.priorityMin ||
    missionPriority > MESH_PAYLOAD_LIMITS.priorityMax
  ) {
    outOfRange('missionPriority', missionPriority);
  }
  return {
    atUs: timeUs(state.atUs, 'atUs'),
    pose: {
      ...point(state.pose, 'pose'),
      yawRad: finiteNumber(state.pose.yawRad, 'pose.yawRad'),
    },
    vMps: withinAbs(state.vMps, MESH_PAYLOAD_LIMITS.speed, 'vMps'),
    wRadps: withinAbs(state.wRadps, MESH_PAYLOAD_LIMITS.speed, 'wRadps'),
    pathPreview: path(state.pathPreview, 'pathPreview'),
    footprintRadiusM: radius(state.footprintRadiusM, 'footprintRadiusM'),
    missionPriority,
    carryingPayload: state.carryingPayload,
    safetyStopped: state.safetyStopped,
  };
}

function checkedClaim(claim: SentClaim): SentClaim {
  if (!Number.isSafeInteger(claim.claimSeq) || claim.claimSeq < 0) outOfRange('claimSeq', claim.claimSeq);
  const fromUs = timeUs(claim.fromUs, 'fromUs');
  const untilUs = timeUs(claim.untilUs, 'untilUs');
  if (untilUs < fromUs) outOfRange('untilUs', `${untilUs} before fromUs ${fromUs}`);
  if (untilUs - fromUs > MESH_PAYLOAD_LIMITS.claimWindowUs) outOfRange('untilUs - fromUs', untilUs - fromUs);
  return { claimSeq: claim.claimSeq, path: path(claim.path, 'path'), fromUs, untilUs };
}

function checkedHazard(hazard: SentHazard): SentHazard {
  const { ttlMs } = hazard;
  if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MESH_PAYLOAD_LIMITS.ttlMs) outOfRange('ttlMs', ttlMs);
  return {
    kind: hazard.kind,
    position: point(hazard.position, 'position'),
    radiusM: radius(hazard.radiusM, 'radiusM'),
    detectedAtUs: timeUs(hazard.detectedAtUs, 'detectedAtUs'),
    ttlMs,
  };
}

function checkedPresence(presence: SentPresence): SentPresence {
  const bootId = shortString(presence.bootId, 'bootId');
  if (bootId === '') outOfRange('bootId', '(empty)');
  return { online: presence.online, bootId, version: shortString(presence.version, 'version') };
}

/** Runs a conversion, turning a failed check into a refusal; anything else thrown means undecodable bytes. */
function attempt<T>(convert: () => T, whenThrown: MeshPayloadRefusal): MeshDecoded<T> {
  try {
    return { ok: true, value: convert() };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.reason, detail: error.detail };
    if (error instanceof WireFieldError) return { ok: false, reason: 'unknown-kind', detail: error.message };
    return { ok: false, reason: whenThrown, detail: error instanceof Error ? error.message : String(error) };
  }
}

function decodeWith<W, T>(
  codec: { decode(bytes: Uint8Array): W },
  bytes: Uint8Array,
  maxPayloadBytes: number,
  convert: (message: W) => T,
): MeshDecoded<T> {
  if (bytes.length > maxPayloadBytes) {
    return { ok: false, reason: 'oversized', detail: `${bytes.length} bytes > ${maxPayloadBytes}` };
  }
  const decoded = attempt(() => codec.decode(bytes), 'undecodable');
  if (!decoded.ok) return decoded;
  return attempt(() => convert(decoded.value), 'undecodable');
}

function encodeWith(encode: () => Uint8Array, maxPayloadBytes: number): MeshEncoded {
  const encoded = attempt(encode, 'out-of-range');
  if (!encoded.ok) return encoded;
  if (encoded.value.length > maxPayloadBytes) {
    return { ok: false, reason: 'oversized', detail: `${encoded.value.length} bytes > ${maxPayloadBytes}` };
  }
  return { ok: true, bytes: encoded.value };
}

/** Reads a `.../state` payload. */
export function decodeState(bytes: Uint8Array, maxPayloadBytes: number): MeshDecoded<SentState> {
  return decodeWith(WirePeerState, bytes, maxPayloadBytes, (wire) => {
    const pose = present(wire.pose, 'pose');
    // A sender that leaves out a zero velocity still means standing still.
    const velocity = wire.velocity ?? { vMps: 0, wRadps: 0 };
    return checkedState({
      atUs: wire.atUs,
      pose: { xM: pose.xM, yM: pose.yM, yawRad: pose.yawRad },
      vMps: velocity.vMps,
      wRadps: velocity.wRadps,
      pathPreview: wire.pathPreview,
      footprintRadiusM: wire.footprintRadiusM,
      missionPriority: wire.missionPriority,
      carryingPayload: wire.carryingPayload,
      safetyStopped: wire.safetyStopped,
    });
  });
}

/** Writes a `.../state` payload, refusing what a peer would refuse. */
export function encodeState(state: SentState, maxPayloadBytes: number): MeshEncoded {
  return encodeWith(() => {
    const s = checkedState(state);
    return WirePeerState.encode({
      atUs: s.atUs,
      pose: s.pose,
      velocity: { vMps: s.vMps, wRadps: s.wRadps },
      pathPreview: s.pathPreview,
      missionPriority: s.missionPriority,
      carryingPayload: s.carryingPayload,
      safetyStopped: s.safetyStopped,
      footprintRadiusM: s.footprintRadiusM,
    }).finish();
  }, maxPayloadBytes);
}

/** Reads a `.../claims` payload. */
export function decodeClaim(bytes: Uint8Array, maxPayloadBytes: number): MeshDecoded<SentClaim> {
  return decodeWith(WireClaim, bytes, maxPayloadBytes, (wire) =>
    checkedClaim({ claimSeq: wire.claimSeq, path: wire.path, fromUs: wire.fromUs, untilUs: wire.untilUs }),
  );
}

/** Writes a `.../claims` payload, refusing what a peer would refuse. */
export function encodeClaim(claim: SentClaim, maxPayloadBytes: number): MeshEncoded {
  return encodeWith(() => WireClaim.encode(checkedClaim(claim)).finish(), maxPayloadBytes);
}

/** Reads a `.../hazards` payload. */
export function decodeHazard(bytes: Uint8Array, maxPayloadBytes: number): MeshDecoded<SentHazard> {
  return decodeWith(WireHazard, bytes, maxPayloadBytes, (wire) =>
    checkedHazard({
      kind: hazardKinds.fromWire(wire.kind, 'kind'),
      position: present(wire.position, 'position'),
      radiusM: wire.radiusM,
      detectedAtUs: wire.detectedAtUs,
      ttlMs: wire.ttlMs,
    }),
  );
}

/** Writes a `.../hazards` payload, refusing what a peer would refuse. */
export function encodeHazard(hazard: SentHazard, maxPayloadBytes: number): MeshEncoded {
  return encodeWith(() => {
    const h = checkedHazard(hazard);
    return WireHazard.encode({ ...h, kind: hazardKinds.toWire(h.kind) }).finish();
  }, maxPayloadBytes);
}

/** Reads a `.../presence` payload. */
export function decodePresence(bytes: Uint8Array, maxPayloadBytes: number): MeshDecoded<SentPresence> {
  return decodeWith(WirePresence, bytes, maxPayloadBytes, (wire) =>
    checkedPresence({ online: wire.online, bootId: wire.bootId, version: wire.version }),
  );
}

/** Writes a `.../presence` payload (the retained one, and the last will), refusing what a peer would refuse. */
export function encodePresence(presence: SentPresence, maxPayloadBytes: number): MeshEncoded {
  return encodeWith(() => WirePresence.encode(checkedPresence(presence)).finish(), maxPayloadBytes);
}
