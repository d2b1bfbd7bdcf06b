import createDebug from 'debug';
import type { BoardConfig } from '../config/board-schema.js';
import type { LinkPort, RobotToWorld, WorldToRobot } from '../hal/transport/sim-link/protocol.js';
import type { Mission } from '../messages/mission.js';
import { createSimHardware, type SimHardware } from './devices/builtin-sim-devices.js';
import type { SimMotorOutputs, SimWorldView } from './devices/sim-device.js';
import { FaultInjector } from './fault-injector.js';
import type { FaultObservation } from './faults/fault-trigger.js';
import { goalReachedByPose, type SimFaultReport } from './report.js';
import { PtySerialBridge } from './pty-serial-bridge.js';
import { RobotLinkServer } from './robot-link-server.js';
import {
  scenarioCoverageArea,
  scenarioMissionOf,
  scenarioStartPose,
  type Scenario,
  type ScenarioRobot,
} from './scenario.js';
import { CollisionMonitor, distanceOutsideFence } from './world/collision-monitor.js';
import { CoverageRaster, SweptFootprintCoverage } from './world/coverage-raster.js';
import type { BridgeOutputState } from '../hal/motor/bridge-codec.js';
import { DiffDrivePhysics } from './world/diff-drive-physics.js';
import { BatteryPack } from './world/battery-pack.js';
import { footprintPolygon, type Polygon } from './world/geometry.js';
import { GyroError } from './world/gyro-error.js';
import { PoseTruthTrace } from './world/pose-truth-trace.js';
import { TrajectoryRecorder } from './world/trajectory-recorder.js';
import type { Pose2D } from '../messages/geometry.js';
import { WorldMapWithMovers } from './world/moving-obstacles.js';
import { seededRandom } from './world/seeded-random.js';
import type { WorldMap } from './world/world-map.js';
import type { WorldRobotState } from './world-thread-protocol.js';

const log = createDebug('spinal:sim:world');

/** Physics sub-step, microseconds of sim time. */
const PHYSICS_STEP_US = 1_000;
/** A small gear motor's current: with the bridge on, and added at full duty, amperes. */
const MOTOR_NO_LOAD_A = 0.15;
const MOTOR_FULL_DUTY_A = 1.2;

interface WheelRef {
  /** The motor driver's device id (a `jam` fault names it). */
  deviceId: string;
  motors: SimMotorOutputs;
  channel: string;
  invert: boolean;
}

/** One robot's body in the world: physics, simulated hardware and its link. */
class SimRobot {
  readonly physics: DiffDrivePhysics;
  readonly faults: FaultInjector;
  /** Serial devices attached to pseudo-terminals (`--pty`). */
  readonly bridges: PtySerialBridge[] = [];
  readonly collisions: CollisionMonitor;
  readonly mission: Mission;
  goalReached = false;
  /** Sim time the true pose first reached the goal, seconds (null before). */
  goalReachedAtS: number | null = null;
  /** The robot's own mission state as it last told the simulator (a fault's `when` may name it). */
  missionState = 'idle';
  /** The robot's geofence, world frame (null: none), and the farthest its footprint has reached outside it, metres. */
  readonly geofence: Polygon | null;
  geofenceBreachMaxM = 0;
  /** What the true footprint has swept of the robot's coverage area (null: it has none). */
  readonly coverage: SweptFootprintCoverage | null;
  /** Body acceleration over the last physics step, robot frame, m/s². */
  accelMps2 = { xMps2: 0, yMps2: 0 };
  /** The gyro's bias now (constant plus its random walk). */
  readonly gyroError: GyroError;
  /** The true pose at every sampling instant, to compare with the pose the robot reports. */
  readonly truth = new PoseTruthTrace();
  /** The true trajectory, decimated, for the run's picture (`--plot`). */
  readonly trajectory = new TrajectoryRecorder();
  /** The true pose when the smallest clearance was measured (null before any). */
  minClearancePose: Pose2D | null = null;
  /** The battery the motors and electronics draw on. */
  readonly battery: BatteryPack;
  private readonly left: WheelRef;
  private readonly right: WheelRef;
  /**
   * Its runtime is down (its process killed, not yet restarted): it is not ticked, and its body
   * stays where it was, wheels braked (the motor driver's outputs are not followed).
   */
  down = false;

