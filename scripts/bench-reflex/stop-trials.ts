import type { Clock } from '../../time/clock.js';
import { CLEARING_PACKETS, LD06_PACKETS_PER_S, type Ld06PacketFeed } from './ld06-packet-feed.js';
import type { MemorySerialBackend } from '../../hal/transport/serial/memory-serial-backend.js';
import type { Pca9685RegisterBackend } from './pca9685-register-backend.js';

/** How often the UART is read for packets that are due, microseconds. */
const PUMP_PERIOD_US = 1_000;

export interface StopTrialOptions {
  /** Where the lidar's bytes go in. */
  serial: MemorySerialBackend;
  /** Where the motor writes land; its brake stamp ends a trial. */
  motors: Pca9685RegisterBackend;
  feed: Ld06PacketFeed;
  /** Schedules the packet pump (a real clock). */
  clock: Clock;
  /** Trials to run; the run also ends after `maxDurationMs`. */
  trials: number;
  maxDurationMs: number;
  /** Distance from the sensor to the obstacle's face, metres. */
  obstacleRangeM: number;
  /** Room packets between the robot driving again and the obstacle, drawn uniformly in [min, max]. */
  leadPackets: { min: number; max: number };
  /** A stop that has not come this long after the obstacle packet is counted missed, ms. */
  stopTimeoutMs: number;
  random: () => number;
  /** True when the robot drives and a trial may start; it may act to get there (e.g. set the duties). */
  ready(): boolean;
  /** Called just before the obstacle packet is handed over. */
  beforeObstacle?(): void;
  /** Called after each trial with the number done. */
  progress?(done: number): void;
}

export interface StopTrialResult {
  /** Obstacle packet handed to the driver → every wheel's bridge in brake, per trial, ms. */
  latenciesMs: number[];
  /** Trials whose stop did not come within the timeout. */
  missed: number;
  /** Trials abandoned before the obstacle because the robot stopped for another reason. */
  interrupted: number;
  /** Packets handed over (375 a second). */
  packets: number;
  durationMs: number;
}

type TrialState = 'arming' | 'leading' | 'stopping' | 'clearing';

/**
 * Streams LD06 packets into the serial port at the sensor's rate, against a fixed schedule (late
 * packets go out together, as a UART read returns what has piled up). Each trial: wait until the
 * robot drives; a random number of room packets (the trial starts over should the robot stop
 * meanwhile for another reason); then the obstacle packet, stamped with `performance.now()` just
 * before its bytes are handed to the port. The trial ends when the motor bus shows every wheel
 * braked; then come the packets that show the obstacle gone, and the next trial waits for the
 * robot to drive again.
 */
export function runStopTrials(o: StopTrialOptions): Promise<StopTrialResult> {
  return new Promise((resolve) => {
    const latenciesMs: number[] = [];
    let missed = 0;
    let interrupted = 0;
    let packets = 0;
    let state: TrialState = 'arming';
    let lead = 0;
    let obstacleAtMs = 0;
    let clearingPart = 0;
    const startMs = performance.now();

    const endTrial = (): void => {
      state = 'clearing';
      clearingPart = 0;
      o.progress?.(latenciesMs.length + missed);
    };
    o.motors.onBrake((atMs) => {
      if (state !== 'stopping') return;
      latenciesMs.push(atMs - obstacleAtMs);
      endTrial();
    });

    const nextPacket = (nowMs: number): void => {
      packets++;
      switch (state) {
        case 'arming':
          o.serial.send(o.feed.roomPacket());
          if (o.ready()) {
            lead = o.leadPackets.min + Math.floor(o.random() * (o.leadPackets.max - o.leadPackets.min + 1));
            state = 'leading';
          }
          return;
        case 'leading': {
          if (!o.motors.driving()) {
            interrupted++;
            state = 'arming';
            o.serial.send(o.feed.roomPacket());
            return;
          }
          if (lead > 0) {
            lead--;
            o.serial.send(o.feed.roomPacket());
            return;
          }
          const bytes = o.feed.obstaclePacket(o.obstacleRangeM);
          o.beforeObstacle?.();
          state = 'stopping';
          obstacleAtMs = performance.now();
          o.serial.send(bytes);
          return;
        }
        case 'stopping':
          o.serial.send(o.feed.roomPacket());
          if (nowMs - obstacleAtMs > o.stopTimeoutMs) {
            missed++;
            endTrial();
          }
          return;
        case 'clearing': {
          o.serial.send(o.feed.clearedPacket(clearingPart++));
          if (clearingPart === CLEARING_PACKETS) state = 'arming';
          return;
        }
      }
    };

    const cancel = o.clock.every(PUMP_PERIOD_US, () => {
      const nowMs = performance.now();
      const due = Math.floor(((nowMs - startMs) * LD06_PACKETS_PER_S) / 1_000);
      while (packets < due) nextPacket(nowMs);
      const done = latenciesMs.length + missed >= o.trials || nowMs - startMs >= o.maxDurationMs;
      if (done && state !== 'stopping') {
        cancel();
        resolve({ latenciesMs, missed, interrupted, packets, durationMs: performance.now() - startMs });
      }
    });
  });
}
