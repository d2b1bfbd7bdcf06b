// The robot side of the kill -9 test: starts the real comms thread (its built entry) on the
// ledger at argv[2], records argv[3] events through it as the main thread does, in bursts of random
// size, and prints `committed <seq> <n>` for every event the ledger reports committed, where n is
// the event's place in this run's order (written in its body). The test kills this process at random.
import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const [, , path, countText] = process.argv;
const count = Number(countText);
const entry = new URL('../../dist/cli/threads/comms-thread.js', import.meta.url);
const worker = new Worker(entry, {
  workerData: {
    listen: '127.0.0.1:0',
    ledger: {
      path,
      durability: { kind: 'batch' },
      maxBatch: 500,
      maxBytes: 1e12,
      maxAgeMs: 0,
      reserveBytes: 0,
      // No telemetry recorded: this child sends no status or scans.
      telemetry: {
        maxBytes: 0,
        maxAgeMs: 0,
        flushPeriodUs: 1e6,
        posePeriodUs: Infinity,
        scanPeriodUs: Infinity,
        pathPeriodUs: Infinity,
        mapPeriodUs: Infinity,
      },
    },
    bootId: `boot-${process.pid}`,
  },
  stdout: false,
  stderr: false,
});
let sent = 0;
let reported = 0;
worker.on('message', (message) => {
  if (message.t === 'listening') burst();
  if (message.t !== 'committed') return;
  let lines = '';
  for (const event of message.events) lines += `committed ${event.seq} ${event.state}\n`;
  reported += message.committed.length;
  writeSync(1, lines);
  if (reported === count) writeSync(1, 'done\n');
});
function burst() {
  const size = 1 + Math.floor(Math.random() * 300);
  for (let i = 0; i < size && sent < count; i++) {
    sent += 1;
    worker.postMessage({
      t: 'record',
      id: sent,
      body: { kind: 'mission', mission: 'kill-test', state: String(sent) },
      atUs: sent,
    });
  }
  if (sent < count) setTimeout(burst, Math.floor(Math.random() * 3));
}
