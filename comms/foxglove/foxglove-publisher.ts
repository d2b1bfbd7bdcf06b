import type { Pose2D } from '../../messages/geometry.js';
import type { NavigationStatus } from '../../messages/cortex-comms-protocol.js';
import type { LidarPoints } from '../../messages/lidar-points.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import type { FoxgloveChannelRole } from './foxglove-channels.js';
import {
  footprintMessage,
  gridMessage,
  laserScanMessage,
  logMessage,
  nanosOf,
  pathMessage,
  poseMessage,
  reflexStateMessage,
  sweptAreaMessage,
  transformMessage,
} from './foxglove-messages.js';
import type { FoxgloveSink } from './foxglove-server.js';

/** Least time between two messages of a topic, microseconds of the robot's clock. */
const MIN_PERIOD_US: Partial<Record<FoxgloveChannelRole, number>> = {
  scan: 50_000, // each revolution, up to 20 Hz
  pose: 40_000, // the pose stream's 20 Hz, at most 25 Hz
  tf: 40_000,
  map: 1_000_000, // on change, at most 1 Hz
  path: 500_000, // on change, at most 2 Hz
  footprint: 1_000_000,
};
/** An unchanged map is sent again this often, so a client that subscribed late gets one, microseconds. */
const MAP_REPEAT_US = 10_000_000;

/**
 * Turns what the comms thread hears (status snapshots, the pose stream, lidar revolutions, the cortex's map and
 * navigation, committed events) into Foxglove messages, throttled per topic on the robot's clock,
 * built only for topics someone subscribes to. A change held back by the throttle goes out with
 * the next status snapshot once its topic is due.
 */
export class FoxglovePublisher {
  private readonly lastSentUs = new Map<FoxgloveChannelRole, number>();
  private map: OccupancyGridMessage | null = null;
  private mapSentVersion = -1;
  private path: NavigationStatus['path'] | null = null;
  private pathPending = false;
  private nowUs = 0;

  constructor(
    private readonly sink: FoxgloveSink,
    private readonly robotId: string,
    private readonly footprint: { lengthM: number; widthM: number } | null,
  ) {}

  private due(role: FoxgloveChannelRole, atUs: number): boolean {
    if (!this.sink.wanted(role)) return false;
    const last = this.lastSentUs.get(role);
    return last === undefined || atUs - last >= (MIN_PERIOD_US[role] ?? 0) || atUs < last;
  }

  private emit(role: FoxgloveChannelRole, atUs: number, message: object): void {
    this.lastSentUs.set(role, atUs);
    this.sink.send(role, nanosOf(atUs), message);
  }

  status(status: RuntimeStatus, nowUs: number): void {
    this.nowUs = nowUs;
    if (this.sink.wanted('reflex')) this.emit('reflex', nowUs, reflexStateMessage(status, nowUs));
    if (this.sink.wanted('sweptArea')) this.emit('sweptArea', nowUs, sweptAreaMessage(status.sweptArea ?? null, nowUs));
    if (this.footprint && this.due('footprint', nowUs)) {
      this.emit('footprint', nowUs, footprintMessage(this.footprint, nowUs));
    }
    this.flush(nowUs);
  }

  /** The robot's world pose at `stampUs` (the pose stream, faster than the status): `/pose` and `/tf`. */
  pose(pose: Pose2D, stampUs: number): void {
    this.nowUs = stampUs;
    if (this.due('pose', stampUs)) this.emit('pose', stampUs, poseMessage(pose, stampUs));
    if (this.due('tf', stampUs)) this.emit('tf', stampUs, transformMessage(pose, stampUs));
  }

  scan(scan: LidarPoints): void {
    if (this.due('scan', scan.stampUs)) this.emit('scan', scan.stampUs, laserScanMessage(scan));
  }

  setMap(map: OccupancyGridMessage): void {
    this.map = map;
    this.flush(this.nowUs);
  }

  setNavigation(navigation: NavigationStatus): void {
    this.path = navigation.path;
    this.pathPending = true;
    this.flush(this.nowUs);
  }

  /** A committed ledger event, on `/events` as a log line. */
  event(event: RuntimeEvent): void {
    if (this.sink.wanted('log')) this.emit('log', event.atUs, logMessage(event, this.robotId));
  }

  /** A client subscribed to `role`: what changes rarely is sent at once. */
  subscribed(role: FoxgloveChannelRole): void {
    if (role === 'map') this.mapSentVersion = -1;
    if (role === 'path') this.pathPending = true;
    if (role === 'map' || role === 'path' || role === 'footprint') this.lastSentUs.delete(role);
    this.flush(this.nowUs);
  }

  private flush(nowUs: number): void {
    const map = this.map;
    if (map && this.due('map', nowUs)) {
      const repeat = nowUs - (this.lastSentUs.get('map') ?? -Infinity) >= MAP_REPEAT_US;
      if (map.version !== this.mapSentVersion || repeat) {
        this.mapSentVersion = map.version;
        this.emit('map', nowUs, gridMessage(map, nowUs));
      }
    }
    if (this.path && this.pathPending && this.due('path', nowUs)) {
      this.pathPending = false;
      this.emit('path', nowUs, pathMessage(this.path, nowUs));
    }
  }
}
