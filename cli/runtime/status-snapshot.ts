import type { BoardConfig } from '../../config/board-schema.js';
import type { Device } from '../../hal/device-api.js';
import type { MissionState } from '../../messages/mission.js';
import type { ConfigStatus, RuntimeStatus, SiteStatus } from '../../messages/runtime-status.js';
import type { SchedulingPriority } from '../../messages/scheduling-priority.js';
import type { ReflexLoop } from '../../reflex/reflex-loop.js';
import type { Clock } from '../../time/clock.js';
import { latestReadings } from './device-readings.js';

/**
 * The runtime as one snapshot ({@link RuntimeStatus}): the robot, the pose (the cortex's world frame
 * on the odometry of record), speed, mission, reflex, loop timing and every device; and whether the
 * robot was ever ready (every device healthy at some moment since the start).
 */
export class StatusSnapshot {
  private mission: { kind: string; state: MissionState } = { kind: 'none', state: 'idle' };
  private everReady = false;
  private readonly startedAtMs = performance.now();

  constructor(
    private readonly o: {
      robotId: string;
      board: BoardConfig;
      mode: 'sim' | 'run';
      clock: Clock;
      priority: SchedulingPriority;
      /** The tunable parameters in force and the config version. */
      config?: () => ConfigStatus;
      /** The footprint, geofence and swept-area margins, for the page's drawing. */
      site?: SiteStatus;
    },
    private readonly reflex: ReflexLoop,
    private readonly devices: readonly Device[],
  ) {}

  /** The mission's kind and state as the planner's heartbeat says; true when they changed. */
  missionIs(kind: string, state: MissionState): boolean {
    if (kind === this.mission.kind && state === this.mission.state) return false;
    this.mission = { kind, state };
    return true;
  }

  missionState(): MissionState {
    return this.mission.state;
  }

  /** Notes readiness when every device is ok now (call on every health change). */
  noteReadiness(): void {
    if (!this.everReady && this.devices.every((d) => d.health().state === 'ok')) this.everReady = true;
  }

  /** Whether every device was healthy at some moment since the start, and if not, why not. */
  readiness(): { everReady: boolean; reason: string } {
    return { everReady: this.everReady, reason: this.everReady ? '' : notReadyReason(this.status().devices) };
  }

  status(): RuntimeStatus {
    const { reflex, o } = this;
    const applied = reflex.appliedDrive();
    return {
      robotId: o.robotId,
      board: o.board.board,
      mode: o.mode,
      pid: process.pid,
      clockS: o.clock.nowUs() / 1e6,
      uptimeS: (performance.now() - this.startedAtMs) / 1e3,
      pose: reflex.worldPose(),
      speed: { vMps: applied.vMps, wRadps: applied.wRadps },
      mission: { ...this.mission },
      nearestObstacleM: reflex.nearestObstacleM(),
      reflex: reflex.status(),
      loop: reflex.loopTiming(),
      priority: { ...o.priority },
      devices: this.devices.map((d) => {
        const reading = latestReadings(d);
        return {
          id: d.id,
          compatible: d.compatible,
          kind: d.kind,
          health: d.health(),
          counters: d.counters(),
          ...(d.details ? { details: d.details() } : {}),
          ...(reading ? { reading } : {}),
        };
      }),
      ...(o.config ? { config: o.config() } : {}),
      ...(o.site ? { site: o.site } : {}),
      sweptArea: reflex.sweptArea(),
    };
  }

  /** The status with whether every device is ok now, and if not, why not. */
  withReadiness(): { status: RuntimeStatus; ready: boolean; reason: string } {
    const status = this.status();
    const reason = notReadyReason(status.devices);
    return { status, ready: status.devices.every((d) => d.health.state === 'ok'), reason };
  }
}

/** `lidar failed: no data; motors degraded: ...`: the devices that are not ok, with why. */
function notReadyReason(devices: RuntimeStatus['devices']): string {
  return devices
    .filter((d) => d.health.state !== 'ok')
    .map((d) => `${d.id} ${d.health.state}${d.health.reason ? `: ${d.health.reason}` : ''}`)
    .join('; ');
}
