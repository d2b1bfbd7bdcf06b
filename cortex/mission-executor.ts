import createDebug from 'debug';
import type { CortexStatus } from '../messages/cortex-comms-protocol.js';
import type { DriveCommand } from '../messages/drive.js';
import type { Pose2D } from '../messages/geometry.js';
import type { Point2D } from '../messages/geometry.js';
import { DEFAULT_MISSION_TOLERANCE_M, missionShapeProblem } from '../messages/mission-shape.js';
import type { BatteryReading } from '../messages/battery-reading.js';
import { EnergyMonitor } from './energy/energy-monitor.js';
import {
  DEFAULT_MISSION_PRIORITY,
  MAX_MISSION_PRIORITY,
  type MissionAssignment,
  type MissionOrder,
  type SurveyMission,
  type MissionState,
  type MissionTransition,
  type MissionView,
} from '../messages/mission.js';
import type { OdometrySample } from '../messages/odometry.js';
import type { Cancel, Clock } from '../time/clock.js';
import type { CortexSettings, CortexTuning } from './cortex-thread-protocol.js';
import { seekGoal } from './goal-seeker.js';
import { PoseEstimate } from './pose-estimate.js';
import type { WheelTravel } from './localisation/wheel-odometry.js';
import type { LidarPoints } from '../messages/lidar-points.js';
import type { OccupancyGridMessage } from '../messages/occupancy-grid.js';
import type { LocalisationResult } from './localisation/localiser.js';
import { WorldModel } from './world-model/world-model.js';
import { Navigator } from './planning/navigator.js';
import { MissionBoard, type MissionRecord } from './missions/mission-board.js';
import { missionImpossibility, type SiteKnowledge } from './missions/mission-feasibility.js';
import { MissionRoute, type RouteLeg } from './missions/mission-route.js';
import { lawnmowerPath } from './missions/lawnmower.js';
import { validateSurveyArea } from './missions/survey-area.js';
import type { RuntimeEventBody } from '../messages/runtime-event.js';
import { ConsistencyGuard } from './consistency/consistency-guard.js';
import type { ConsistencySettings } from './consistency/consistency-settings.js';
import { findPathContradiction, plannedFreeSpace } from './consistency/path-contradiction.js';
import { LETHAL_COST, inflatedCost } from './planning/cost-layer.js';
import { PeerCoordinator, type CoordinationStep, type PassingDetour } from './peers/peer-coordinator.js';
import type { RightOfWayDecision } from './right-of-way/right-of-way.js';
import {
  SWARM_HOLD_REASON_PREFIX,
  type Hazard,
  type OwnClaim,
  type OwnHazard,
  type OwnMeshState,
  type PeerView,
} from '../messages/peer.js';
import { HazardMarks, hazardOfViolation } from './peers/hazard-marks.js';

const log = createDebug('spinal:cortex:mission');

/** What the executor puts out at every step: the drive command, then its status; and every change of a mission's state. */
export type ExecutorOutput =
  | { t: 'drive'; command: DriveCommand }
  | { t: 'status'; status: CortexStatus }
  | { t: 'mission'; transition: MissionTransition }
  /** Something else for the ledger (what the consistency checker noticed, and did about it). */
  | { t: 'record'; body: RuntimeEventBody }
  /** A peer holds the right of way where the robot is going (null: released): for the reflex. */
  | { t: 'swarm-hold'; hold: { peer: string; reason: string } | null }
  /** What to tell the peers now (at the mesh's state rate). */
  | { t: 'mesh'; state: OwnMeshState; claim: OwnClaim }
  /** Something in the way the peers should plan round. */
  | { t: 'hazard'; hazard: OwnHazard };

/** The reflex must hold the robot this long before the mission counts as held, microseconds (a brief stop is not a hold). */
const HOLD_AFTER_US = 1_000_000;
/** Plans in a row that find no way before a point counts as unreachable. */
const FAILED_PLANS_TO_GIVE_UP = 3;
/** Heading error at which a goto's final heading counts as reached, radians. */
const HEADING_TOLERANCE_RAD = 0.1;
/** How far behind the robot the map is looked at for room to back off, metres. */
const REAR_LOOK_M = 1;
/** How often the energy left is set against the way back to the dock, microseconds. */
const ENERGY_CHECK_US = 2_000_000;
/** How often the way back to the dock is searched on the map, microseconds. */
const PATH_BACK_SEARCH_US = 20_000_000;
/** A robot resting at its dock after a return for energy starts missions again above this state of charge (it was charged). */
const CHARGED_STATE_OF_CHARGE = 0.8;

