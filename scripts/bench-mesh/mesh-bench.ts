// `npm run bench -- mesh`: 50 robots (each its own MeshLink, all in this process) publishing their state
// at 10 Hz through Mosquitto at 127.0.0.1:1883 (the embedded broker when Mosquitto is absent). Measures
// the age of a state when it reaches the peer table of one observing robot (publish to table), the CPU
// of the mesh handling per robot, and the claim-to-claim round trip between two robots (one claims,
// the other answers with a claim of its own as soon as it sees it). Prints progress, then one JSON
// line. Options: --peers N, --duration S, --hz N. See docs/benchmarks.md, "mesh".
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { resolveParams } from '../../config/param-values.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../comms/mesh/embedded-broker.js';
import { MeshLink } from '../../comms/mesh/mesh-link.js';
import { meshSettingsFromParams } from '../../comms/mesh/mesh-settings.js';
import type { OwnMeshState, PeerView } from '../../messages/peer.js';
import { MonotonicClock } from '../../time/monotonic-clock.js';
import { percentile } from '../bench-reflex/latency-summary.js';

const { values: args } = parseArgs({
  options: {
    peers: { type: 'string', default: '50' },
    duration: { type: 'string', default: '20' },
    hz: { type: 'string', default: '10' },
  },
});
const PEERS = Number(args.peers);
const DURATION_S = Number(args.duration);
const HZ = Number(args.hz);
const WARMUP_S = 3;
/** Claims the negotiating pair trades a second. */
const NEGOTIATIONS_HZ = 5;
const TARGETS = { stateAgeP99Ms: 20, cpuPctPerRobot: 3, negotiationP99Ms: 100 };

const say = (line: string): void => void process.stderr.write(`${line}\n`);

