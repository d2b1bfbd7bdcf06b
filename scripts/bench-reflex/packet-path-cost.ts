import { ReflexLoop } from '../../reflex/reflex-loop.js';
import { MonotonicClock } from '../../time/monotonic-clock.js';
import { buildBenchRobot } from './bench-robot.js';
import { Ld06PacketFeed } from './ld06-packet-feed.js';
import { summarizeLatency, type LatencySummary } from './latency-summary.js';

/** Packets timed, after the warm-up (about 53 s of LD06 data, 140 revolutions). */
const TIMED_PACKETS = 20_000;
const WARMUP_PACKETS = 2_000;
/** A manual drive command every this many packets (about every 21 ms), as the debug port renews one. */
const PACKETS_PER_COMMAND = 8;
const DRIVE_MPS = 0.3;

/** What one lidar packet costs the reflex's thread, from bytes to motor writes. */
export interface PacketPathCost {
  /** Each packet's synchronous path, timed on its own. */
  perPacket: LatencySummary;
  /** The thread's CPU time over all timed packets (microtasks and GC included), per packet, µs. */
  cpuPerPacketUs: number;
  /** Stops the reflex made while timed, by rule (none expected: the room leaves the robot free to drive). */
  tripsByRule: Record<string, number>;
}

/**
 * Times the whole path one LD06 packet takes on the reflex's thread, with nothing else running: the
 * bytes parsed by the driver, the returns placed in the robot frame, remembered and cleared by the
 * obstacle memory, the inputs gathered, the swept-area checks and the rules evaluated, and the
 * motor writes queued, while the robot drives in the bench's room. The packets are made before
 * timing starts. A figure for the code alone: what the stop latency adds to it is the wait for the
 * CPU.
 */
export async function measurePacketPathCost(random: () => number): Promise<PacketPathCost> {
  const clock = new MonotonicClock();
  const robot = await buildBenchRobot(clock, 10);
  const reflex = new ReflexLoop({
    clock,
    settings: robot.settings,
    loopRateHz: 100,
    footprint: robot.board.robot.footprint,
    geometry: robot.geometry,
    lidar: robot.lidar,
    left: robot.left,
    right: robot.right,
  });
  const feed = new Ld06PacketFeed({ roomHalfLengthM: 3, roomHalfWidthM: 2, rangeNoiseM: 0.005, random });
  const drive = (): void => reflex.submit({ source: 'manual', vMps: DRIVE_MPS, wRadps: 0, stampUs: clock.nowUs() });
  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const tripsByRule: Record<string, number> = {};
  let timing = false;
  reflex.onTrip((trip) => {
    if (timing) tripsByRule[trip.rule] = (tripsByRule[trip.rule] ?? 0) + 1;
  });
  reflex.start();
  for (let i = 0; i < WARMUP_PACKETS; i++) {
    robot.serial.send(feed.roomPacket());
    if (i % PACKETS_PER_COMMAND === 0) {
      drive();
      await turn();
    }
  }
  const packets = Array.from({ length: TIMED_PACKETS }, () => feed.roomPacket());
  const samples: number[] = [];
  timing = true;
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < packets.length; i++) {
    const start = performance.now();
    robot.serial.send(packets[i]!);
    samples.push(performance.now() - start);
    if (i % PACKETS_PER_COMMAND === 0) {
      drive();
      await turn();
    }
  }
  const cpu = process.cpuUsage(cpuStart);
  reflex.stop();
  await Promise.all(robot.devices.map((d) => d.stop()));
  return {
    tripsByRule,
    perPacket: summarizeLatency(samples),
    cpuPerPacketUs: Math.round(((cpu.user + cpu.system) / TIMED_PACKETS) * 10) / 10,
  };
}