  constructor(
    readonly spec: ScenarioRobot,
    readonly board: BoardConfig,
    readonly hardware: SimHardware,
    readonly link: RobotLinkServer,
    /** This robot's own noise: its devices' and its wire faults' (see {@link robotNoiseSeed}). */
    readonly random: () => number,
    map: WorldMap,
    scenarioFile: string,
    index: number,
  ) {
    this.faults = new FaultInjector(spec.faults, link, hardware.byId, scenarioFile, index);
    const imperfect = spec.imperfections;
    // The body's own noise (encoders, gyro drift) has a stream of its own, so the devices' noise is not shifted by it.
    const bodyRandom = seededRandom(Math.floor(random() * 2 ** 32));
    this.physics = new DiffDrivePhysics(
      {
        wheelBaseM: board.robot.wheelBaseM,
        maxWheelSpeedMps: board.robot.maxWheelSpeedMps,
        motorGainLeft: imperfect.motorGainLeft,
        motorGainRight: imperfect.motorGainRight,
        slipPerMps2: imperfect.slipPerMps2,
        encoderNoise: imperfect.encoderNoise,
        random: bodyRandom,
      },
      scenarioStartPose(spec),
    );
    this.gyroError = new GyroError(imperfect.gyroBiasRadps, imperfect.gyroDriftRadpsPerSqrtS, bodyRandom);
    this.collisions = new CollisionMonitor(map, { robotId: spec.id });
    this.mission = scenarioMissionOf(spec);
    this.geofence = spec.geofence ? spec.geofence.map(([xM, yM]) => ({ xM, yM })) : null;
    this.battery = new BatteryPack(spec.battery);
    const area = scenarioCoverageArea(spec);
    this.coverage = area ? new SweptFootprintCoverage(new CoverageRaster(area)) : null;
    this.left = this.wheel(board.robot.drive.left, board.robot.drive.invertLeft);
    this.right = this.wheel(board.robot.drive.right, board.robot.drive.invertRight);
  }

  /** What a fault's `when` is judged on now. */
  observation(): FaultObservation {
    return {
      goalReached: this.goalReached,
      missionState: this.missionState,
      distanceM: this.physics.distanceTravelledM(),
    };
  }

  footprint(): Polygon {
    const { lengthM, widthM } = this.board.robot.footprint;
    return footprintPolygon(this.physics.pose(), lengthM, widthM);
  }

  /**
   * Reads what the motor driver model outputs now and hands it to the wheels (a jammed driver's
   * wheels are held fast; so are all of them while the robot's runtime is down).
   */
  applyMotorOutputs(): void {
    const jammed = this.faults.jammed();
    const held = { duty: 0, mode: 'brake' as const };
    this.physics.setWheelCommands(
      this.down || jammed.has(this.left.deviceId) ? held : wheelCommand(this.left),
      this.down || jammed.has(this.right.deviceId) ? held : wheelCommand(this.right),
    );
  }

  /** Steps the physics, keeps the body acceleration for IMU models and draws the step's energy from the battery. */
  step(dtS: number): void {
    this.battery.step(dtS, this.motorCurrentA());
    const before = this.physics.bodyVelocity();
    this.physics.step(dtS);
    this.gyroError.step(dtS);
    const after = this.physics.bodyVelocity();
    this.accelMps2 = { xMps2: (after.vMps - before.vMps) / dtS, yMps2: after.vMps * after.wRadps };
  }