function mosquittoListening(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 1883 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let embedded: EmbeddedBroker | null = null;
let brokerUrl = 'mqtt://127.0.0.1:1883';
if (await mosquittoListening()) {
  say('broker: Mosquitto at 127.0.0.1:1883');
} else {
  embedded = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
  brokerUrl = embedded.url;
  say(`broker: Mosquitto is not on 127.0.0.1:1883; using the embedded broker at ${brokerUrl} (its CPU counts here)`);
}

const tail = randomBytes(3).toString('hex');
const fleet = `bench-${tail}`;
const idOf = (n: number): string => `bench-${tail}-${n}`;
const clock = new MonotonicClock();
const params = resolveParams({});
const links: MeshLink[] = [];
for (let n = 0; n < PEERS; n++) {
  const settings = meshSettingsFromParams({ ...params, 'mesh.fleet': fleet, 'mesh.stateHz': HZ }, idOf(n));
  if (!settings) throw new Error('the mesh is disabled by default?');
  const link = new MeshLink(settings, { clock, bootId: `boot-${tail}-${n}`, version: 'bench', brokerUrl });
  links.push(link);
  link.start();
}
const deadline = Date.now() + 15_000;
while (links.some((link) => link.state !== 'ready')) {
  if (Date.now() > deadline) throw new Error('the links did not all connect within 15 s');
  await new Promise((resolve) => setTimeout(resolve, 20));
}
say(`${PEERS} links ready (${links[0]!.status().protocol}); states at ${HZ} Hz each`);

// Each state carries its sequence number in pose.xM, so the observer can tell when it was published.
const sentAtUs = links.map(() => new Map<number, number>());
let measuring = false;
const stateAgesMs: number[] = [];
const seq = links.map(() => 0);
function stateOf(n: number, s: number): OwnMeshState {
  return {
    pose: { xM: s, yM: n, yawRad: 0 },
    vMps: 0.8,
    wRadps: 0.1,
    pathPreview: Array.from({ length: 10 }, (_, i) => ({ xM: s + i * 0.2, yM: n })),
    footprintRadiusM: 0.3,
    missionPriority: 10,
    carryingPayload: false,
    safetyStopped: false,
  };
}
const periodUs = 1_000_000 / HZ;
const cancels = links.map((link, n) => {
  // Spread the robots over the period, as robots started at different times are.
  let cancel = (): void => undefined;
  const start = clock.after((periodUs * n) / PEERS, () => {
    cancel = clock.every(periodUs, () => {
      const s = ++seq[n]!;
      sentAtUs[n]!.set(s, clock.nowUs());
      sentAtUs[n]!.delete(s - 50);
      link.publishState(stateOf(n, s));
    });
  });
  return () => {
    start();
    cancel();
  };
});

// The observer: robot 0. The age of each new state when it lands in its peer table.
const lastSeen = new Map<string, number>();
const indexOf = new Map(links.map((_, n) => [idOf(n), n]));
links[0]!.onPeers((peers: PeerView[]) => {
  for (const peer of peers) {
    const state = peer.state;
    if (!state) continue;
    const s = state.pose.xM;
    if (lastSeen.get(peer.id) === s) continue;
    lastSeen.set(peer.id, s);
    const sent = sentAtUs[indexOf.get(peer.id)!]?.get(s);
    if (measuring && sent !== undefined) stateAgesMs.push((state.atUs - sent) / 1_000);
  }
});

// The negotiating pair: robot 1 claims; robot 2 answers each claim of robot 1 it sees with its own,
// naming in its path (x) the sequence number of the claim it answers.
const a = links[1]!;
const b = links[2]!;
const idA = idOf(1);
const idB = idOf(2);
const negotiationsMs: number[] = [];
/** When robot 1 sent each claim it measures, by claim sequence. */
const claimSentUs = new Map<number, number>();
let claimsMeasured = 0;
let bSeenSeq = 0;
b.onPeers((peers) => {
  const claim = peers.find((p) => p.id === idA)?.claim;
  if (claim && claim.claimSeq > bSeenSeq) {
    bSeenSeq = claim.claimSeq;
    b.publishClaim({ path: [{ xM: claim.claimSeq, yM: 1 }], forMs: 2_000 });
  }
});
let aSeenSeq = 0;
a.onPeers((peers) => {
  const claim = peers.find((p) => p.id === idB)?.claim;
  if (claim && claim.claimSeq > aSeenSeq) {
    aSeenSeq = claim.claimSeq;
    const answers = claim.path[0]?.xM ?? -1;
    const sent = claimSentUs.get(answers);
    claimSentUs.delete(answers);
    if (sent !== undefined) negotiationsMs.push((clock.nowUs() - sent) / 1_000);
  }
});
let aClaimSeq = 0;
const negotiate = clock.every(1_000_000 / NEGOTIATIONS_HZ, () => {
  const sentUs = clock.nowUs();
  if (!a.publishClaim({ path: [{ xM: 2, yM: 2 }], forMs: 2_000 }).sent) return;
  aClaimSeq += 1;
  if (measuring) {
    claimsMeasured += 1;
    claimSentUs.set(aClaimSeq, sentUs);
  }
});

say(`warming up ${WARMUP_S} s`);
await new Promise((resolve) => setTimeout(resolve, WARMUP_S * 1_000));
measuring = true;
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
for (let s = 5; s <= DURATION_S; s += 5) {
  await new Promise((resolve) => setTimeout(resolve, Math.min(5, DURATION_S - s + 5) * 1_000));
  say(`${s} s: ${stateAgesMs.length} state ages, ${negotiationsMs.length} negotiations`);
}
const remainder = DURATION_S % 5;
if (remainder > 0) await new Promise((resolve) => setTimeout(resolve, remainder * 1_000));
measuring = false;
const cpu = process.cpuUsage(cpuStart);
const wallS = (performance.now() - wallStart) / 1_000;
negotiate();
for (const cancel of cancels) cancel();

const observer = links[0]!.status();
const expectedStates = (PEERS - 1) * HZ * DURATION_S;
const sortedAges = [...stateAgesMs].sort((x, y) => x - y);
const sortedNegotiations = [...negotiationsMs].sort((x, y) => x - y);
const round3 = (x: number): number => Math.round(x * 1_000) / 1_000;
const figures = {
  stateAgeP99Ms: round3(percentile(sortedAges, 99)),
  cpuPctPerRobot: round3(((cpu.user + cpu.system) / 1e6 / PEERS / wallS) * 100),
  negotiationP99Ms: round3(percentile(sortedNegotiations, 99)),
};
say(
  `state age at robot 0: ${sortedAges.length} of ~${expectedStates} states, p50 ${round3(percentile(sortedAges, 50))} ms, ` +
    `p99 ${figures.stateAgeP99Ms} ms, max ${round3(sortedAges.at(-1) ?? NaN)} ms ` +
    `(dropped at robot 0: ${Object.values(observer.dropped).reduce((x, y) => x + y, 0)})`,
);
say(
  `CPU: ${round3((cpu.user + cpu.system) / 1e6)} s over ${round3(wallS)} s for ${PEERS} robots = ${figures.cpuPctPerRobot} % of one core per robot`,
);
say(
  `negotiation round trip: ${sortedNegotiations.length} of ${claimsMeasured} claims answered, p50 ${round3(percentile(sortedNegotiations, 50))} ms, p99 ${figures.negotiationP99Ms} ms`,
);
for (const [name, target] of Object.entries(TARGETS)) {
  const value = figures[name as keyof typeof figures];
  say(`${name}: ${value} (target <= ${target}) ${value <= target ? 'ok' : 'MISSED'}`);
}
await Promise.all(links.map((link) => link.close()));
await embedded?.close();
process.stdout.write(`${JSON.stringify({ bench: 'mesh', peers: PEERS, ...figures })}\n`);