/** The site as the robot knows it from its configuration: the geofence and the dock. */
export interface SiteConfig {
  geofence: readonly Point2D[] | null;
  dock: Point2D | null;
}

/** How a mission order was taken: accepted, or refused as malformed, impossible, or with its id in use. */
export type MissionVerdict =
  { verdict: 'accepted' } | { verdict: 'malformed' | 'impossible' | 'conflict'; reason: string };

/** What the executor keeps of a mission while it runs. */
interface MissionProgress {
  /** The points to drive to (null for a drive mission). */
  route: MissionRoute | null;
  /** Time the mission has been active so far, microseconds (a drive mission's clock). */
  activeUs: number;
}

/** What the reflex says it does now, as the main thread tells the cortex. */
export interface ReflexHold {
  state: 'clear' | 'limited' | 'slow' | 'stopped' | 'estop';
  reason: string;
}

/**
 * How far a survey's lanes keep inside its area: not at all. The lanes are centred across the
 * area, so the outermost run half a spacing or less from its sides, and the lane ends lie on the
 * boundary: the footprint sweeps the whole area, its edges a little beyond (keep the area that far
 * inside the geofence). An inset of half the spacing left about a tenth of a rectangle unswept.
 */
function surveyInsetM(_mission: SurveyMission): number {
  return 0;
}

function normalizeAngle(rad: number): number {
  return Math.atan2(Math.sin(rad), Math.cos(rad));
}

/**
 * Carries out the robot's missions at the cortex rate: a board of missions (queued by priority,
 * preempted and resumed, held while the reflex holds the robot; `missions/mission-board.ts`), the
 * running one turned into drive commands: `goto`, `patrol`, `survey` and `return-to-base` as
 * routes of points driven through the navigator on the pose estimate (the goal seeker without a
 * map), `drive` as a scripted body motion for its duration. Orders are judged as they arrive:
 * malformed, impossible on this site (outside the geofence, in an obstacle, no way there on the
 * map), or accepted; every change of a mission's state is put out as a transition (an event).
 */
export class MissionExecutor {
  /** The world model (map and localisation), once {@link useWorldModel} asked for one and a mission placed the robot. */
  world: WorldModel | null = null;
  /** Plans and follows paths over the world model's map (without one, the goal seeker drives straight). */
  navigator: Navigator | null = null;
  private worldModelPrior: OccupancyGridMessage | null | undefined = undefined;
  private readonly board: MissionBoard<MissionProgress>;
  /** Where the robot was placed in the world (by its first mission, or by {@link placeAt}). */
  private placedAt: Pose2D | null = null;
  private readonly pose: PoseEstimate;
  /** The state of the last mission that ended (the executor's state when none runs or waits). */
  private lastEnded: MissionState = 'idle';
  private lastKind = 'none';
  private goalDistanceM: number | null = null;
  private cancel: Cancel | null = null;
  private lastStepUs: number | null = null;
  private reflex: ReflexHold = { state: 'clear', reason: '' };
  /** Since when the reflex has held the robot (null: it does not). */
  private reflexHoldSinceUs: number | null = null;
  private site: SiteConfig = { geofence: null, dock: null };
  /** The consistency checker and its reactions (null: off). */
  private guard: ConsistencyGuard | null = null;
  private consistency: ConsistencySettings | null = null;
  /** The running mission the guard watches (its reactions start over with another). */
  private guarded: MissionRecord<MissionProgress> | null = null;
  /** Why the consistency reactions hold the mission (null: they do not). */
  private guardHold: string | null = null;
  /** The battery estimate, the energy per metre and the return rule. */
  private readonly energy: EnergyMonitor;
  private energyCheckedUs = -Infinity;
  /** Why the robot rests at its dock, starting nothing else (null: it does not). */
  private resting: string | null = null;
  private energyReturns = 0;
  /** When the way back was last searched, and how much longer than the straight line it was. */
  private pathBack = { searchedUs: -Infinity, detour: 1 };
  /** The energy return under way: once it ends, the robot rests. */
  private restAfter: string | null = null;

  /** Its own copy, shared with the world model and the navigator: a retune changes it for all of them at once. */
  private readonly settings: CortexSettings;
  /** The robot's part in the mesh (null with the mesh off). */
  private readonly coordinator: PeerCoordinator | null;
  /** The swarm hold the reflex was last told of (`peer: reason`, null: none). */
  private swarmHoldSent: string | null = null;
  /** The right-of-way action last recorded (`action peer`): the first step with peers in view records `go`. */
  private rightOfWayRecorded = 'go ';
  /** A passing place the right of way sends the robot to, instead of its route's point (null: none). */
  private detour: PassingDetour | null = null;
  private readonly hazardMarks = new HazardMarks();

