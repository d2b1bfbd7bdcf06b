import type { DriveCommand } from '../messages/drive.js';
import type { ReflexStatus } from '../messages/runtime-status.js';
import type { SwarmHold } from './arbiter.js';
import { CommandSelector } from './command-selector.js';
import type { CommandedOdometry } from './commanded-odometry.js';
import { effectiveDecelMps2 } from './deceleration-observer.js';
import { ObstacleView, type CheckedCommandArea } from './obstacle-view.js';
import { rangePoint } from './range-point.js';
import type { ReflexLoopOptions } from './reflex-loop-options.js';
import type { ReflexInputs, ReflexSettings } from './reflex-types.js';
import { SafetyReadings } from './safety-readings.js';

/**
 * Everything the arbiter decides on, gathered at one moment: the command in force, the obstacle
 * checks of the swept area (from the lidar's packets and the range sensors' readings, remembered
 * in the odometry frame), every watched device's readings, the planner's heartbeat, a peer's hold
 * and the world pose. Calls `changed` whenever a sensor brings something the reflex must decide on
 * at once (a lidar packet, a range reading, a switch).
 */
export class InputGatherer {
  readonly readings: SafetyReadings;
  private readonly obstacles: ObstacleView;
  private readonly commands: CommandSelector;
  private cortexHeartbeatUs: number | undefined;
  private swarmHold: SwarmHold | null = null;

  constructor(
    private readonly o: ReflexLoopOptions,
    private readonly odometry: CommandedOdometry,
    changed: () => void,
  ) {
    this.obstacles = new ObstacleView({ ...o, wheelBaseM: o.geometry.wheelBaseM });
    this.readings = new SafetyReadings(o.lidar, o.safety ?? {}, o.settings);
    this.commands = new CommandSelector(o.settings.deadmanTimeoutUs);
    o.lidar.onPoints((points) => {
      this.obstacles.addLidarPoints(points, odometry.poseAt(points.stampUs));
      changed();
    });
    for (const input of o.safety?.switches ?? []) input.onChange(changed);
    for (const range of o.safety?.ranges ?? []) {
      range.onReading((reading) => {
        this.readings.rangeReported(range.id, reading.stampUs);
        if (reading.status !== 'ok' || !Number.isFinite(reading.distanceM)) return;
        this.obstacles.addOtherPoints(rangePoint(range, reading), odometry.poseAt(reading.stampUs));
        changed();
      });
    }
  }

  submit(command: DriveCommand): void {
    this.commands.submit(command);
  }

  heartbeat(nowUs: number): void {
    this.cortexHeartbeatUs = nowUs;
  }

  setSwarmHold(hold: SwarmHold | null): void {
    this.swarmHold = hold;
  }

  nearestObstacleM(nowUs: number): number | null {
    return this.obstacles.nearestM(this.odometry.poseAt(nowUs), nowUs);
  }

  /** The area the latest evaluation checked for the command in force (see {@link ObstacleView.checkedCommandArea}). */
  checkedCommandArea(): CheckedCommandArea | null {
    return this.obstacles.checkedCommandArea();
  }

  /** Why the obstacle checks cannot take `next`, or null. */
  retuneProblem(next: ReflexSettings): string | null {
    return this.obstacles.retuneProblem(next);
  }

  /** The settings changed (in place): the obstacle checks rebuild what they derive from them. */
  retuned(): void {
    this.obstacles.retuned();
  }

  braking(): NonNullable<ReflexStatus['braking']> {
    return this.readings.braking(this.o.settings.brakingDecelMps2);
  }

  /** The inputs at `nowUs`, with the loop's deadline misses of the last second. */
  gather(nowUs: number, recentDeadlineMisses: number): ReflexInputs {
    const { odometry } = this;
    const command = this.commands.active(nowUs);
    const applied = odometry.motion();
    // The swept-area checks stop on the worse of the assumed and the observed braking.
    const observedMps2 = this.readings.deceleration.observedMps2();
    const brakingDecelMps2 = effectiveDecelMps2(this.o.settings.brakingDecelMps2, observedMps2);
    this.obstacles.model.brakingDecelMps2 = brakingDecelMps2;
    const swept = this.obstacles.inputs(command, applied, odometry.poseAt(nowUs), nowUs);
    return {
      command,
      appliedVMps: applied.vMps,
      appliedWRadps: applied.wRadps,
      ...this.readings.sample(),
      ...swept,
      cortexHeartbeatUs: this.cortexHeartbeatUs,
      recentDeadlineMisses,
      brakingDecelMps2,
      pose: odometry.worldPoseAt(nowUs),
      swarmHold: this.swarmHold,
    };
  }
}
