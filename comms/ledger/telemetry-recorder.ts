import type { NavigationStatus } from '../../messages/cortex-comms-protocol.js';
import type { Point2D } from '../../messages/geometry.js';
import type { LidarPoints } from '../../messages/lidar-points.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import type { Cancel, Clock } from '../../time/clock.js';
import { binnedScan } from '../foxglove/foxglove-messages.js';
import { encodeTelemetry, type TelemetrySamples } from './telemetry-payloads.js';
import type { TelemetrySettings } from './telemetry-settings.js';
import type { TelemetryInput, TelemetryTopic } from './telemetry-table.js';

/** Rows held before a commit at most, payload bytes: a burst (a large map) is committed at once. */
const MAX_PENDING_BYTES = 1024 * 1024;
/** A sample a little early still counts as due (clock rounding must not halve a rate), fraction of the period. */
const EARLY_FRACTION = 0.02;

function samePath(a: readonly Point2D[], b: readonly Point2D[]): boolean {
  return a.length === b.length && a.every((p, i) => p.xM === b[i]!.xM && p.yM === b[i]!.yM);
}

/**
 * Samples what the comms thread hears (status snapshots, lidar revolutions, the cortex's
 * navigation and map) into telemetry rows, each topic at most at its rate on the robot's clock,
 * and commits what it holds in one transaction (`commit`) a flush period after the first row it
 * held, so telemetry costs the ledger at most one commit a flush period whatever the rates. The pose row carries the motion
 * and the localisation's quality; the path is recorded when it changes, the reflex's state when
 * its state, rule or trip count changes, the footprint once, the map when its version changed.
 * Nothing of it runs on the reflex's thread.
 */
export class TelemetryRecorder {
  private pending: TelemetryInput[] = [];
  private pendingBytes = 0;
  private readonly lastUs = new Map<TelemetryTopic, number>();
  private navigation: Pick<NavigationStatus, 'localisation' | 'quality'> = { localisation: 'off', quality: null };
  private path: { points: Point2D[]; recorded: boolean } | null = null;
  private map: { grid: OccupancyGridMessage; recordedVersion: number } | null = null;
  private reflexKey = '';
  private footprintRecorded = false;
  private cancelFlush: Cancel | null = null;

  constructor(
    private readonly settings: TelemetrySettings,
    private readonly clock: Clock,
    private readonly nowWallMs: () => number,
    private readonly commit: (rows: TelemetryInput[]) => void,
  ) {}

  /** A status snapshot, stamped with the main thread's clock when it was taken. */
  status(status: RuntimeStatus): void {
    const atUs = status.clockS * 1e6;
    if (status.site && !this.footprintRecorded) {
      this.footprintRecorded = true;
      const { lengthM, widthM } = status.site.footprint;
      this.add('footprint', atUs, { lengthM, widthM });
    }
    if (status.pose && this.due('pose', atUs, this.settings.posePeriodUs)) {
      const command = status.command ?? null;
      this.add('pose', atUs, { pose: status.pose, speed: status.speed, command, ...this.navigation });
    }
    const { reflex } = status;
    const key = `${reflex.state}\u0000${reflex.rule}\u0000${reflex.trips}`;
    if (key !== this.reflexKey) {
      this.reflexKey = key;
      this.add('reflex', atUs, { reflex, speed: status.speed, nearestObstacleM: status.nearestObstacleM });
    }
    this.catchUp(atUs);
  }

  /** One lidar revolution (robot frame). */
  scan(scan: LidarPoints): void {
    if (this.due('scan', scan.stampUs, this.settings.scanPeriodUs)) this.add('scan', scan.stampUs, binnedScan(scan));
  }

  /** The cortex's navigation: the localisation's quality for the pose rows, and the path. */
  setNavigation(navigation: NavigationStatus): void {
    this.navigation = { localisation: navigation.localisation, quality: navigation.quality };
    if (!this.path || !samePath(this.path.points, navigation.path)) {
      this.path = { points: navigation.path, recorded: false };
    }
    this.catchUp(this.clock.nowUs());
  }

  setMap(map: OccupancyGridMessage): void {
    this.map = { grid: map, recordedVersion: this.map?.recordedVersion ?? -1 };
    this.catchUp(this.clock.nowUs());
  }

  /** Commits what is held. */
  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = null;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.commit(rows);
  }

  /** Commits what is held (and stops waiting to). */
  close(): void {
    this.flush();
  }

  /** A change held back by its topic's rate goes out once the topic is due. */
  private catchUp(atUs: number): void {
    const { path, map } = this;
    if (path && !path.recorded && this.due('path', atUs, this.settings.pathPeriodUs)) {
      path.recorded = true;
      this.add('path', atUs, { path: path.points });
    }
    if (map && map.grid.version !== map.recordedVersion && this.due('map', atUs, this.settings.mapPeriodUs)) {
      map.recordedVersion = map.grid.version;
      this.add('map', atUs, map.grid);
    }
  }

  private due(topic: TelemetryTopic, atUs: number, periodUs: number): boolean {
    if (!Number.isFinite(periodUs)) return false;
    const last = this.lastUs.get(topic);
    return last === undefined || atUs - last >= periodUs * (1 - EARLY_FRACTION) || atUs < last;
  }

  private add<T extends TelemetryTopic>(topic: T, atUs: number, sample: TelemetrySamples[T]): void {
    this.lastUs.set(topic, atUs);
    const payload = encodeTelemetry(topic, sample);
    this.pending.push({ topic, atUs, wallMs: this.nowWallMs(), payload });
    this.pendingBytes += payload.length;
    if (this.pendingBytes >= MAX_PENDING_BYTES) this.flush();
    // The first row held starts the wait for the commit: no timer while nothing is recorded.
    else this.cancelFlush ??= this.clock.after(this.settings.flushPeriodUs, () => this.flush());
  }
}