  constructor(
    private readonly clock: Clock,
    settings: CortexSettings,
    private readonly send: (output: ExecutorOutput) => void,
    odometry: OdometrySample = { stampUs: clock.nowUs(), pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0 },
  ) {
    this.settings = { ...settings };
    this.pose = new PoseEstimate(odometry, settings.wheelBaseM);
    this.energy = new EnergyMonitor(settings.energy);
    this.coordinator = settings.peers.enabled ? new PeerCoordinator(settings.peers) : null;
    this.board = new MissionBoard((transition) => {
      if (transition.to === 'succeeded' || transition.to === 'failed' || transition.to === 'aborted') {
        this.lastEnded = transition.to;
        this.lastKind = transition.kind;
        if (transition.id === this.restAfter) {
          this.restAfter = null;
          if (transition.to === 'succeeded') this.resting = 'resting at the dock until the battery is charged';
        }
      }
      log(
        'mission %s (%s): %s -> %s (%s)',
        transition.id,
        transition.kind,
        transition.from,
        transition.to,
        transition.reason,
      );
      this.send({ t: 'mission', transition });
    });
  }

  /** Where the main thread's odometry of record lies in the world, once a mission placed the robot (null before). */
  get frame(): Pose2D | null {
    return this.pose.mainFrame(this.clock.nowUs());
  }

  /** Keep a world model from the first mission on: on `prior` (a map given up front), or built as the robot goes (null). */
  useWorldModel(prior: OccupancyGridMessage | null): void {
    this.worldModelPrior = prior;
  }

  /** The site's geofence and dock (from the board config or the scenario), for judging missions. */
  useSite(site: SiteConfig): void {
    this.site = site;
  }

  /** Watch that the world behaves as predicted while a mission drives (docs/cortex.md, "Consistency checker"). */
  useConsistency(settings: ConsistencySettings): void {
    this.consistency = settings;
    this.guard = new ConsistencyGuard(settings, (body) => {
      this.send({ t: 'record', body });
      // A new obstacle on the path is the peers' business too: they plan round it before they get there.
      const hazard = this.coordinator ? hazardOfViolation(body) : null;
      if (hazard) this.send({ t: 'hazard', hazard });
    });
  }

  /** One lidar revolution for the world model (ignored without one); the consistency checker hears what it says. */
  revolution(scan: LidarPoints): LocalisationResult | null {
    const result = this.world?.revolution(scan) ?? null;
    const { guard, navigator, world, consistency } = this;
    if (!result || !guard || !navigator || !world || !consistency || !this.guarded) return result;
    const nowUs = this.clock.nowUs();
    const pose = this.pose.poseAt(nowUs);
    const check =
      pose && navigator.path.length >= 2
        ? findPathContradiction(
            navigator.path,
            pose,
            result.world,
            plannedFreeSpace(world.grid, navigator.costs.costs),
            {
              lookaheadM: consistency.pathLookaheadM,
              corridorHalfWidthM: consistency.pathCorridorHalfWidthM,
            },
          )
        : null;
    guard.revolution(nowUs, result.corrected ? { stampUs: scan.stampUs, pose: result.pose } : null, check);
    return result;
  }

  /** Starts stepping at the cortex rate, with `assignment` (a mission given at start, placing the robot) when there is one. */
  start(assignment: MissionAssignment | null): void {
    if (assignment) this.assign(assignment);
    this.cancel = this.clock.every(1e6 / this.settings.rateHz, () => this.step());
    this.step();
  }

  /**
   * New values of the retunable settings (a config update), in force from the next step: the
   * planner and the follower share these settings and read them at every step.
   */
  retune(tuning: CortexTuning): void {
    Object.assign(this.settings, tuning);
    log('retuned: %o', tuning);
  }

  /** The executor's clock now, microseconds. */
  nowUs(): number {
    return this.clock.nowUs();
  }

  stop(): void {
    this.cancel?.();
  }

  /** A mission given at start, with the pose the robot is at now: the pose estimate is placed there. */
  assign(assignment: MissionAssignment): void {
    this.placeAt(assignment.initialPose);
    const order: MissionOrder = {
      id: 'start',
      priority: DEFAULT_MISSION_PRIORITY,
      source: 'scenario',
      mission: assignment.mission,
    };
    const verdict = this.submit(order);
    if (verdict.verdict !== 'accepted') log('the start mission was refused: %s', verdict.reason);
  }

