import type { AppliedDrive, DriveCommand } from '../messages/drive.js';
import type { Pose2D } from '../messages/geometry.js';
import type { OdometrySample } from '../messages/odometry.js';
import type { LoopTiming, ReflexStatus, SweptAreaStatus } from '../messages/runtime-status.js';
import { ReflexArbiter, type EstopResetResult, type ReflexDecision, type SwarmHold } from './arbiter.js';
import { DriveOutput } from './drive-output.js';
import { InputGatherer } from './input-gatherer.js';
import { CommandedOdometry } from './commanded-odometry.js';
import { PeriodicLoop } from './periodic-loop.js';
import type { ReflexLoopOptions } from './reflex-loop-options.js';
import { changedSettings, retuneProblem } from './reflex-retuning.js';
import { sweptAreaStatus } from './swept-area.js';
import type { ReflexInputs, ReflexSettings } from './reflex-types.js';
import { TripRecorder, type ReflexTrip } from './trip-recorder.js';

export type { SafetySources } from './safety-readings.js';
export type { ReflexTrip } from './trip-recorder.js';
export type { ReflexLoopOptions } from './reflex-loop-options.js';
export { RETUNABLE_SETTINGS } from './reflex-retuning.js';

/** The decision before the first evaluation. */
const STARTING: ReflexDecision = {
  action: 'stop',
  vMps: 0,
  wRadps: 0,
  rule: 'deadman',
  reason: 'starting',
  trip: null,
};
const STATE_NAMES = { none: 'clear', limit: 'limited', slow: 'slow', stop: 'stopped', estop: 'estop' } as const;

/**
 * The only path to the motors. Drive commands go in (the planner's, or a manual override); the
 * arbiter decides on every lidar packet, range reading and switch change, and at the loop rate; the
 * decision goes through the output stages (the acceleration ramp) to the wheels.
 */
export class ReflexLoop {
  private readonly arbiter: ReflexArbiter;
  private readonly inputs: InputGatherer;
  private readonly odometry: CommandedOdometry;
  private readonly output: DriveOutput;
  private readonly loop: PeriodicLoop;
  private readonly trips: TripRecorder;
  private readonly appliedListeners: Array<(applied: AppliedDrive) => void> = [];
  private decision: ReflexDecision = STARTING;
  private lastInputs: ReflexInputs | null = null;
  private halted = false;
  private readonly o: ReflexLoopOptions;

  constructor(options: ReflexLoopOptions) {
    // Its own copy of the settings, shared by every stage: a retune changes them for all at once, and for no one else.
    const o = (this.o = { ...options, settings: { ...options.settings } });
    const { settings } = o;
    this.arbiter = new ReflexArbiter(settings);
    this.odometry = new CommandedOdometry(o.clock.nowUs());
    this.inputs = new InputGatherer(o, this.odometry, () => this.evaluate());
    const { deceleration } = this.inputs.readings;
    const output = { ...o, odometry: this.odometry, deceleration, rampMps2: settings.brakingDecelMps2 };
    this.output = new DriveOutput({ ...output, startUs: o.clock.nowUs() });
    this.loop = new PeriodicLoop(o.clock, o.loopRateHz, o.elapsedMs ?? (() => performance.now()));
    this.trips = new TripRecorder(o.loopRateHz);
  }

  start(): void {
    this.loop.start(
      () => this.evaluate(),
      (nowUs) => this.trips.record(nowUs, this.lastInputs, this.odometry.motion(), this.decision),
    );
    this.evaluate();
  }

  /** Stops evaluating and brakes: nothing the devices report while shutting down moves the robot or counts as a trip. */
  stop(): void {
    this.loop.stop();
    this.output.brake();
    this.halted = true;
  }

  /** A motion request from the planner, or a manual one. */
  submit(command: DriveCommand): void {
    this.inputs.submit(command);
    this.evaluate();
  }

  /** A manual drive from the debug port; it holds only while renewed within the dead-man timeout. */
  override(vMps: number, wRadps: number): void {
    this.submit({ source: 'manual', vMps, wRadps, stampUs: this.o.clock.nowUs() });
  }

  /** The planner thread is alive. */
  heartbeat(): void {
    this.inputs.heartbeat(this.o.clock.nowUs());
  }

  /** The robot's world pose as of now (for the geofence); it moves on with the odometry from here. */
  setPose(pose: Pose2D): void {
    this.odometry.setWorldPose(pose, this.o.clock.nowUs());
  }

