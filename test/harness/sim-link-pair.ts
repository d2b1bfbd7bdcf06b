import { fakeWorldView } from './fake-world-view.js';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { TransportBackends } from '../../hal/registry.js';
import { SimPwmBackend } from '../../hal/transport/pwm/sim-pwm-backend.js';
import { SimGpioBackend } from '../../hal/transport/gpio/sim-gpio-backend.js';
import { SimI2cBackend } from '../../hal/transport/i2c/sim-i2c-backend.js';
import type { LinkPort, RobotToWorld, WorldToRobot } from '../../hal/transport/sim-link/protocol.js';
import { SimLinkClient } from '../../hal/transport/sim-link/sim-link-client.js';
import { SimSerialBackend } from '../../hal/transport/serial/sim-serial-backend.js';
import type { Pose2D } from '../../messages/geometry.js';
import { RobotLinkServer } from '../../simulator/robot-link-server.js';
import type { SimDevice, SimWorldView } from '../../simulator/devices/sim-device.js';
import { VirtualClock } from '../../time/virtual-clock.js';

/** A world with nothing in it: the robot at the origin facing +x, every ray misses, fixed-seed noise. */
export function emptyWorldView(): SimWorldView {
  return fakeWorldView({
    robotPose: (): Pose2D => ({ xM: 0, yM: 0, yawRad: 0 }),
    raycast: () => Infinity,
    random: seededRandom(1),
  });
}

/** A linear congruential generator (Numerical Recipes constants), uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

/** Options of {@link SimLinkPair}. */
export interface SimLinkPairOptions {
  /** The robot's virtual clock at the start, microseconds. Default 0. */
  startUs?: number;
  /** Robot id the server reports. Default `robot-1`. */
  robotId?: string;
  /** The client holds the world's first tick until a tick handler is set (as `spinal sim` does). Default false. */
  waitForTickHandler?: boolean;
}

/**
 * One robot and one world joined by a sim link inside the test process: the robot side is a
 * {@link SimLinkClient} on a {@link VirtualClock} with the three simulated transport backends,
 * the world side a {@link RobotLinkServer} holding the given device models, and between them a
 * `node:worker_threads` MessageChannel, so every message is structured-cloned as it is between
 * the world thread and the robot in `spinal sim`. The test drives the world by hand with
 * {@link SimLinkPair.step}; {@link SimLinkPair.close} must be called at the end of each test.
 */
export class SimLinkPair {
  readonly clock: VirtualClock;
  readonly client: SimLinkClient;
  readonly server: RobotLinkServer;
  readonly backends: TransportBackends;
  /** The robot's end of the channel, for posting raw (even malformed) messages to the world. */
  readonly robotPort: MessagePort;
  /** The world's end of the channel. */
  readonly worldPort: MessagePort;
  private seq = 0;
  private simTimeUs: number;

  constructor(devices: readonly SimDevice[], options: SimLinkPairOptions = {}) {
    const { port1, port2 } = new MessageChannel();
    this.robotPort = port1;
    this.worldPort = port2;
    this.simTimeUs = options.startUs ?? 0;
    this.clock = new VirtualClock(this.simTimeUs);
    this.client = new SimLinkClient(port1 as LinkPort<WorldToRobot, RobotToWorld>, this.clock, {
      waitForTickHandler: options.waitForTickHandler ?? false,
    });
    this.server = new RobotLinkServer(
      options.robotId ?? 'robot-1',
      port2 as LinkPort<RobotToWorld, WorldToRobot>,
      devices,
    );
    this.backends = {
      serial: new SimSerialBackend(this.client),
      i2c: new SimI2cBackend(this.client),
      gpio: new SimGpioBackend(this.client),
      pwm: new SimPwmBackend(this.client),
    };
  }

  /** Sim time of the last tick sent, microseconds. */
  nowUs(): number {
    return this.simTimeUs;
  }

  /** Number of ticks sent so far (the seq of the last one). */
  ticks(): number {
    return this.seq;
  }

  /**
   * One lock-step quantum ending at `toUs`: streams every device output up to `toUs`, then ticks;
   * resolves when the robot answered `tick-done`.
   */
  async step(toUs: number, world: SimWorldView = emptyWorldView()): Promise<void> {
    this.simTimeUs = toUs;
    this.server.streamDeviceOutput(toUs, world);
    this.server.streamGpioEdges(toUs, world);
    await this.server.tick(++this.seq, toUs);
  }

  /** Quanta of `stepUs` (default 10 ms) from the last tick until `toUs`, the last one ending exactly at `toUs`. */
  async runUntil(toUs: number, world: SimWorldView = emptyWorldView(), stepUs = 10_000): Promise<void> {
    while (this.simTimeUs < toUs) await this.step(Math.min(toUs, this.simTimeUs + stepUs), world);
  }

  /** Closes both ends of the channel. */
  close(): void {
    this.robotPort.close();
    this.worldPort.close();
  }
}
