import createDebug from 'debug';
import type { MessagePort } from 'node:worker_threads';
import { MonotonicClock } from '../../time/monotonic-clock.js';
import type { BenchThreadToMain, CommsData, MainToBenchThread, MeshFloodData } from './bench-thread-messages.js';
import { decodePublish, decodePuback, encodePublish, encodePuback } from './mqtt-publish.js';

const log = createDebug('spinal:bench:mesh');

/** Smallest and largest payload of a flood message, bytes: the size of a peer's state or hazard report. */
const PAYLOAD_MIN_BYTES = 200;
const PAYLOAD_MAX_BYTES = 500;
/** Distinct payloads the flood cycles through (built once, so the sender spends its time sending). */
const PAYLOAD_VARIETY = 256;
/** Peers the flood pretends to be. */
const PEER_COUNT = 12;

/** The side of a channel a bench thread talks to the main thread through (`parentPort`). */
export interface MainPort {
  on(event: 'message', listener: (message: MainToBenchThread) => void): unknown;
  postMessage(message: BenchThreadToMain): void;
}

/** What a peer says about itself on `spinal/v1/<fleet>/<robotId>/state`. */
interface PeerState {
  robotId: string;
  seq: number;
  stampUs: number;
  pose: { xM: number; yM: number; yawRad: number };
  vMps: number;
  wRadps: number;
  /** The peer's planned path, robot-frame waypoints, metres. */
  path: Array<[number, number]>;
}

function isPeerState(value: unknown): value is PeerState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const pose = v.pose as Record<string, unknown> | undefined;
  return (
    typeof v.robotId === 'string' &&
    typeof v.seq === 'number' &&
    typeof v.stampUs === 'number' &&
    typeof pose?.xM === 'number' &&
    typeof pose.yM === 'number' &&
    typeof pose.yawRad === 'number' &&
    typeof v.vMps === 'number' &&
    Array.isArray(v.path) &&
    v.path.every((p) => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === 'number'))
  );
}

/** A JSON peer state padded out with path waypoints to about `sizeBytes`. */
function peerStatePayload(index: number, sizeBytes: number): Uint8Array {
  const state: PeerState = {
    robotId: `peer-${String(index % PEER_COUNT).padStart(2, '0')}`,
    seq: index,
    stampUs: 0,
    pose: { xM: 1.234 * (index % 7), yM: -0.5 * (index % 5), yawRad: 0.1 * (index % 31) },
    vMps: 0.35,
    wRadps: -0.2,
    path: [],
  };
  while (JSON.stringify(state).length < sizeBytes) {
    const k = state.path.length;
    state.path.push([Math.round(1000 * (k * 0.1 + index * 0.01)) / 1000, Math.round(1000 * Math.sin(k)) / 1000]);
  }
  return new TextEncoder().encode(JSON.stringify(state));
}

/**
 * The broker's side of the mesh: QoS 1 PUBLISH packets of peer state at `messagesPerS`, sent in
 * batches on a 1 ms timer against a fixed schedule (so the rate holds whatever the timer does),
 * and PUBACKs counted as they come back.
 */
export function runMeshFlood(main: MainPort, data: MeshFloodData): void {
  const mesh: MessagePort = data.mesh;
  const payloads = Array.from({ length: PAYLOAD_VARIETY }, (_, i) =>
    peerStatePayload(i, PAYLOAD_MIN_BYTES + ((i * 7919) % (PAYLOAD_MAX_BYTES - PAYLOAD_MIN_BYTES + 1))),
  );
  const counters = { sent: 0, acked: 0, badAcks: 0, payloadBytes: 0 };
  const startMs = performance.now();
  mesh.on('message', (bytes: Uint8Array) => {
    if (decodePuback(bytes) === null) counters.badAcks++;
    else counters.acked++;
  });
  const pump = (): void => {
    const due = Math.floor(((performance.now() - startMs) * data.messagesPerS) / 1_000);
    while (counters.sent < due) {
      const index = counters.sent;
      const payload = payloads[index % PAYLOAD_VARIETY] ?? new Uint8Array(PAYLOAD_MIN_BYTES);
      const robotId = `peer-${String(index % PEER_COUNT).padStart(2, '0')}`;
      mesh.postMessage(
        encodePublish({ topic: `spinal/v1/bench/${robotId}/state`, packetId: (index % 0xffff) + 1, payload }),
      );
      counters.sent++;
      counters.payloadBytes += payload.length;
    }
    setTimeout(pump, 1);
  };
  pump();
  main.on('message', (message) => {
    if (message.t === 'stats') main.postMessage({ t: 'stats', counters: { ...counters } });
  });
  log('flooding at %d messages/s', data.messagesPerS);
  main.postMessage({ t: 'ready' });
}

/**
 * The comms thread under load: each PUBLISH is decoded, its payload parsed and checked as a peer
 * state and acknowledged with a PUBACK (malformed ones are counted and dropped). Meanwhile it
 * relays a manual drive command to the main thread every `drivePeriodMs`, as the debug port's
 * override would while the planner is stuck.
 */
export function runComms(main: MainPort, data: CommsData): void {
  const clock = new MonotonicClock();
  const peers = new Map<string, PeerState>();
  const counters = { received: 0, parsed: 0, malformed: 0, acked: 0 };
  const decoder = new TextDecoder();
  data.mesh.on('message', (bytes: Uint8Array) => {
    counters.received++;
    const packet = decodePublish(bytes);
    if (!packet) {
      counters.malformed++;
      return;
    }
    let state: unknown;
    try {
      state = JSON.parse(decoder.decode(packet.payload));
    } catch {
      state = null;
    }
    if (isPeerState(state)) {
      peers.set(state.robotId, state);
      counters.parsed++;
    } else {
      counters.malformed++;
    }
    data.mesh.postMessage(encodePuback(packet.packetId));
    counters.acked++;
  });
  setInterval(() => {
    main.postMessage({
      t: 'drive',
      command: { source: 'manual', vMps: data.driveMps, wRadps: 0, stampUs: clock.nowUs() },
    });
  }, data.drivePeriodMs);
  main.on('message', (message) => {
    if (message.t === 'stats') main.postMessage({ t: 'stats', counters: { ...counters, peers: peers.size } });
  });
  main.postMessage({ t: 'ready' });
}