  /**
   * The robot is at `pose` in the world, with no mission yet (a robot on `spinal run`: where it was
   * kept, or the origin): the pose estimate, and the world model when one was asked for, start there.
   */
  placeAt(pose: Pose2D): void {
    this.placedAt = pose;
    this.pose.place(pose, this.clock.nowUs());
    if (this.worldModelPrior !== undefined && !this.world) {
      this.world = new WorldModel(this.settings, this.pose, this.worldModelPrior, pose);
      this.navigator = new Navigator(this.world, this.settings);
    }
  }

  /**
   * A mission order (from the debug port, the supervisor, the scenario): judged, then queued by
   * priority, preempting a running mission of lower priority. A refusal leaves every mission as it was.
   */
  submit(order: MissionOrder): MissionVerdict {
    if (this.board.has(order.id)) {
      return { verdict: 'conflict', reason: `a mission with id ${order.id} is already queued or running` };
    }
    const verdict = this.judge(order);
    const nowUs = this.clock.nowUs();
    // A refusal is kept (and reported) as a mission that failed as it arrived: the event says why.
    if (verdict.verdict === 'accepted') this.board.submit(order, nowUs);
    else this.board.reject(order, verdict.reason, nowUs);
    return verdict;
  }

  private judge(order: MissionOrder): MissionVerdict {
    const shape = missionShapeProblem(order.mission);
    if (shape) return { verdict: 'malformed', reason: shape };
    const mission = order.mission;
    if (mission.kind === 'survey') {
      const area = validateSurveyArea(mission.area, {
        laneSpacingM: mission.laneSpacingM,
        insetM: surveyInsetM(mission),
      });
      if (area) return { verdict: 'malformed', reason: `mission.area: ${area}` };
    }
    if (!this.placedAt)
      return { verdict: 'impossible', reason: 'the robot has no world pose yet: no mission has placed it' };
    const here = this.pose.poseAt(this.clock.nowUs()) ?? this.placedAt;
    const problem = missionImpossibility(order.mission, here, this.knowledge(), this.surveyPoints(order.mission));
    return problem ? { verdict: 'impossible', reason: problem } : { verdict: 'accepted' };
  }

  /** Aborts the mission with this id (running or waiting); false when there is none. */
  abort(id: string, reason: string): boolean {
    return this.board.cancel(id, reason, this.clock.nowUs());
  }

  /** What the reflex does now: a stop that lasts holds the running mission, and clearing releases it. */
  reflexState(hold: ReflexHold): void {
    this.reflex = hold;
  }

  /** The odometry of record moved on (the applied motion changed). */
  odometry(sample: OdometrySample): void {
    this.pose.odometryChanged(sample);
    this.energy.odometry(sample);
  }

  /** The wheel encoders' travel (the pose estimate rests on it from the first reading on; the energy per metre is learned on it). */
  wheels(reading: WheelTravel): void {
    this.pose.wheels(reading);
    this.energy.wheels(reading);
  }

  /** A battery monitor's reading: the energy left, and whether it is time to go back to the dock. */
  battery(reading: BatteryReading): void {
    this.energy.reading(reading);
  }

  /** The IMU's yaw rates. */
  gyro(stampsUs: readonly number[], zRadps: readonly number[]): void {
    this.pose.gyro(stampsUs, zRadps);
  }

  /** Every mission on the board with its progress: running first, then waiting, then ended. */
  /** The peers and hazards as the comms thread now knows them: the right of way's input; their bodies are left out of the map. */
  peers(views: PeerView[], hazards: Hazard[]): void {
    if (!this.coordinator) return;
    this.coordinator.update(views, hazards);
    this.world?.useMovingBodies(this.coordinator.movingBodies());
    this.navigator?.useStandingBodies(this.coordinator.standingBodies());
    if (this.world) this.hazardMarks.apply(this.world.grid, hazards);
  }

  missions(): MissionView[] {
    const pose = this.pose.poseAt(this.clock.nowUs());
    return this.board.views((record) => this.describe(record, pose));
  }

  status(): CortexStatus {
    const pose = this.pose.poseAt(this.clock.nowUs());
    const running = this.board.active;
    const next = running ?? this.board.records().find((r) => r.state === 'queued' || r.state === 'preempted') ?? null;
    const progress = running ? this.describe(running, pose) : null;
    return {
      pose,
      missionKind: next?.order.mission.kind ?? this.lastKind,
      missionState: next ? next.state : this.lastEnded,
      missionId: running?.order.id ?? null,
      progress: progress?.progress ?? null,
      etaS: progress?.etaS ?? null,
      goalDistanceM: this.goalDistanceM,
    };
  }

