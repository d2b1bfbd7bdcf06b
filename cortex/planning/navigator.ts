import createDebug from 'debug';
import type { Point2D, Pose2D } from '../../messages/geometry.js';
import type { CortexSettings } from '../cortex-thread-protocol.js';
import type { WorldModel } from '../world-model/world-model.js';
import { CostLayer, LETHAL_COST } from './cost-layer.js';
import { GridAStar, type CostGrid, type GridPlan } from './grid-astar.js';
import { smoothPath } from './path-smoother.js';
import { bodiesMoved, withStandingBodies, type StandingBody } from './standing-bodies.js';
import { pursue } from './pure-pursuit.js';

const log = createDebug('spinal:cortex:navigator');

/** Weight of the inflation cost against path length (a step through cost 254 counts this much extra). */
const COST_WEIGHT = 3;
/** Shortest time between two plans, microseconds. */
const MIN_REPLAN_US = 500_000;
/** Progress check: the remaining path must shrink by this much within the window, or the robot replans. */
const STALL_PROGRESS_M = 0.2;
const STALL_WINDOW_US = 6_000_000;
/** How far from a lethal start or goal cell the planner looks for an open one, cells. */
const NEAREST_OPEN_CELLS = 8;
/** Cost-layer tiles rebuilt per step at most (about 65 000 cells, a few ms); a plan begins once the layer is up to date. */
const COST_TILES_PER_STEP = 64;
/** Share of the cruise speed the robot keeps to on its old path while a new plan is still being searched. */
const PLANNING_SPEED_FACTOR = 0.5;

/** What the navigator asks for this step. */
export interface NavigationStep {
  vMps: number;
  wRadps: number;
  distanceM: number;
  reached: boolean;
}

/**
 * Goal seeking over the map: A* over the inflated cost layer from the robot to the goal, the path
 * smoothed without cutting inflated cells, followed by regulated pure pursuit. It replans when a
 * cell on or beside the path becomes occupied, when progress stalls, and while it has no path.
 *
 * A plan expands at most `planExpansionsPerCycle` cells per step; a longer one resumes at the next
 * step (on the cost layer as it was when the plan began) while the robot keeps to its old path at
 * reduced speed, or holds when it has none. Every step returns a motion, so the drive stream and
 * the heartbeat go on at the cortex rate however long a plan takes.
 */
export class Navigator {
  /** The current path, world frame (empty before the first plan). */
  path: Point2D[] = [];
  /**
   * What is left of the path ahead of the robot: the points past the segment it last followed,
   * nearest first (empty without a path). `path` keeps where the plan began, behind the robot.
   */
  get pathAhead(): Point2D[] {
    return this.path.length < 2 ? [] : this.path.slice(this.segment + 1);
  }
  /** Time the last plan spent searching, summed over its steps, milliseconds; how many steps it spread over; how many plans so far. */
  lastPlanMs = 0;
  lastPlanSteps = 0;
  plans = 0;
  /** Time this step spent bringing the cost layer up to date, milliseconds (0: it had nothing to do). */
  costUpdateMs = 0;
  readonly costs: CostLayer;
  private readonly astar = new GridAStar();
  /** Peers standing on the map, planned round (never written into it). */
  private bodies: StandingBody[] = [];
  /** The costs the pending search runs over (the cost layer with the standing bodies on it). */
  private searchCosts: Uint8Array | null = null;
  private segment = 0;
  private vMps = 0;
  private lastPlanUs = -Infinity;
  private replanDue = true;
  private progressMarkM = Infinity;
  private progressMarkUs = 0;
  private lastStepUs: number | null = null;
  /** The plan being searched (its goal and time so far), or null. */
  private pending: { goal: Point2D; ms: number; steps: number } | null = null;
  /** The goal the path leads to (null before the first step). */
  private goal: Point2D | null = null;
  /** Plans in a row that found no way to the goal (0 once one does, or the goal changes). */
  failedPlans = 0;

