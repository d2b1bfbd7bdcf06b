import type { LidarPoints } from '../../messages/lidar-points.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import type { CortexSettings } from '../cortex-thread-protocol.js';
import { Localiser, type LocalisationResult } from '../localisation/localiser.js';
import { MatchField } from '../localisation/match-field.js';
import type { PoseEstimate } from '../pose-estimate.js';
import { OccupancyGrid } from './occupancy-grid.js';
import { integrateScan, type MovingDisc } from './scan-integrator.js';

/** Turn time assumed for the first revolution (later ones are timed from their stamps), microseconds. */
const FIRST_TURN_US = 100_000;

/** Cost of the last revolution, milliseconds of the thread's time (for the cortex benchmark and the status). */
export interface RevolutionTiming {
  localisationMs: number;
  integrationMs: number;
}

/**
 * The cortex's world model: the occupancy grid (the prior map, or one built around the start),
 * the likelihood field that follows it, and the localiser. Each lidar revolution is first
 * localised against the map, then integrated into it at the corrected pose; a revolution whose
 * match was poor is left out of the map, so a wrong pose never smears it.
 */
export class WorldModel {
  readonly grid: OccupancyGrid;
  readonly localiser: Localiser;
  readonly timing: RevolutionTiming = { localisationMs: 0, integrationMs: 0 };
  /** Cells that changed between free and occupied since {@link takeChanges}, as indices. */
  private changes: number[] = [];
  private readonly field: MatchField;
  private lastStampUs: number | null = null;
  private moving: readonly MovingDisc[] = [];

  constructor(
    private readonly settings: CortexSettings,
    estimate: PoseEstimate,
    prior: OccupancyGridMessage | null,
    centre: { xM: number; yM: number },
  ) {
    this.grid = prior
      ? OccupancyGrid.fromMessage(prior)
      : OccupancyGrid.centredOn(centre, settings.mapSizeM, settings.mapResolutionM);
    this.field = new MatchField(this.grid);
    this.grid.onOccupiedChange((index, occupied) => {
      this.field.changed(index, occupied);
      this.changes.push(index);
    });
    this.localiser = new Localiser(this.grid, this.field.values, estimate, settings.localisation);
  }

  /** One lidar revolution: localise, then map. Null before the robot is placed in the world. */
  revolution(scan: LidarPoints): LocalisationResult | null {
    const turnUs =
      this.lastStampUs === null ? FIRST_TURN_US : Math.min(200_000, Math.max(50_000, scan.stampUs - this.lastStampUs));
    this.lastStampUs = scan.stampUs;
    const t0 = performance.now();
    const result = this.localiser.revolution(scan, turnUs);
    const t1 = performance.now();
    if (result && (result.corrected || result.quality === null)) {
      integrateScan(this.grid, result.world, this.settings.mapRangeM, this.moving);
    }
    this.timing.localisationMs = t1 - t0;
    this.timing.integrationMs = performance.now() - t1;
    return result;
  }

  /** Where the peers stand now: returns on their bodies are not mapped (see {@link integrateScan}). */
  useMovingBodies(bodies: readonly MovingDisc[]): void {
    this.moving = bodies;
  }

  /** The cells that changed between free and occupied since the last call. */
  takeChanges(): number[] {
    const changes = this.changes;
    this.changes = [];
    return changes;
  }
}
