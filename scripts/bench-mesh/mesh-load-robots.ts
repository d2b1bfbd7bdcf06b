// The mesh bench's load (mesh-bench.ts starts it): robots `--from` .. `--from + --count - 1` of the
// fleet in a process of their own, publishing their state at `--hz`, as robots do that each run on
// their own board. Says "ready" once connected; on "start" on stdin it begins counting its CPU time,
// on "stop" it prints {"cpuUs":..} and closes.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { MonotonicClock } from '../../time/monotonic-clock.js';
import { allReady, publishStates, startBenchLinks, type BenchFleet } from './bench-mesh-robots.js';

const { values } = parseArgs({
  options: {
    broker: { type: 'string' },
    tail: { type: 'string' },
    robots: { type: 'string' },
    hz: { type: 'string' },
    from: { type: 'string' },
    count: { type: 'string' },
  },
});
const fleet: BenchFleet = {
  brokerUrl: values.broker ?? '',
  tail: values.tail ?? '',
  robots: Number(values.robots),
  hz: Number(values.hz),
};
const from = Number(values.from);
const clock = new MonotonicClock();
const links = startBenchLinks(fleet, from, Number(values.count), clock);
await allReady(links);
const stopPublishing = publishStates(fleet, links, from, clock);
process.stdout.write('ready\n');
let cpuStart = process.cpuUsage();
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'start') cpuStart = process.cpuUsage();
  if (line === 'stop') {
    const cpu = process.cpuUsage(cpuStart);
    stopPublishing();
    process.stdout.write(`${JSON.stringify({ cpuUs: cpu.user + cpu.system })}\n`);
    await Promise.all(links.map((link) => link.close()));
    process.exit(0);
  }
}