  constructor(
    private readonly world: WorldModel,
    private readonly settings: CortexSettings,
  ) {
    this.costs = new CostLayer(world.grid, settings.robotRadiusM, settings.inflationRadiusM);
  }

  step(nowUs: number, pose: Pose2D, goal: Point2D, toleranceM: number): NavigationStep {
    const distanceM = Math.hypot(goal.xM - pose.xM, goal.yM - pose.yM);
    const dtS = this.lastStepUs === null ? 1 / this.settings.rateHz : (nowUs - this.lastStepUs) / 1e6;
    this.lastStepUs = nowUs;
    if (distanceM <= toleranceM) {
      this.vMps = 0;
      return { vMps: 0, wRadps: 0, distanceM, reached: true };
    }
    if (!this.goal || this.goal.xM !== goal.xM || this.goal.yM !== goal.yM) {
      // A new goal (the next point of a route, another mission): the old path leads elsewhere.
      this.goal = { xM: goal.xM, yM: goal.yM };
      this.path = [];
      this.replanDue = true;
      this.failedPlans = 0;
      this.lastPlanUs = -Infinity;
      this.progressMarkM = Infinity;
      this.progressMarkUs = nowUs;
    }
    this.watchMap();
    if (this.pending && (this.pending.goal.xM !== goal.xM || this.pending.goal.yM !== goal.yM)) this.pending = null;
    let planning = false;
    this.costUpdateMs = 0;
    if (!this.pending && (this.replanDue || this.path.length === 0) && nowUs - this.lastPlanUs >= MIN_REPLAN_US) {
      // The cost layer is brought up to date over as many steps as it takes, then the plan begins.
      const t0 = performance.now();
      const upToDate = this.costs.update(COST_TILES_PER_STEP);
      this.costUpdateMs = performance.now() - t0;
      if (upToDate) this.beginPlan(nowUs, pose, goal);
      else planning = true;
    }
    if (this.pending !== null) planning = !this.continuePlan(pose, goal);
    if (this.path.length < 2) {
      this.vMps = 0;
      return { vMps: 0, wRadps: 0, distanceM, reached: false };
    }
    const grid = this.world.grid;
    const here = grid.indexAt(pose.xM, pose.yM);
    const proximity = here >= 0 ? (this.costs.costs[here] ?? 0) / LETHAL_COST : 0;
    const s = this.settings;
    const out = pursue(pose, this.path, this.segment, this.vMps, dtS, proximity, {
      cruiseSpeedMps: planning ? s.cruiseSpeedMps * PLANNING_SPEED_FACTOR : s.cruiseSpeedMps,
      lookaheadM: s.lookaheadM,
      maxTurnRateRadps: s.maxTurnRateRadps,
      maxAccelMps2: s.maxAccelMps2,
      headingGain: s.headingGain,
    });
    this.segment = out.segment;
    this.vMps = out.vMps;
    if (out.remainingM < this.progressMarkM - STALL_PROGRESS_M) {
      this.progressMarkM = out.remainingM;
      this.progressMarkUs = nowUs;
    } else if (nowUs - this.progressMarkUs > STALL_WINDOW_US) {
      log('no progress for %d s: replanning', STALL_WINDOW_US / 1e6);
      this.replanDue = true;
      this.progressMarkUs = nowUs;
      this.progressMarkM = Infinity;
    }
    return { vMps: out.vMps, wRadps: out.wRadps, distanceM, reached: false };
  }

  /**
   * Every cell that changed marks the cost layer out of date around it; one that became occupied
   * within the robot's reach of the path ahead calls for a new plan.
   */
  private watchMap(): void {
    const changes = this.world.takeChanges();
    for (const index of changes) this.costs.changed(index);
    if (changes.length === 0 || this.path.length < 2) return;
    const grid = this.world.grid;
    const reach = this.settings.robotRadiusM + grid.resolutionM;
    for (const index of changes) {
      if (!grid.isOccupied(index)) continue;
      const x = index % grid.widthCells;
      const c = grid.cellCentre(x, (index - x) / grid.widthCells);
      for (let i = this.segment; i < this.path.length - 1; i++) {
        if (segmentDistance(c, this.path[i]!, this.path[i + 1]!) < reach) {
          this.replanDue = true;
          return;
        }
      }
    }
  }

