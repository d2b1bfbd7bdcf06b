import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBoardFile } from '../config/board-loader.js';
import { createBuiltinRegistry } from '../hal/builtin-models.js';
import type { Device } from '../hal/device-api.js';
import { bindDevices } from '../hal/device-binding.js';
import { isLidar } from '../hal/lidar/api.js';
import { isMotorDriver } from '../hal/motor/api.js';
import { SimGpioBackend } from '../hal/transport/gpio/sim-gpio-backend.js';
import { SimI2cBackend } from '../hal/transport/i2c/sim-i2c-backend.js';
import { SimPwmBackend } from '../hal/transport/pwm/sim-pwm-backend.js';
import { SimSerialBackend } from '../hal/transport/serial/sim-serial-backend.js';
import type { LinkPort, RobotToWorld, WorldToRobot } from '../hal/transport/sim-link/protocol.js';
import { SimLinkClient } from '../hal/transport/sim-link/sim-link-client.js';
import type { LidarPoints } from '../messages/lidar-points.js';
import { validateScenario } from '../simulator/scenario.js';
import { SimWorld } from '../simulator/sim-world.js';
import { VirtualClock } from '../time/virtual-clock.js';
import { ROOT } from './harness/run-cli.js';

const BOARD_FILE = join(ROOT, 'board-configs', 'sim-diffdrive.yaml');
const QUANTUM_US = 10_000;

/**
 * A hall 10 m by 4 m with two robots: `a` at (2, 1) facing east, `b` at (5, 1) facing south,
 * square across a's way. Straight ahead, a's lidar meets b's west face (x 5 - 0.12 = 4.88, 2.88 m
 * away), b's the south wall (1 m away). Neither should ever see its own body.
 */
const SCENARIO = validateScenario(
  {
    name: 'two-bodies',
    world: {
      walls: [
        [0, 0, 10, 0],
        [10, 0, 10, 4],
        [10, 4, 0, 4],
        [0, 4, 0, 0],
      ],
    },
    robots: [
      { id: 'a', start: { xM: 2, yM: 1, yawDeg: 0 }, mission: { drive: { vMps: 0, durationS: 10 } } },
      { id: 'b', start: { xM: 5, yM: 1, yawDeg: -90 }, mission: { drive: { vMps: 0, durationS: 10 } } },
    ],
  },
  'two-bodies.yaml',
);

/** One robot's side: its own link, virtual clock and devices bound from the board over that link. */
interface RobotEnd {
  devices: Device[];
  port: MessagePort;
  worldPort: MessagePort;
  /** The latest packet's points straight ahead (|bearing| < 3°), robot frame, metres. */
  aheadM: number[];
}

function robotEnd(): RobotEnd {
  const { port1, port2 } = new MessageChannel();
  const clock = new VirtualClock(0);
  const link = new SimLinkClient(port1 as unknown as LinkPort<WorldToRobot, RobotToWorld>, clock);
  const board = loadBoardFile(BOARD_FILE);
  const devices = bindDevices(board, BOARD_FILE, createBuiltinRegistry(), clock, {
    serial: new SimSerialBackend(link),
    i2c: new SimI2cBackend(link),
    gpio: new SimGpioBackend(link),
    pwm: new SimPwmBackend(link),
  });
  const end: RobotEnd = { devices, port: port1, worldPort: port2, aheadM: [] };
  const lidar = devices.find(isLidar)!;
  lidar.onPoints((points: LidarPoints) => {
    for (let i = 0; i < points.count; i++) {
      const xM = points.xM[i]!;
      const yM = points.yM[i]!;
      if (xM > 0 && Math.abs(Math.atan2(yM, xM)) < (3 * Math.PI) / 180) end.aheadM.push(Math.hypot(xM, yM));
    }
  });
  return end;
}

let ends: RobotEnd[] = [];

afterEach(async () => {
  for (const end of ends) {
    await Promise.allSettled(end.devices.map((d) => d.stop()));
    end.port.close();
    end.worldPort.close();
  }
  ends = [];
});

/** Runs the world's lock step for `durationUs` of sim time. */
async function runFor(world: SimWorld, durationUs: number): Promise<void> {
  const endUs = world.nowUs() + durationUs;
  while (world.nowUs() < endUs) await world.runQuantum(QUANTUM_US);
}

describe('a world with two robots, each over its own link', () => {
  it("GIVEN two robots in one hall WHEN each one's devices run over its own link THEN each lidar sees from its own robot's body, and each robot's motors move only that robot", async () => {
    const a = robotEnd();
    const b = robotEnd();
    ends = [a, b];
    const board = { board: loadBoardFile(BOARD_FILE), file: BOARD_FILE };
    const world = new SimWorld(
      SCENARIO,
      { a: board, b: board },
      new Map([
        ['a', a.worldPort as unknown as LinkPort<RobotToWorld, WorldToRobot>],
        ['b', b.worldPort as unknown as LinkPort<RobotToWorld, WorldToRobot>],
      ]),
    );
    const starting = Promise.all([...a.devices, ...b.devices].map((d) => d.start()));
    await runFor(world, 200_000);
    await starting;
    await runFor(world, 1_000_000);

    // THEN each lidar measured from its own pose: a sees b's flank, b the wall; neither sees itself
    const median = (values: number[]): number => values.sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    expect(a.aheadM.length).toBeGreaterThan(5);
    expect(b.aheadM.length).toBeGreaterThan(5);
    expect(median(a.aheadM)).toBeCloseTo(2.88, 1);
    expect(median(b.aheadM)).toBeCloseTo(1.0, 1);
    expect(Math.min(...a.aheadM, ...b.aheadM)).toBeGreaterThan(0.5);

    // WHEN only a's motors drive forward for a second
    const motors = a.devices.find(isMotorDriver)!;
    await Promise.all([motors.channel('M1').setDuty(0.5), motors.channel('M2').setDuty(0.5)]);
    await runFor(world, 1_000_000);

    // THEN a moved east along its line, and b stayed where it was
    const [stateA, stateB] = world.robotStates();
    expect(stateA!.id).toBe('a');
    expect(stateA!.distanceM).toBeGreaterThan(0.2);
    expect(stateA!.pose.xM).toBeGreaterThan(2.2);
    expect(stateA!.pose.yM).toBeCloseTo(1, 2);
    expect(stateB!.id).toBe('b');
    expect(stateB!.distanceM).toBe(0);
    expect(stateB!.pose).toMatchObject({ xM: 5, yM: 1 });
    // AND a's lidar now finds b nearer, by as much as a drove
    a.aheadM.length = 0;
    await runFor(world, 200_000);
    expect(median(a.aheadM)).toBeLessThan(2.88 - 0.15);
    world.close();
  }, 60_000);
});
