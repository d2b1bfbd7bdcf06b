// `npm run bench -- mesh`: 50 robots, each its own MeshLink, publishing their state at 10 Hz through
// Mosquitto at 127.0.0.1:1883 (the embedded broker when Mosquitto is absent, in this process). Three
// robots run here: the observer (robot 0), whose peer table the state ages are taken at, and the
// negotiating pair (robots 1 and 2: one claims, the other answers with a claim of its own as soon as
// it sees it); the other 47 run in a child process (mesh-load-robots.ts), so that, as on real robots,
// the observer's event loop carries its own traffic and not 49 other robots' too. Measures the state
// age p99 (publish to the observer's peer table), the CPU of the mesh handling per robot (both
// processes' CPU time / robots / wall time) and the claim-to-claim round trip p99. Prints progress,
// then one JSON line. Options: --peers N, --duration S, --hz N. See docs/benchmarks.md, "mesh".
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../comms/mesh/embedded-broker.js';
import type { PeerView } from '../../messages/peer.js';
import { MonotonicClock } from '../../time/monotonic-clock.js';
import { percentile } from '../bench-reflex/latency-summary.js';
import { allReady, publishStates, robotId, stampAgeMs, startBenchLinks, type BenchFleet } from './bench-mesh-robots.js';

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
/** Robots in this process: the observer and the negotiating pair. */
const HERE = 3;
const WARMUP_S = 3;
/** Claims the negotiating pair trades a second. */
const NEGOTIATIONS_HZ = 5;
const TARGETS = { stateAgeP99Ms: 20, cpuPctPerRobot: 3, negotiationP99Ms: 100 };
if (!(PEERS > HERE)) throw new Error(`--peers must be more than ${HERE}`);

const say = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
const fleet: BenchFleet = { brokerUrl, tail: randomBytes(3).toString('hex'), robots: PEERS, hz: HZ };

// The load: robots HERE .. PEERS-1 in a process of their own.
const load = spawn(
  process.execPath,
  [
    join(dirname(fileURLToPath(import.meta.url)), 'mesh-load-robots.js'),
    ...['--broker', brokerUrl, '--tail', fleet.tail, '--robots', String(PEERS), '--hz', String(HZ)],
    ...['--from', String(HERE), '--count', String(PEERS - HERE)],
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const loadLines = createInterface({ input: load.stdout! })[Symbol.asyncIterator]();
const nextLoadLine = async (): Promise<string> => {
  const next = await loadLines.next();
  if (next.done) throw new Error('the load process ended early');
  return next.value;
};

const clock = new MonotonicClock();
const links = startBenchLinks(fleet, 0, HERE, clock);
await allReady(links);
if ((await nextLoadLine()) !== 'ready') throw new Error('the load process did not say ready');
say(
  `${PEERS} links ready (${links[0]!.status().protocol}), ${PEERS - HERE} of them in a load process; states at ${HZ} Hz each`,
);
const stopPublishing = publishStates(fleet, links, 0, clock);

// The observer: the age of each new state when it lands in robot 0's peer table.
let measuring = false;
const stateAgesMs: number[] = [];
const lastStamp = new Map<string, number>();
links[0]!.onPeers((peers: PeerView[]) => {
  for (const peer of peers) {
    const state = peer.state;
    if (!state || lastStamp.get(peer.id) === state.pose.xM) continue;
    lastStamp.set(peer.id, state.pose.xM);
    if (measuring) stateAgesMs.push(stampAgeMs(state.pose.xM, state.atUs));
  }
});

// The negotiating pair: robot 1 claims; robot 2 answers each claim of robot 1 it sees with its own,
// naming in its path (x) the sequence number of the claim it answers.
const [, a, b] = links as [unknown, (typeof links)[number], (typeof links)[number]];
const idA = robotId(fleet, 1);
const idB = robotId(fleet, 2);
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
const stopNegotiating = clock.every(1_000_000 / NEGOTIATIONS_HZ, () => {
  const sentUs = clock.nowUs();
  if (!a.publishClaim({ path: [{ xM: 2, yM: 2 }], forMs: 2_000 }).sent) return;
  aClaimSeq += 1;
  if (measuring) {
    claimsMeasured += 1;
    claimSentUs.set(aClaimSeq, sentUs);
  }
});

say(`warming up ${WARMUP_S} s`);
await sleep(WARMUP_S * 1_000);
measuring = true;
load.stdin!.write('start\n');
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
for (let s = 0; s < DURATION_S; s += 5) {
  await sleep(Math.min(5, DURATION_S - s) * 1_000);
  say(`${Math.min(s + 5, DURATION_S)} s: ${stateAgesMs.length} state ages, ${negotiationsMs.length} negotiations`);
}
measuring = false;
load.stdin!.write('stop\n');
const cpu = process.cpuUsage(cpuStart);
const wallS = (performance.now() - wallStart) / 1_000;
const { cpuUs: loadCpuUs } = JSON.parse(await nextLoadLine()) as { cpuUs: number };
stopNegotiating();
stopPublishing();

const dropped = Object.values(links[0]!.status().dropped).reduce((x, y) => x + y, 0);
const sortedAges = [...stateAgesMs].sort((x, y) => x - y);
const sortedNegotiations = [...negotiationsMs].sort((x, y) => x - y);
const round3 = (x: number): number => Math.round(x * 1_000) / 1_000;
const cpuS = (cpu.user + cpu.system + loadCpuUs) / 1e6;
const figures = {
  stateAgeP99Ms: round3(percentile(sortedAges, 99)),
  cpuPctPerRobot: round3((cpuS / PEERS / wallS) * 100),
  negotiationP99Ms: round3(percentile(sortedNegotiations, 99)),
};
say(
  `state age at robot 0: ${sortedAges.length} of ${(PEERS - 1) * HZ * DURATION_S} states, ` +
    `p50 ${round3(percentile(sortedAges, 50))} ms, p99 ${figures.stateAgeP99Ms} ms, max ${round3(sortedAges.at(-1) ?? NaN)} ms ` +
    `(dropped at robot 0: ${dropped})`,
);
say(
  `CPU: ${round3(cpuS)} s (this process ${round3((cpu.user + cpu.system) / 1e6)} s, load ${round3(loadCpuUs / 1e6)} s) ` +
    `over ${round3(wallS)} s for ${PEERS} robots = ${figures.cpuPctPerRobot} % of one core per robot`,
);
say(
  `negotiation round trip: ${sortedNegotiations.length} of ${claimsMeasured} claims answered, ` +
    `p50 ${round3(percentile(sortedNegotiations, 50))} ms, p99 ${figures.negotiationP99Ms} ms`,
);
for (const [name, target] of Object.entries(TARGETS)) {
  const value = figures[name as keyof typeof figures];
  say(`${name}: ${value} (target <= ${target}) ${value <= target ? 'ok' : 'MISSED'}`);
}
await Promise.all(links.map((link) => link.close()));
await new Promise<void>((resolve) => (load.exitCode !== null ? resolve() : load.once('exit', () => resolve())));
await embedded?.close();
process.stdout.write(`${JSON.stringify({ bench: 'mesh', peers: PEERS, ...figures })}\n`);