  /**
   * The peers standing on the map now (waiting robots), which plans go round where there is room.
   * A change near the path ahead (one stopped or moved on there) calls for a new plan.
   */
  useStandingBodies(bodies: readonly StandingBody[]): void {
    if (!bodiesMoved(this.bodies, bodies)) return;
    const before = this.bodies;
    this.bodies = bodies.map((b) => ({ xM: b.xM, yM: b.yM, radiusM: b.radiusM }));
    if (this.path.length < 2) return;
    const near = (b: StandingBody): boolean => {
      const reach = b.radiusM + this.settings.robotRadiusM + this.settings.inflationRadiusM;
      for (let i = this.segment; i < this.path.length - 1; i++) {
        if (segmentDistance(b, this.path[i]!, this.path[i + 1]!) < reach) return true;
      }
      return false;
    };
    if ([...before, ...this.bodies].some((b) => near({ xM: b.xM, yM: b.yM, radiusM: b.radiusM }))) {
      this.replanDue = true;
    }
  }

  /** Starts a plan from the robot to the goal on the cost layer (up to date). */
  private beginPlan(nowUs: number, pose: Pose2D, goal: Point2D): void {
    const t0 = performance.now();
    this.lastPlanUs = nowUs;
    this.replanDue = false;
    const grid = this.world.grid;
    const start = this.nearestOpen(grid.indexAt(pose.xM, pose.yM));
    const end = this.nearestOpen(grid.indexAt(goal.xM, goal.yM));
    const search = this.costGrid();
    if (start >= 0 && end >= 0) this.astar.begin(search, start, end);
    else this.astar.begin(search, -1, -1);
    this.pending = { goal: { xM: goal.xM, yM: goal.yM }, ms: performance.now() - t0, steps: 0 };
  }

  /** Runs the pending plan for this step's budget; true when it is over (its path, or none, taken up). */
  private continuePlan(pose: Pose2D, goal: Point2D): boolean {
    const pending = this.pending!;
    const t0 = performance.now();
    const state = this.astar.advance(this.settings.planExpansionsPerCycle);
    pending.steps++;
    if (state === 'searching') {
      pending.ms += performance.now() - t0;
      return false;
    }
    this.pending = null;
    this.plans++;
    const plan = this.astar.result();
    if (!plan) {
      log('no path to (%d, %d)', goal.xM, goal.yM);
      this.failedPlans++;
      this.path = [];
      this.replanDue = true;
    } else {
      this.failedPlans = 0;
      const grid = this.world.grid;
      const cells = smoothPath(plan.cells, grid.widthCells, this.searchCosts ?? this.costs.costs, LETHAL_COST);
      const points: Point2D[] = [{ xM: pose.xM, yM: pose.yM }];
      for (let i = 1; i < cells.length - 1; i++) {
        const cell = cells[i] as number;
        const x = cell % grid.widthCells;
        points.push(grid.cellCentre(x, (cell - x) / grid.widthCells));
      }
      points.push({ xM: goal.xM, yM: goal.yM });
      this.path = points;
      this.segment = 0;
    }
    this.lastPlanMs = pending.ms + performance.now() - t0;
    this.lastPlanSteps = pending.steps;
    log(
      'plan %d: %d points in %s ms over %d steps',
      this.plans,
      this.path.length,
      this.lastPlanMs.toFixed(2),
      pending.steps,
    );
    return true;
  }

  /** Plan again at the next step (a consistency reaction: the world is not as the plan assumed). */
  replan(): void {
    this.replanDue = true;
    this.lastPlanUs = -Infinity;
  }

  /**
   * Whether the map, as it is now, has a way from `from` to `to` (a whole search, at once: for
   * judging a mission as it arrives, not for every step).
   */
  reachable(from: Point2D, to: Point2D): boolean {
    return this.search(from, to) !== null;
  }