  private describe(
    record: MissionRecord<MissionProgress>,
    pose: Pose2D | null,
  ): Pick<MissionView, 'progress' | 'etaS' | 'lapsDone'> {
    const mission = record.order.mission;
    const progress = record.progress;
    if (record.state === 'succeeded') return { progress: 1, etaS: null, lapsDone: progress?.route?.lapsDone ?? 0 };
    if (!progress) return { progress: 0, etaS: null, lapsDone: 0 };
    if (mission.kind === 'drive') {
      const doneS = progress.activeUs / 1e6;
      return {
        progress: Math.min(1, doneS / mission.durationS),
        etaS: Math.max(0, mission.durationS - doneS),
        lapsDone: 0,
      };
    }
    const route = progress.route;
    if (!route || !pose) return { progress: 0, etaS: null, lapsDone: route?.lapsDone ?? 0 };
    const speed = Math.max(this.settings.cruiseSpeedMps, 1e-3);
    return { progress: route.progress(pose), etaS: route.remainingM(pose) / speed, lapsDone: route.lapsDone };
  }

  /** The site as the map and the configuration know it, for judging missions. */
  private knowledge(): SiteKnowledge {
    const navigator = this.navigator;
    return {
      geofence: this.site.geofence,
      dock: this.site.dock,
      blocked: (p) => navigator?.blockedAt(p) ?? false,
      reachable: (from, to) => (navigator ? navigator.reachable(from, to) : null),
    };
  }

  /** A survey's lane ends in order (none for other missions). */
  private surveyPoints(mission: MissionOrder['mission']): Point2D[] {
    if (mission.kind !== 'survey') return [];
    return lawnmowerPath(mission.area, { laneSpacingM: mission.laneSpacingM, insetM: surveyInsetM(mission) }).waypoints;
  }

  /** The points a mission drives to, from where the robot is as it starts (null: none, a drive mission). */
  private routeOf(mission: MissionOrder['mission'], from: Point2D): MissionRoute | null {
    const leg = (goal: Point2D, toleranceM: number, headingRad?: number): RouteLeg =>
      headingRad === undefined ? { goal, toleranceM } : { goal, toleranceM, headingRad };
    switch (mission.kind) {
      case 'drive':
        return null;
      case 'goto':
        return new MissionRoute([leg(mission.goal, mission.toleranceM, mission.headingRad)], 1, from);
      case 'patrol':
        return new MissionRoute(
          mission.waypoints.map((p) => leg(p, mission.toleranceM)),
          mission.laps,
          from,
        );
      case 'survey':
        return new MissionRoute(
          this.surveyPoints(mission).map((p) => leg(p, mission.toleranceM)),
          1,
          from,
        );
      case 'return-to-base':
        return new MissionRoute([leg(this.site.dock ?? from, mission.toleranceM)], 1, from);
    }
  }

  private step(): void {
    const nowUs = this.clock.nowUs();
    const dtUs = this.lastStepUs === null ? 0 : nowUs - this.lastStepUs;
    this.lastStepUs = nowUs;
    this.pose.advance(nowUs);
    this.watchEnergy(nowUs);
    const coordination = this.coordinate(nowUs);
    const mission = this.plan(nowUs, dtUs);
    const guarded = this.guardStep(nowUs, mission);
    // Held for a peer: the robot stands still (the reflex's swarm hold enforces the no-way-forward part
    // too); turning on the spot in a tight place would sweep into the peer's way or the walls.
    const motion = coordination?.hold ? { vMps: 0, wRadps: 0 } : guarded;
    const holdReason = this.reflexHoldReason(nowUs) ?? this.guardHold;
    if (holdReason) this.board.hold(holdReason, nowUs);
    else this.board.release(nowUs);
    this.send({ t: 'drive', command: { source: 'cortex', vMps: motion.vMps, wRadps: motion.wRadps, stampUs: nowUs } });
    this.send({ t: 'status', status: this.status() });
    if (coordination?.publish) this.send({ t: 'mesh', ...coordination.publish });
  }

