// `npm run bench -- ledger`: the ledger's ingest (batched commits against one commit per event, in
// the same run), a 100,000-event backlog replayed over the uplink to a local supervisor, the RSS of
// a process writing a 1,000,000-event backlog and reading it back (backlog-rss.ts), and the reference
// supervisor serving 200 robot links (robot-fleet.ts) with every event checked at the supervisor.
// Prints its figures, then one JSON line. See docs/benchmarks.md, "ledger".
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { Ledger } from '../../comms/ledger/ledger.js';
import { UplinkAcks } from '../../comms/ledger/uplink-acks.js';
import {
  UplinkService,
  type RobotFrame,
  type SupervisorFrame,
} from '../../comms/proto/generated/spinal/v1/uplink.generated.js';
import { openSupervisorStore } from '../../comms/supervisor/open-store.js';
import { SupervisorServer } from '../../comms/supervisor/supervisor-server.js';
import { UplinkLink } from '../../comms/uplink/uplink-link.js';
import { benchBatch, benchEvent, benchLedgerSettings, benchTelemetrySecond } from './bench-ledger-inputs.js';

const dir = mkdtempSync(join(tmpdir(), 'spinal-bench-ledger-'));
const here = dirname(fileURLToPath(import.meta.url));
const settings = (name: string) => benchLedgerSettings(join(dir, name));

/** The robots of the supervisor part: as many as the target, each at its rates. */
const FLEET = { robots: 200, eventsPerS: 20, durationS: 20, drainS: 30 };

function batchedIngest(total: number, batch: number): number {
  const ledger = Ledger.open(settings('batched.db'), 'bench');
  const start = performance.now();
  for (let n = 0; n < total; n += batch) ledger.append(benchBatch(n, batch));
  const perS = total / ((performance.now() - start) / 1000);
  ledger.close();
  return perS;
}

/**
 * The batched ingest again, with a second of the default telemetry recording (five pose rows, two
 * 360-beam scans, a reflex state: one commit, as the recorder makes once a second) committed beside
 * every batch of events: what recording telemetry costs the events' ingest.
 */
function batchedIngestBesideTelemetry(total: number, batch: number): number {
  const ledger = Ledger.open(settings('telemetry.db'), 'bench');
  const start = performance.now();
  for (let n = 0; n < total; n += batch) {
    ledger.append(benchBatch(n, batch));
    ledger.appendTelemetry(benchTelemetrySecond(n));
  }
  const perS = total / ((performance.now() - start) / 1000);
  ledger.close();
  return perS;
}

function naiveIngest(total: number): number {
  const ledger = Ledger.open(settings('naive.db'), 'bench');
  const start = performance.now();
  for (let n = 0; n < total; n++) ledger.append([benchEvent(n)]);
  const perS = total / ((performance.now() - start) / 1000);
  ledger.close();
  return perS;
}

/** A supervisor that answers hello with ack 0 and counts the events it receives. */
async function countingSupervisor(onEvent: (seq: number) => void): Promise<{ port: number; server: Server }> {
  const server = new Server({
    'grpc.http2.min_ping_interval_without_data_ms': 100,
    'grpc.keepalive_permit_without_calls': 1,
  });
  server.addService(UplinkService, {
    link: (call: ServerDuplexStream<RobotFrame, SupervisorFrame>) => {
      call.on('data', (frame: RobotFrame) => {
        if (frame.frame?.$case === 'hello') call.write({ frame: { $case: 'eventAck', value: { seq: 0 } } });
        if (frame.frame?.$case === 'event') onEvent(frame.frame.value.event?.seq ?? 0);
      });
      call.on('error', () => undefined);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { port, server };
}

async function replay(backlog: number): Promise<number> {
  const ledger = Ledger.open(settings('replay.db'), 'bench');
  for (let n = 0; n < backlog; n += 2_000) ledger.append(benchBatch(n, 2_000));
  let received = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const { port, server } = await countingSupervisor(() => {
    received += 1;
    if (received === backlog) done();
  });
  const link = new UplinkLink(
    {
      target: `127.0.0.1:${port}`,
      tls: 'none',
      caFile: '',
      certFile: '',
      keyFile: '',
      token: '',
      telemetryHz: 5,
      keepaliveMs: 2_000,
      keepaliveTimeoutMs: 2_000,
    },
    {
      ledger,
      acks: new UplinkAcks(ledger.db),
      identity: () => ({ robotId: 'bench', board: 'bench', version: '', capabilities: [] }),
      telemetry: () => null,
      command: () => Promise.resolve({ accepted: false, reason: 'bench' }),
    },
  );
  const start = performance.now();
  link.start();
  await finished;
  const perS = backlog / ((performance.now() - start) / 1000);
  link.stop();
  server.forceShutdown();
  ledger.close();
  return perS;
}

/** Runs a compiled script beside this one and resolves with the JSON of its last stdout line. */
function runChild<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as T);
    });
  });
}