  /**
   * Length of the way from `from` to `to` on the cost layer as the planner has it (a whole search,
   * at once; the layer is not brought up to date first, which a plan does in slices), metres; null: none.
   */
  pathLengthM(from: Point2D, to: Point2D): number | null {
    const plan = this.search(from, to, false);
    if (!plan) return null;
    const w = this.world.grid.widthCells;
    let cells = 0;
    for (let i = 1; i < plan.cells.length; i++) {
      const a = plan.cells[i - 1] as number;
      const b = plan.cells[i] as number;
      cells += a % w !== b % w && Math.floor(a / w) !== Math.floor(b / w) ? Math.SQRT2 : 1;
    }
    return cells * this.world.grid.resolutionM;
  }

  /**
   * A whole search on the cost layer (brought up to date first unless `refresh` is false). The path followed stays; a plan still being
   * searched in slices (the one search buffer is taken over) starts over at the next step.
   */
  private search(from: Point2D, to: Point2D, refresh = true): GridPlan | null {
    if (refresh) this.costs.update(Infinity);
    if (this.pending) {
      this.pending = null;
      this.replanDue = true;
    }
    const grid = this.world.grid;
    const start = this.nearestOpen(grid.indexAt(from.xM, from.yM));
    const end = grid.indexAt(to.xM, to.yM);
    if (start < 0 || end < 0) return null;
    let state = this.astar.begin(this.costGrid(), start, end);
    while (state === 'searching') state = this.astar.advance(1 << 20);
    return state === 'found' ? this.astar.result() : null;
  }

  /** What a search runs over: the cost layer with the standing bodies on it, lethal cells blocked. */
  private costGrid(): CostGrid {
    const grid = this.world.grid;
    const s = this.settings;
    const costs =
      this.bodies.length === 0
        ? this.costs.costs
        : withStandingBodies(this.costs.costs, grid, this.bodies, s.robotRadiusM, s.inflationRadiusM);
    this.searchCosts = costs;
    return {
      widthCells: grid.widthCells,
      heightCells: grid.heightCells,
      costs,
      blockedFrom: LETHAL_COST,
      costWeight: COST_WEIGHT,
    };
  }

  /** True when the robot's centre cannot be at `p` on the map as it is now (an obstacle within its radius); false off the map. */
  blockedAt(p: Point2D): boolean {
    this.costs.update(Infinity);
    const index = this.world.grid.indexAt(p.xM, p.yM);
    return index >= 0 && (this.costs.costs[index] as number) >= LETHAL_COST;
  }

  /** `index` when the robot may be there, else the nearest such cell within a few cells (-1: none). */
  private nearestOpen(index: number): number {
    if (index < 0) return -1;
    const costs = this.costs.costs;
    if ((costs[index] as number) < LETHAL_COST) return index;
    const w = this.world.grid.widthCells;
    const h = this.world.grid.heightCells;
    const cx = index % w;
    const cy = (index - cx) / w;
    let best = -1;
    let bestD = Infinity;
    for (let dy = -NEAREST_OPEN_CELLS; dy <= NEAREST_OPEN_CELLS; dy++) {
      for (let dx = -NEAREST_OPEN_CELLS; dx <= NEAREST_OPEN_CELLS; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        if (x < 0 || y < 0 || x >= w || y >= h) continue;
        const d = dx * dx + dy * dy;
        if (d < bestD && (costs[y * w + x] as number) < LETHAL_COST) {
          bestD = d;
          best = y * w + x;
        }
      }
    }
    return best;
  }
}

function segmentDistance(p: Point2D, a: Point2D, b: Point2D): number {
  const abx = b.xM - a.xM;
  const aby = b.yM - a.yM;
  const len2 = abx * abx + aby * aby;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((p.xM - a.xM) * abx + (p.yM - a.yM) * aby) / len2)) : 0;
  return Math.hypot(p.xM - (a.xM + t * abx), p.yM - (a.yM + t * aby));
}
