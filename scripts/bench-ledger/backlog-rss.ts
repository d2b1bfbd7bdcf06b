// The backlog part of `npm run bench -- ledger`, in a process of its own (so that what the other
// parts left on the heap does not count): writes a 1,000,000-event backlog into a ledger file in
// commits of 2,000 made on the fly, then reads it all back a replay page at a time, as the uplink's
// replay does, sampling the process's RSS every 50,000 events. Prints one JSON line:
// {startRssMb, rssAt100kMb, rssAtWrittenMb, maxRssMb, heapLiveMb}.
// Usage: node backlog-rss.js DB_FILE [EVENTS]
import { Ledger } from '../../comms/ledger/ledger.js';
import { REPLAY_PAGE } from '../../comms/uplink/uplink-link.js';
import { benchBatch, benchLedgerSettings } from './bench-ledger-inputs.js';

const MB = 1024 * 1024;
const BATCH = 2_000;
const SAMPLE_EVERY = 50_000;
const [path, eventsArg] = process.argv.slice(2);
if (!path) throw new Error('usage: backlog-rss DB_FILE [EVENTS]');
const total = Number(eventsArg ?? 1_000_000);

const rssMb = (): number => process.memoryUsage().rss / MB;
const startRssMb = rssMb();
let maxRssMb = startRssMb;
let rssAt100kMb = 0;
const ledger = Ledger.open(benchLedgerSettings(path), 'bench');
for (let n = 0; n < total; n += BATCH) {
  ledger.append(benchBatch(n, Math.min(BATCH, total - n)));
  if ((n + BATCH) % SAMPLE_EVERY === 0) maxRssMb = Math.max(maxRssMb, rssMb());
  if (n + BATCH === 100_000) rssAt100kMb = rssMb();
}
const rssAtWrittenMb = rssMb();
let read = 0;
for (let after = 0; ;) {
  const rows = ledger.rowsSince(after, REPLAY_PAGE);
  if (rows.length === 0) break;
  if (rows[0]!.event.seq !== after + 1) throw new Error(`the backlog has a gap after ${after}`);
  after = rows.at(-1)!.event.seq;
  read += rows.length;
  if (read % SAMPLE_EVERY < REPLAY_PAGE) maxRssMb = Math.max(maxRssMb, rssMb());
}
if (read !== total) throw new Error(`read back ${read} of ${total} events`);
maxRssMb = Math.max(maxRssMb, rssMb());
ledger.close();
const heapLiveMb = process.memoryUsage().heapUsed / MB;
process.stdout.write(`${JSON.stringify({ startRssMb, rssAt100kMb, rssAtWrittenMb, maxRssMb, heapLiveMb })}\n`);