  /**
   * The step's right of way: the decision from the peers' claims (a hold goes to the reflex when
   * it changes; a back-off becomes the detour the route's point waits behind), and the robot's
   * state and claim to the peers at the mesh's rate (returned: sent after the step's status).
   */
  private coordinate(nowUs: number): CoordinationStep | null {
    const coordinator = this.coordinator;
    const pose = this.pose.poseAt(nowUs);
    if (!coordinator || !pose) return null;
    const applied = this.pose.commanded.latest();
    const stoppedBySafety =
      this.reflex.state === 'estop' ||
      (this.reflex.state === 'stopped' && !this.reflex.reason.startsWith(SWARM_HOLD_REASON_PREFIX));
    const step = coordinator.step(
      nowUs,
      {
        pose,
        vMps: applied.vMps,
        wRadps: applied.wRadps,
        footprintRadiusM: this.settings.robotRadiusM,
        path: this.intendedPath(pose),
        missionPriority: this.board.active?.order.priority ?? 0,
        carryingPayload: false,
        safetyStopped: stoppedBySafety,
      },
      { passable: (point) => this.passingPlaceFits(point), crampedness: (point) => this.crampedness(point) },
    );
    this.detour = step.detour;
    const holdText = step.hold ? `${step.hold.peer}: ${step.hold.reason}` : null;
    if (holdText !== this.swarmHoldSent) {
      this.swarmHoldSent = holdText;
      this.send({ t: 'swarm-hold', hold: step.hold });
    }
    this.recordRightOfWay(step.decision);
    return step;
  }

  /** A `right-of-way` event whenever what the robot does about its peers changes (a hold, a back-off, a deadlock broken, going on). */
  private recordRightOfWay(decision: RightOfWayDecision): void {
    const { hold, backOff, deadlock } = decision;
    const action = backOff ? (deadlock ? 'deadlock' : 'back-off') : hold ? 'hold' : 'go';
    const peer = backOff?.forPeer ?? hold?.peer ?? '';
    const key = `${action} ${peer}`;
    if (key === this.rightOfWayRecorded) return;
    this.rightOfWayRecorded = key;
    const reason = backOff?.reason ?? hold?.reason ?? 'no peer holds the way';
    this.send({ t: 'record', body: { kind: 'right-of-way', action, peer, reason, cycle: deadlock ?? [] } });
  }

  /**
   * The way the robot means to go, nearest first: the planned path, or (without a world model,
   * driving straight at its point) the line to the running leg's point; none without a mission.
   */
  private intendedPath(pose: Pose2D): Point2D[] {
    const record = this.board.active;
    if (!record) return [];
    if (this.navigator) return this.navigator.pathAhead;
    const goal = this.detour?.to ?? record.progress?.route?.current?.goal;
    return goal ? [{ xM: pose.xM, yM: pose.yM }, goal] : [];
  }

  /**
   * True where a robot giving way may wait (anywhere without a map): ground it has seen free, where
   * its footprint keeps the passing clearance (the reflex's stop margin) from every obstacle, so
   * that it can turn there and drive out again; not a spot it has never seen, nor one where the
   * reflex would hold it against a wall.
   */
  private passingPlaceFits(point: Point2D): boolean {
    const navigator = this.navigator;
    const grid = this.world?.grid;
    if (!navigator || !grid) return true;
    const index = grid.indexAt(point.xM, point.yM);
    if (index < 0 || !grid.isKnownFree(index)) return false;
    // One cell more than the clearance: the cost layer measures from cell centres, off by up to a cell.
    const clearanceM = this.settings.passingClearanceM + grid.resolutionM;
    const clearanceCost = Math.max(1, inflatedCost(clearanceM, this.settings.inflationRadiusM));
    return (navigator.costs.costs[index] as number) < clearanceCost;
  }

  /** How near an obstacle a point is on the cost layer (0 in the open, {@link LETHAL_COST} off the map). */
  private crampedness(point: Point2D): number {
    const navigator = this.navigator;
    const grid = this.world?.grid;
    if (!navigator || !grid) return 0;
    const index = grid.indexAt(point.xM, point.yM);
    return index < 0 ? LETHAL_COST : (navigator.costs.costs[index] as number);
  }

