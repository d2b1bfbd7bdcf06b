// `npm run bench -- ledger`: the ledger's ingest (batched commits against one commit per event, in
// the same run), a 100,000-event backlog replayed over the uplink to a local supervisor, and the
// process's RSS while a 1,000,000-event backlog is written and read back. Prints its figures, then
// one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { Ledger, type LedgerInput } from '../../comms/ledger/ledger.js';
import type { LedgerSettings } from '../../comms/ledger/ledger-settings.js';
import { UplinkAcks } from '../../comms/ledger/uplink-acks.js';
import {
  UplinkService,
  type RobotFrame,
  type SupervisorFrame,
} from '../../comms/proto/generated/spinal/v1/uplink.generated.js';
import { UplinkLink } from '../../comms/uplink/uplink-link.js';

const dir = mkdtempSync(join(tmpdir(), 'spinal-bench-ledger-'));
const MB = 1024 * 1024;

function settings(name: string): LedgerSettings {
  return {
    path: join(dir, name),
    durability: { kind: 'batch' },
    maxBatch: 2_000,
    maxBytes: 64 * 1024 * MB,
    maxAgeMs: 0,
    reserveBytes: 0,
  };
}

const event = (n: number): LedgerInput => ({
  body: { kind: 'device-health', device: 'imu', from: 'ok', to: n % 2 ? 'degraded' : 'ok', reason: `read ${n} failed` },
  atUs: n,
});

function batchedIngest(total: number, batch: number): number {
  const ledger = Ledger.open(settings('batched.db'), 'bench');
  const start = performance.now();
  for (let n = 0; n < total; n += batch) ledger.append(Array.from({ length: batch }, (_, i) => event(n + i)));
  const perS = total / ((performance.now() - start) / 1000);
  ledger.close();
  return perS;
}

function naiveIngest(total: number): number {
  const ledger = Ledger.open(settings('naive.db'), 'bench');
  const start = performance.now();
  for (let n = 0; n < total; n++) ledger.append([event(n)]);
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
  for (let n = 0; n < backlog; n += 2_000) ledger.append(Array.from({ length: 2_000 }, (_, i) => event(n + i)));
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

function backlogRss(total: number): number {
  const ledger = Ledger.open(settings('backlog.db'), 'bench');
  let maxRss = process.memoryUsage().rss;
  for (let n = 0; n < total; n += 2_000) {
    ledger.append(Array.from({ length: 2_000 }, (_, i) => event(n + i)));
    if (n % 50_000 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss);
  }
  // Read it all back the way the uplink's replay does, page by page.
  for (let after = 0, pages = 0; ; pages++) {
    const rows = ledger.rowsSince(after, 256);
    if (rows.length === 0) break;
    after = rows.at(-1)!.event.seq;
    if (pages % 200 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss);
  }
  ledger.close();
  return maxRss / MB;
}

const round = (x: number): number => Math.round(x);
const batchedEventsPerS = batchedIngest(200_000, 2_000);
process.stderr.write(
  `batched ingest: ${round(batchedEventsPerS)} events/s (200,000 events, 2,000 a commit, synced each)\n`,
);
const naiveEventsPerS = naiveIngest(2_000);
process.stderr.write(`naive ingest: ${round(naiveEventsPerS)} events/s (2,000 events, one synced commit each)\n`);
const replayEventsPerS = await replay(100_000);
process.stderr.write(`replay: ${round(replayEventsPerS)} events/s (100,000-event backlog to a local supervisor)\n`);
const backlogRssMb = backlogRss(1_000_000);
process.stderr.write(
  `RSS during a 1,000,000-event backlog (written, then read back in pages): max ${backlogRssMb.toFixed(1)} MB\n`,
);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    bench: 'ledger',
    batchedEventsPerS: round(batchedEventsPerS),
    naiveEventsPerS: round(naiveEventsPerS),
    replayEventsPerS: round(replayEventsPerS),
    backlogRssMb: Math.round(backlogRssMb * 10) / 10,
    supervisorRobots: null,
    supervisorEventsPerS: null,
    supervisorEventsLost: null,
  })}\n`,
);