  /** Current the drive motors draw: a no-load current plus one proportional to each wheel's duty, amperes. */
  motorCurrentA(): number {
    const load = (ref: WheelRef): number => {
      const out = ref.motors.output(ref.channel);
      return out.mode === 'drive' ? MOTOR_NO_LOAD_A + MOTOR_FULL_DUTY_A * Math.abs(out.duty) : 0;
    };
    return load(this.left) + load(this.right);
  }

  private wheel(ref: string, invert: boolean): WheelRef {
    const [deviceId = '', channel = ''] = ref.split('.');
    const motors = this.hardware.motorOutputs.get(deviceId);
    if (!motors) throw new Error(`robot ${this.spec.id}: "${ref}" is not a simulated motor driver`);
    return { deviceId, motors, channel, invert };
  }
}

/** The baud rate the board config gives the device at `path` (115200 when it names none). */
function configuredBaudRate(board: BoardConfig, path: string): number {
  const bus = board.buses.find((b) => b.kind === 'serial' && b.path === path);
  const node = board.devices.find((d) => d.bus === bus?.id);
  const baud = node?.params.baudRate;
  return typeof baud === 'number' ? baud : 115_200;
}

/**
 * The seed of the noise of the robot at `index` in a scenario seeded `seed`: the first robot's is
 * the scenario's seed itself, each other robot's is derived from it, so that no robot's noise
 * depends on how many robots share the world or on what the others do.
 */
export function robotNoiseSeed(seed: number, index: number): number {
  return index === 0 ? seed : (seed ^ Math.imul(index, 0x9e3779b1)) >>> 0;
}

function wheelCommand(ref: WheelRef): BridgeOutputState {
  const out = ref.motors.output(ref.channel);
  return { duty: ref.invert ? -out.duty : out.duty, mode: out.mode };
}

/**
 * The simulated world: the map, each robot's physics and hardware, and the lock step with the
 * robots' runtimes. It reaches a robot only through its link (bytes and bus transactions), and
 * each robot's devices see that robot's body in the world (the other robots are bodies their
 * lidars and the collision monitor see). Its clock moves on only once every robot has answered
 * the quantum's tick; the robots are handed their quanta one after the other.
 */
export class SimWorld {
  /** Walls, obstacles and movers; the movers are moved to the sim time at every physics step. */
  private readonly map: WorldMapWithMovers;
  private readonly robots: SimRobot[] = [];
  private simTimeUs = 0;
  private seq = 0;

  constructor(
    readonly scenario: Scenario,
    boards: Record<string, { board: BoardConfig; file: string }>,
    ports: Map<string, LinkPort<RobotToWorld, WorldToRobot>>,
    scenarioFile = 'scenario',
    ptys: Record<string, Record<string, string>> = {},
  ) {
    this.map = new WorldMapWithMovers(scenario.world);
    for (const [index, spec] of scenario.robots.entries()) {
      const entry = boards[spec.id];
      const port = ports.get(spec.id);
      if (!entry || !port) throw new Error(`robot ${spec.id} has no board or link`);
      const hardware = createSimHardware(entry.board, entry.file);
      const random = seededRandom(robotNoiseSeed(scenario.seed, index));
      const link = new RobotLinkServer(spec.id, port, hardware.devices, random);
      const robot = new SimRobot(spec, entry.board, hardware, link, random, this.map, scenarioFile, index);
      this.robots.push(robot);
      for (const [devicePath, ttyPath] of Object.entries(ptys[spec.id] ?? {})) {
        const device = hardware.devices.find((d) => d.kind === 'serial' && d.path === devicePath);
        if (!device || device.kind !== 'serial')
          throw new Error(`robot ${spec.id} has no serial device at ${devicePath}`);
        link.detachSerial(devicePath);
        const bridge = new PtySerialBridge(device, ttyPath, configuredBaudRate(entry.board, devicePath));
        bridge.start(0);
        robot.bridges.push(bridge);
      }
    }
    log('world "%s": %d robot(s)', scenario.name, this.robots.length);
  }