interface BacklogFigures {
  startRssMb: number;
  rssAt100kMb: number;
  rssAtWrittenMb: number;
  maxRssMb: number;
  heapLiveMb: number;
}

interface FleetFigures {
  robots: number;
  linked: number;
  reconnects: number;
  writeS: number;
  drainS: number;
  telemetrySent: number;
  telemetrySkipped: number;
  sent: Record<string, number>;
}

/** The reference supervisor (as `spinal supervisor` runs it, SQLite store) serving the robot fleet; every event checked at the store. */
async function supervisorFleet(): Promise<{ robots: number; eventsPerS: number; eventsLost: number }> {
  const store = openSupervisorStore(`sqlite:${join(dir, 'supervisor.db')}`)!;
  await store.init();
  const server = new SupervisorServer(store);
  const port = await server.listen('127.0.0.1:0');
  const fleet = await runChild<FleetFigures>('robot-fleet.js', [
    `127.0.0.1:${port}`,
    String(FLEET.robots),
    String(FLEET.eventsPerS),
    String(FLEET.durationS),
    String(FLEET.drainS),
  ]);
  let sent = 0;
  let stored = 0;
  let lost = 0;
  let outOfOrder = 0;
  for (const [robotId, lastSeq] of Object.entries(fleet.sent)) {
    const seqs = new Set((await store.events(robotId)).map((e) => e.seq));
    const held = [...seqs].filter((seq) => seq >= 1 && seq <= lastSeq).length;
    sent += lastSeq;
    stored += held;
    lost += lastSeq - held;
  }
  const views = server.robots();
  for (const view of views) outOfOrder += view.outOfOrder;
  const duplicates = views.reduce((sum, view) => sum + view.duplicates, 0);
  await server.stop();
  await store.close();
  const eventsPerS = stored / (fleet.writeS + fleet.drainS);
  process.stderr.write(
    `supervisor: ${fleet.robots} robot links (${fleet.linked} linked, ${fleet.reconnects} reconnects), ` +
      `${FLEET.eventsPerS} events/s and ${5} Hz telemetry each for ${fleet.writeS.toFixed(1)} s, ` +
      `acked all ${fleet.drainS.toFixed(1)} s after the last write: ${sent} events sent, ${stored} stored once ` +
      `(${lost} lost, ${duplicates} received twice, ${outOfOrder} out of order), ${round(eventsPerS)} events/s stored; ` +
      `${fleet.telemetrySent} telemetry frames sent, ${fleet.telemetrySkipped} skipped\n`,
  );
  return { robots: fleet.linked, eventsPerS, eventsLost: lost };
}

const round = (x: number): number => Math.round(x);
const batchedEventsPerS = batchedIngest(200_000, 2_000);
process.stderr.write(
  `batched ingest: ${round(batchedEventsPerS)} events/s (200,000 events, 2,000 a commit, synced each)\n`,
);
const besideTelemetryEventsPerS = batchedIngestBesideTelemetry(200_000, 2_000);
process.stderr.write(
  `batched ingest beside recorded telemetry: ${round(besideTelemetryEventsPerS)} events/s (the same, with one telemetry commit a batch)\n`,
);
const naiveEventsPerS = naiveIngest(2_000);
process.stderr.write(`naive ingest: ${round(naiveEventsPerS)} events/s (2,000 events, one synced commit each)\n`);
const replayEventsPerS = await replay(100_000);
process.stderr.write(`replay: ${round(replayEventsPerS)} events/s (100,000-event backlog to a local supervisor)\n`);
const backlog = await runChild<BacklogFigures>('backlog-rss.js', [join(dir, 'backlog.db')]);
process.stderr.write(
  `backlog RSS (own process, 1,000,000 events written in commits of 2,000, then read back a replay page at a time): ` +
    `${backlog.startRssMb.toFixed(1)} MB at start, ${backlog.rssAt100kMb.toFixed(1)} MB at 100,000 events, ` +
    `${backlog.rssAtWrittenMb.toFixed(1)} MB at 1,000,000, max ${backlog.maxRssMb.toFixed(1)} MB ` +
    `(live JS heap at the end ${backlog.heapLiveMb.toFixed(1)} MB)\n`,
);
const supervisor = await supervisorFleet();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    bench: 'ledger',
    batchedEventsPerS: round(batchedEventsPerS),
    besideTelemetryEventsPerS: round(besideTelemetryEventsPerS),
    naiveEventsPerS: round(naiveEventsPerS),
    replayEventsPerS: round(replayEventsPerS),
    backlogRssMb: Math.round(backlog.maxRssMb * 10) / 10,
    supervisorRobots: supervisor.robots,
    supervisorEventsPerS: round(supervisor.eventsPerS),
    supervisorEventsLost: supervisor.eventsLost,
  })}\n`,
);
