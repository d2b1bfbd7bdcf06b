// The robots of the supervisor part of `npm run bench -- ledger`, in a process of their own: ROBOTS
// uplinks (the real `UplinkLink`, each with its own in-memory ledger and its own connection) to the
// supervisor at TARGET, each writing EVENTS_PER_S events a second and sending telemetry at 5 Hz for
// DURATION_S seconds, then waiting (at most DRAIN_S) until the supervisor has acknowledged every
// event. Prints one JSON line: {robots, linked, writeS, drainS, telemetrySent, sent: {robotId: lastSeq}}.
// Usage: node robot-fleet.js TARGET ROBOTS EVENTS_PER_S DURATION_S DRAIN_S
import { Ledger } from '../../comms/ledger/ledger.js';
import { UplinkAcks } from '../../comms/ledger/uplink-acks.js';
import type { Telemetry } from '../../comms/proto/generated/spinal/v1/uplink.generated.js';
import { UplinkLink } from '../../comms/uplink/uplink-link.js';
import { benchEvent, benchLedgerSettings } from './bench-ledger-inputs.js';

const TELEMETRY_HZ = 5;
const [target, robotsArg, rateArg, durationArg, drainArg] = process.argv.slice(2);
if (!target || !robotsArg || !rateArg || !durationArg || !drainArg)
  throw new Error('usage: robot-fleet TARGET ROBOTS EVENTS_PER_S DURATION_S DRAIN_S');
const robots = Number(robotsArg);
const eventsPerS = Number(rateArg);
const durationMs = Number(durationArg) * 1000;
const drainMs = Number(drainArg) * 1000;

const telemetry = (): Telemetry => ({
  atUs: Math.round(performance.now() * 1000),
  pose: { xM: 1, yM: 2, yawRad: 0.5 },
  velocity: undefined,
  battery: { voltageV: 12.1 },
  mode: 1,
  mission: { kind: 'goto', state: 2, id: 'bench', progress: 0.5, eta: undefined },
  reflex: undefined,
  devices: [{ device: 'lidar', state: 'ok' }],
});

const fleet = Array.from({ length: robots }, (_, i) => {
  const robotId = `bench-robot-${String(i).padStart(3, '0')}`;
  const ledger = Ledger.open(benchLedgerSettings(':memory:'), `boot-${i}`);
  const link = new UplinkLink(
    {
      target,
      tls: 'none',
      caFile: '',
      certFile: '',
      keyFile: '',
      token: '',
      telemetryHz: TELEMETRY_HZ,
      keepaliveMs: 2_000,
      keepaliveTimeoutMs: 2_000,
    },
    {
      ledger,
      acks: new UplinkAcks(ledger.db),
      identity: () => ({ robotId, board: 'bench', version: '', capabilities: [] }),
      telemetry,
      command: () => Promise.resolve({ accepted: false, reason: 'bench' }),
    },
  );
  return { robotId, ledger, link };
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
for (const robot of fleet) robot.link.start();
const start = performance.now();
// Every robot writes the events its rate owes by now, every tick: a late tick (a busy process)
// writes more at once rather than fewer in all.
const total = (durationMs / 1000) * eventsPerS;
let n = 0;
const writeUpTo = (due: number): void => {
  if (due <= n) return;
  for (const robot of fleet) {
    robot.ledger.append(Array.from({ length: due - n }, (_, i) => benchEvent(n + i + 1)));
    robot.link.committed();
  }
  n = due;
};
const tick = setInterval(
  () => writeUpTo(Math.min(total, Math.floor(((performance.now() - start) / 1000) * eventsPerS))),
  1000 / eventsPerS,
);
await sleep(durationMs);
clearInterval(tick);
writeUpTo(total);
const writeS = (performance.now() - start) / 1000;
const drainStart = performance.now();
while (performance.now() - drainStart < drainMs && fleet.some((robot) => robot.link.stats().backlog > 0))
  await sleep(50);
const drainS = (performance.now() - drainStart) / 1000;
const stats = fleet.map((robot) => robot.link.stats());
const sent = Object.fromEntries(fleet.map((robot) => [robot.robotId, robot.ledger.lastSeq()]));
for (const robot of fleet) {
  robot.link.stop();
  robot.ledger.close();
}
process.stdout.write(
  `${JSON.stringify({
    robots,
    linked: stats.filter((s) => s.connects >= 1 && s.ackedSeq > 0).length,
    reconnects: stats.reduce((sum, s) => sum + s.connects - 1, 0),
    writeS,
    drainS,
    telemetrySent: stats.reduce((sum, s) => sum + s.telemetrySent, 0),
    telemetrySkipped: stats.reduce((sum, s) => sum + s.telemetrySkipped, 0),
    sent,
  })}\n`,
);
process.exit(0);