  nowUs(): number {
    return this.simTimeUs;
  }

  /**
   * Advances the world by `quantumUs`, then hands each robot its quantum's device output and tick
   * in turn, waiting for its tick-done before the next robot's. While one robot has its turn the
   * others' requests wait (they are answered in their own turn), so only one robot runs at a time
   * on the main thread and the order in which robots act never depends on the scheduling.
   */
  async runQuantum(quantumUs: number): Promise<void> {
    const endUs = this.simTimeUs + quantumUs;
    while (this.simTimeUs < endUs) {
      const stepUs = Math.min(PHYSICS_STEP_US, endUs - this.simTimeUs);
      this.simTimeUs += stepUs;
      this.map.moveTo(this.simTimeUs / 1e6);
      for (const robot of this.robots) {
        robot.faults.update(this.simTimeUs, robot.observation());
        robot.applyMotorOutputs();
        robot.step(stepUs / 1e6);
      }
      for (const robot of this.robots) this.observe(robot);
      for (const robot of this.robots) {
        const view = this.viewFor(robot);
        robot.link.streamDeviceOutput(this.simTimeUs, view);
        robot.link.streamGpioEdges(this.simTimeUs, view);
        for (const bridge of robot.bridges) bridge.pump(this.simTimeUs, view);
      }
    }
    const seq = ++this.seq;
    const several = this.robots.length > 1;
    for (const robot of this.robots) {
      for (const other of this.robots) other.link.holdMessages(several && other !== robot);
      robot.truth.sample(this.simTimeUs, robot.physics.pose());
      robot.trajectory.add(this.simTimeUs / 1e6, robot.physics.pose());
      if (!robot.down) await robot.link.tick(seq, this.simTimeUs);
    }
    for (const robot of this.robots) robot.link.holdMessages(false);
  }

  /** A robot's true pose now (the origin for a robot the world does not have). */
  robotPose(robotId: string): Pose2D {
    return this.robots.find((r) => r.spec.id === robotId)?.physics.pose() ?? { xM: 0, yM: 0, yawRad: 0 };
  }

  /**
   * A robot's runtime is gone (`down`: its process was killed; its devices close, its body is held
   * where it is) or back (it is ticked again, and its first tick waits until it joins).
   */
  setRobotDown(robotId: string, down: boolean): void {
    const robot = this.robots.find((r) => r.spec.id === robotId);
    if (!robot || robot.down === down) return;
    robot.down = down;
    if (down) robot.link.dropRobot();
    log('robot %s %s at %d us', robotId, down ? 'down' : 'back', this.simTimeUs);
  }

  /** Each robot's truth now; with `withTrace`, its true pose at every sampling instant too (for the report). */
  robotStates(withTrace = false): WorldRobotState[] {
    return this.robots.map((robot) => ({
      id: robot.spec.id,
      pose: robot.physics.pose(),
      vMps: robot.physics.bodyVelocity().vMps,
      distanceM: robot.physics.distanceTravelledM(),
      collisions: robot.collisions.collisions,
      collisionEvents: robot.collisions.collisionEvents.map((event) => ({
        simTimeS: event.simTimeS,
        pose: event.pose ?? { xM: NaN, yM: NaN, yawRad: NaN },
        speedMps: event.speedMps ?? NaN,
        hit: event.withWhat,
      })),
      minClearanceM: robot.collisions.minClearanceM,
      minClearanceAtS: Number.isNaN(robot.collisions.minClearanceAtS) ? null : robot.collisions.minClearanceAtS,
      clearanceM: robot.collisions.lastClearanceM,
      geofenceBreachMaxM: robot.geofence ? robot.geofenceBreachMaxM : null,
      coveragePct: robot.coverage ? robot.coverage.coveragePct : null,
      goalReached: robot.goalReached,
      goalReachedAtS: robot.goalReachedAtS,
      energyRemainingWh: robot.battery.remainingWh(),
      minClearancePose: robot.minClearancePose,
      ...(withTrace ? { truth: robot.truth.samples(), trajectory: robot.trajectory.samples() } : {}),
    }));
  }