  /**
   * Every couple of seconds while a mission runs: the energy for the way back to the dock (the
   * planned path's length × the energy per metre learned, × the reserve factor, + the floor)
   * against what the battery has left. When that comes close, a return to base at the highest
   * priority preempts everything, and once there the robot rests, starting nothing else, until
   * its battery is charged.
   */
  private watchEnergy(nowUs: number): void {
    if (this.resting) {
      const estimate = this.energy.estimate();
      if (estimate && estimate.stateOfCharge >= CHARGED_STATE_OF_CHARGE) {
        log('charged (%d %%): missions go on', Math.round(estimate.stateOfCharge * 100));
        this.resting = null;
      }
      return;
    }
    const dock = this.site.dock;
    const running = this.board.active;
    if (!dock || !running || running.order.mission.kind === 'return-to-base') return;
    if (nowUs - this.energyCheckedUs < ENERGY_CHECK_US) return;
    this.energyCheckedUs = nowUs;
    const pose = this.pose.poseAt(nowUs);
    if (!pose) return;
    const pathBackM = this.pathBackM(nowUs, pose, dock);
    const decision = this.energy.shouldReturn(pathBackM);
    if (!decision?.returnNow) return;
    const order: MissionOrder = {
      id: `energy-return-${++this.energyReturns}`,
      priority: MAX_MISSION_PRIORITY,
      source: 'cortex',
      mission: { kind: 'return-to-base', toleranceM: DEFAULT_MISSION_TOLERANCE_M },
    };
    const why =
      `battery: ${decision.remainingWh.toFixed(2)} Wh left, ${decision.needWh.toFixed(2)} Wh to drive ` +
      `${pathBackM.toFixed(1)} m back to the dock with ${decision.reserveWh.toFixed(2)} Wh reserve`;
    log('returning to base: %s', why);
    this.board.submit(order, nowUs, why);
    this.restAfter = order.id;
  }

  /**
   * Length of the way back to the dock, metres (Infinity: none on the map). A whole search costs a
   * cycle's worth of time on a large map, so it runs at most every {@link PATH_BACK_SEARCH_US};
   * in between, the straight distance is scaled by the detour the last search found.
   */
  private pathBackM(nowUs: number, pose: Pose2D, dock: Point2D): number {
    const straightM = Math.hypot(dock.xM - pose.xM, dock.yM - pose.yM);
    const navigator = this.navigator;
    if (!navigator) return straightM;
    if (nowUs - this.pathBack.searchedUs >= PATH_BACK_SEARCH_US) {
      const lengthM = navigator.pathLengthM(pose, dock);
      this.pathBack = {
        searchedUs: nowUs,
        detour: lengthM === null ? Infinity : straightM > 0.5 ? Math.max(1, lengthM / straightM) : 1,
      };
    }
    return straightM === 0 ? 0 : straightM * this.pathBack.detour;
  }

  /** Why the reflex holds the running mission: a stop of its that lasted over a second (null: it does not). */
  private reflexHoldReason(nowUs: number): string | null {
    const holding = this.reflex.state === 'stopped' || this.reflex.state === 'estop';
    if (!holding) {
      this.reflexHoldSinceUs = null;
      return null;
    }
    this.reflexHoldSinceUs ??= nowUs;
    if (nowUs - this.reflexHoldSinceUs < HOLD_AFTER_US) return null;
    const what = this.reflex.state === 'estop' ? 'the e-stop' : 'the reflex';
    return `held by ${what}${this.reflex.reason ? `: ${this.reflex.reason}` : ''}`;
  }

  /**
   * The consistency checker's part in a step of a point-to-point mission: its reaction may take the
   * command over (an explore motion, a hold), then it hears what was asked and measured.
   */
  private guardStep(nowUs: number, mission: { vMps: number; wRadps: number }): { vMps: number; wRadps: number } {
    const record = this.board.active;
    const guard = this.guard;
    const pose = this.pose.poseAt(nowUs);
    const watched = record && record.order.mission.kind !== 'drive' ? record : null;
    if (watched !== this.guarded) {
      guard?.reset();
      this.guarded = watched;
      this.guardHold = null;
    }
    if (!guard || !watched || !pose) return mission;
    const step = guard.steer(nowUs, pose, mission, this.rearClearM(pose));
    this.guardHold = step.holdReason;
    if (step.replan) this.navigator?.replan();
    const applied = this.pose.commanded.latest();
    const localiser = this.world?.localiser;
    guard.observe(
      nowUs,
      step.command,
      { vMps: applied.vMps, wRadps: applied.wRadps },
      this.pose.measured ? this.pose.history.poseAt(nowUs) : null,
      localiser ? { state: localiser.state, quality: localiser.quality } : { state: 'off', quality: null },
    );
    return step.command;
  }

  /** Free distance straight behind the robot on the cost layer, metres, up to {@link REAR_LOOK_M} (null: no map). */
  private rearClearM(pose: Pose2D): number | null {
    const navigator = this.navigator;
    const grid = this.world?.grid;
    if (!navigator || !grid) return null;
    const stepM = grid.resolutionM;
    for (let d = stepM; d <= REAR_LOOK_M; d += stepM) {
      const index = grid.indexAt(pose.xM - d * Math.cos(pose.yawRad), pose.yM - d * Math.sin(pose.yawRad));
      if (index < 0 || (navigator.costs.costs[index] as number) >= LETHAL_COST) return d - stepM;
    }
    return REAR_LOOK_M;
  }

