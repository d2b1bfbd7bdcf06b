import createDebug from 'debug';
import type { AppliedDrive } from '../messages/drive.js';
import type { MissionAssignment, MissionState } from '../messages/mission.js';
import type { Cancel, Clock } from '../time/clock.js';
import type { CortexSettings, CortexStatus, CortexToMain } from './cortex-thread-protocol.js';
import { DeadReckoning } from './dead-reckoning.js';
import { seekGoal } from './goal-seeker.js';

const log = createDebug('spinal:cortex:mission');

/**
 * Turns the current mission into drive commands at the cortex rate: `goto` through the goal
 * seeker on the dead-reckoned pose, `drive` as a scripted body motion for its duration.
 */
export class MissionExecutor {
  private assignment: MissionAssignment | null = null;
  private odometry: DeadReckoning | null = null;
  private state: MissionState = 'idle';
  private startedUs = 0;
  private goalDistanceM: number | null = null;
  private cancel: Cancel | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly settings: CortexSettings,
    private readonly send: (message: CortexToMain) => void,
  ) {}

  start(assignment: MissionAssignment | null): void {
    if (assignment) this.assign(assignment);
    this.cancel = this.clock.every(1e6 / this.settings.rateHz, () => this.step());
    this.step();
  }

  stop(): void {
    this.cancel?.();
  }

  assign(assignment: MissionAssignment): void {
    this.assignment = assignment;
    this.odometry = new DeadReckoning(assignment.initialPose, this.clock.nowUs());
    this.state = 'active';
    this.startedUs = this.clock.nowUs();
    log('mission %s started', assignment.mission.kind);
  }

  applied(applied: AppliedDrive): void {
    this.odometry?.applied(applied);
  }

  status(): CortexStatus {
    return {
      pose: this.odometry?.poseAt(this.clock.nowUs()) ?? null,
      missionKind: this.assignment?.mission.kind ?? 'none',
      missionState: this.state,
      goalDistanceM: this.goalDistanceM,
    };
  }

  private step(): void {
    const nowUs = this.clock.nowUs();
    const motion = this.plan(nowUs);
    this.send({ t: 'drive', command: { source: 'cortex', vMps: motion.vMps, wRadps: motion.wRadps, stampUs: nowUs } });
    this.send({ t: 'status', status: this.status() });
  }

  private plan(nowUs: number): { vMps: number; wRadps: number } {
    const mission = this.assignment?.mission;
    if (!mission || this.state !== 'active' || !this.odometry) return { vMps: 0, wRadps: 0 };
    if (mission.kind === 'drive') {
      if (nowUs - this.startedUs >= mission.durationS * 1e6) {
        this.state = 'succeeded';
        return { vMps: 0, wRadps: 0 };
      }
      return { vMps: mission.vMps, wRadps: mission.wRadps };
    }
    const seek = seekGoal(this.odometry.poseAt(nowUs), mission.goal, {
      cruiseSpeedMps: this.settings.cruiseSpeedMps,
      headingGain: this.settings.headingGain,
      maxTurnRateRadps: this.settings.maxTurnRateRadps,
      toleranceM: Math.min(this.settings.goalToleranceM, mission.toleranceM / 2),
    });
    this.goalDistanceM = seek.distanceM;
    if (seek.reached) {
      this.state = 'succeeded';
      log('goal reached (%s m from it by dead reckoning)', seek.distanceM.toFixed(3));
    }
    return seek;
  }
}