  /** When the last robot with a `goto` mission reached its goal by its true pose, seconds; null while one has not (or none has a goal). */
  allGoalsReachedAtS(): number | null {
    const goers = this.robots.filter((robot) => robot.mission.kind === 'goto');
    if (goers.length === 0 || goers.some((robot) => robot.goalReachedAtS === null)) return null;
    return Math.max(...goers.map((robot) => robot.goalReachedAtS ?? 0));
  }

  /** A robot's own mission state, as it reported it (for faults on a condition). */
  setMissionState(robotId: string, state: string): void {
    const robot = this.robots.find((r) => r.spec.id === robotId);
    if (robot) robot.missionState = state;
  }

  /** Each robot's id with what a fault's `when` is judged on now. */
  observations(): Array<{ robotId: string; seen: FaultObservation }> {
    return this.robots.map((robot) => ({ robotId: robot.spec.id, seen: robot.observation() }));
  }

  /** Closes the pseudo-terminal bridges. */
  close(): void {
    for (const robot of this.robots) for (const bridge of robot.bridges) bridge.close();
  }

  /** The faults thrown so far, every robot's. */
  faultReports(): SimFaultReport[] {
    return this.robots.flatMap((robot) => robot.faults.report());
  }

  linkErrors(): number {
    return this.robots.reduce((sum, robot) => sum + robot.link.malformed, 0);
  }

  private observe(robot: SimRobot): void {
    const others = this.robots.filter((r) => r !== robot).map((r) => ({ id: r.spec.id, polygon: r.footprint() }));
    const footprint = robot.footprint();
    const closestBefore = robot.collisions.minClearanceM;
    robot.collisions.update(this.simTimeUs / 1e6, footprint, others, {
      pose: robot.physics.pose(),
      speedMps: robot.physics.bodyVelocity().vMps,
    });
    if (robot.collisions.minClearanceM < closestBefore) robot.minClearancePose = robot.physics.pose();
    robot.coverage?.update(footprint);
    if (robot.geofence) {
      robot.geofenceBreachMaxM = Math.max(robot.geofenceBreachMaxM, distanceOutsideFence(footprint, robot.geofence));
    }
    if (!robot.goalReached && robot.mission.kind === 'goto') {
      robot.goalReached = goalReachedByPose(robot.physics.pose(), robot.mission);
      if (robot.goalReached) robot.goalReachedAtS = this.simTimeUs / 1e6;
    }
  }

  private viewFor(robot: SimRobot): SimWorldView {
    const others = (): Polygon[] => this.robots.filter((r) => r !== robot).map((r) => r.footprint());
    return {
      robotPose: () => robot.physics.pose(),
      // Each device model asks up to its own sensor's range (its datasheet's, in hal/).
      raycast: (xM, yM, angleRad, maxRangeM) => this.map.raycast(xM, yM, angleRad, maxRangeM, others()),
      random: robot.random,
      wheelTravelM: () => robot.physics.encoderTravelM(),
      gyroErrorRadps: () => robot.gyroError.radps(),
      imperfections: robot.spec.imperfections,
      bodyVelocity: () => robot.physics.bodyVelocity(),
      bodyAccelMps2: () => robot.accelMps2,
      inContact: () => robot.collisions.touchingNow().length > 0,
      motorCurrentA: () => robot.motorCurrentA(),
      nowUs: () => this.simTimeUs,
      battery: {
        openCircuitV: () => robot.battery.openCircuitV(),
        internalOhms: robot.battery.spec.internalOhms,
        currentA: () => robot.battery.currentA(robot.motorCurrentA()),
      },
    };
  }
}