  private plan(nowUs: number, dtUs: number): { vMps: number; wRadps: number } {
    // Resting at the dock for energy: what runs may end, nothing new starts.
    const record = this.resting && !this.board.active ? null : this.board.startNext(nowUs);
    const pose = this.pose.poseAt(nowUs);
    if (!record || !pose) return { vMps: 0, wRadps: 0 };
    const mission = record.order.mission;
    this.lastKind = mission.kind;
    if (!record.progress) {
      record.progress = { route: this.routeOf(mission, pose), activeUs: 0 };
      this.goalDistanceM = null;
    }
    const progress = record.progress;
    if (record.state === 'active') progress.activeUs += dtUs;
    if (mission.kind === 'drive') {
      if (progress.activeUs >= mission.durationS * 1e6) {
        this.board.finish('succeeded', `drove for ${mission.durationS} s`, nowUs);
        return { vMps: 0, wRadps: 0 };
      }
      return { vMps: mission.vMps, wRadps: mission.wRadps };
    }
    const route = progress.route;
    const leg = route?.current;
    if (!route || !leg) {
      this.board.finish('succeeded', 'every point reached', nowUs);
      return { vMps: 0, wRadps: 0 };
    }
    return this.driveLeg(nowUs, pose, route, leg, mission.kind === 'survey');
  }

  /** Drives to the route's current point (then turns to its heading); moves the route on, or ends the mission, when there. */
  private driveLeg(
    nowUs: number,
    pose: Pose2D,
    route: MissionRoute,
    leg: RouteLeg,
    skipUnreachable: boolean,
  ): { vMps: number; wRadps: number } {
    const toleranceM = Math.min(this.settings.goalToleranceM, leg.toleranceM / 2);
    const navigator = this.navigator;
    if (this.detour) {
      // Out of a peer's way: to the passing place, and wait there while the right of way says so.
      const { to, withinM } = this.detour;
      const awayToleranceM = Math.min(this.settings.goalToleranceM, withinM);
      const away = navigator
        ? navigator.step(nowUs, pose, to, awayToleranceM)
        : seekGoal(pose, to, {
            cruiseSpeedMps: this.settings.cruiseSpeedMps,
            headingGain: this.settings.headingGain,
            maxTurnRateRadps: this.settings.maxTurnRateRadps,
            toleranceM: awayToleranceM,
          });
      return away.reached ? { vMps: 0, wRadps: 0 } : away;
    }
    const seek = navigator
      ? navigator.step(nowUs, pose, leg.goal, toleranceM)
      : seekGoal(pose, leg.goal, {
          cruiseSpeedMps: this.settings.cruiseSpeedMps,
          headingGain: this.settings.headingGain,
          maxTurnRateRadps: this.settings.maxTurnRateRadps,
          toleranceM,
        });
    this.goalDistanceM = seek.distanceM;
    if (navigator && navigator.failedPlans >= FAILED_PLANS_TO_GIVE_UP) {
      const at = `(${leg.goal.xM.toFixed(2)}, ${leg.goal.yM.toFixed(2)})`;
      if (!skipUnreachable) {
        this.board.finish('failed', `no way to ${at} on the map`, nowUs);
        return { vMps: 0, wRadps: 0 };
      }
      log('lane point %s cannot be reached: skipped', at);
      route.reached();
      return { vMps: 0, wRadps: 0 };
    }
    if (!seek.reached) return seek;
    if (leg.headingRad !== undefined) {
      const error = normalizeAngle(leg.headingRad - pose.yawRad);
      if (Math.abs(error) > HEADING_TOLERANCE_RAD) {
        const w = Math.max(
          -this.settings.maxTurnRateRadps,
          Math.min(this.settings.maxTurnRateRadps, this.settings.headingGain * error),
        );
        return { vMps: 0, wRadps: w };
      }
    }
    route.reached();
    log('point (%d, %d) reached: leg %d of lap %d next', leg.goal.xM, leg.goal.yM, route.legIndex, route.lapsDone + 1);
    if (route.done) {
      log('route done (%s m from the last point by the pose estimate)', seek.distanceM.toFixed(3));
      const laps = route.laps > 1 ? `, ${route.lapsDone} laps done` : '';
      this.board.finish('succeeded', `every point reached${laps}`, nowUs);
    }
    return { vMps: 0, wRadps: 0 };
  }
}