  /** Where the odometry frame lies in the world (the cortex's estimate), for the geofence. */
  setWorldFrame(frame: Pose2D): void {
    this.odometry.setWorldFrame(frame);
  }

  /** A peer's right-of-way claim holds this robot back (null: released). */
  setSwarmHold(hold: SwarmHold | null): void {
    this.inputs.setSwarmHold(hold);
    this.evaluate();
  }

  /** A latched e-stop from the supervisor or the debug port; the motors brake in this call. */
  requestEstop(source: string, reason: string): void {
    this.arbiter.requestEstop(source, reason);
    this.evaluate();
  }

  /** Clears the latched e-stops whose cause is gone. */
  resetEstop(): EstopResetResult {
    const result = this.arbiter.resetEstop();
    this.evaluate();
    return result;
  }

  /**
   * New settings between two evaluations (a config update): only those {@link RETUNABLE_SETTINGS}
   * names may differ, and none may widen the area the obstacle checks watch beyond what it was at
   * start (the obstacle memory is sized for it). Returns why they are refused, or null once they
   * are in force (settings equal to those in force change nothing). No stop holding now is released by it: latched ones still need a reset, and the
   * others start their clearing hold again under the new settings. The decision is re-taken at once.
   */
  retune(next: ReflexSettings): string | null {
    if (changedSettings(this.o.settings, next).length === 0) return null;
    const problem = retuneProblem(this.o.settings, next) ?? this.inputs.retuneProblem(next);
    if (problem) return problem;
    Object.assign(this.o.settings, next);
    this.inputs.retuned();
    this.arbiter.restartClearing();
    this.evaluate();
    return null;
  }

  /** The settings in force. */
  settings(): Readonly<ReflexSettings> {
    return this.o.settings;
  }

  onTrip(listener: (trip: ReflexTrip) => void): void {
    this.trips.onTrip(listener);
  }

  onApplied(listener: (applied: AppliedDrive) => void): void {
    this.appliedListeners.push(listener);
  }

  appliedDrive(): AppliedDrive {
    return this.odometry.motion();
  }

  /** The odometry of record as of the last change of the applied motion. */
  odometrySample(): OdometrySample {
    return this.odometry.sample();
  }

  /** The robot's world pose now, once the cortex has placed the odometry frame (null before). */
  worldPose(): Pose2D | null {
    return this.odometry.worldPoseAt(this.o.clock.nowUs());
  }

  nearestObstacleM(): number | null {
    return this.inputs.nearestObstacleM(this.o.clock.nowUs());
  }

  /** What the reflex does now and why, without the rest of {@link status} (cheap enough for every cortex heartbeat). */
  decisionState(): Pick<ReflexStatus, 'state' | 'reason'> {
    return { state: STATE_NAMES[this.decision.action], reason: this.decision.reason };
  }

  status(): ReflexStatus {
    const { action, rule, reason } = this.decision;
    const braking = this.inputs.braking();
    return { state: STATE_NAMES[action], rule, reason, ...this.trips.summary(), braking };
  }

  /** The area the latest evaluation's swept-area check looked at for the command in force, placed in the world; built on each call (status rate). */
  sweptArea(): SweptAreaStatus | null {
    const checked = this.inputs.checkedCommandArea();
    return checked ? sweptAreaStatus(checked, this.odometry.worldPoseAt(checked.atUs)) : null;
  }

  loopTiming(): LoopTiming {
    return this.loop.timing.snapshot();
  }

  counters(): { motorWriteErrors: number } {
    return { motorWriteErrors: this.output.writeErrors() };
  }

  /** Runs the arbiter on the freshest inputs and sends the result to the motors. */
  private evaluate(): void {
    if (this.halted) return;
    const nowUs = this.o.clock.nowUs();
    const inputs = this.inputs.gather(nowUs, this.loop.recentMisses(nowUs));
    this.lastInputs = inputs;
    const decision = this.arbiter.update(nowUs, inputs);
    this.decision = decision;
    // Brake first: the motors hear about a stop before anyone else does.
    const applied = this.output.apply(nowUs, decision.vMps, decision.wRadps);
    if (applied) for (const listener of this.appliedListeners) listener(applied);
    if (decision.trip) {
      this.trips.record(nowUs, inputs, this.odometry.motion(), decision);
      this.trips.trip(nowUs, decision.trip);
    }
  }
}
