import createDebug from 'debug';
import type { Point2D, Pose2D } from '../../messages/geometry.js';
import type { Hazard, OwnClaim, OwnMeshState, PeerView } from '../../messages/peer.js';
import { RightOfWay, type RightOfWayDecision } from '../right-of-way/right-of-way.js';
import type { MovingDisc } from '../world-model/scan-integrator.js';
import type { StandingBody } from '../planning/standing-bodies.js';
import { RIGHT_OF_WAY_DEFAULTS } from '../right-of-way/right-of-way-settings.js';
import { pathPreview } from './path-preview.js';
import type { PeerSettings } from './peer-settings.js';

const log = createDebug('spinal:cortex:peers');

/** The robot as it takes part in a coordination step. */
export interface CoordinatedRobot {
  pose: Pose2D;
  vMps: number;
  wRadps: number;
  footprintRadiusM: number;
  /** The remaining planned path, nearest first (empty without one). */
  path: Point2D[];
  missionPriority: number;
  carryingPayload: boolean;
  safetyStopped: boolean;
}

/** The ground a passing place is looked for on: the robot's cost layer. */
export interface PassingGround {
  /** The robot's footprint can stand at this point, with room to drive out. */
  passable(point: Point2D): boolean;
  /** How cramped the point is (lower is roomier). */
  crampedness(point: Point2D): number;
}

/** A passing place to drive to, and how near it the robot must come to be out of the way. */
export interface PassingDetour {
  to: Point2D;
  withinM: number;
}

/** What one step of coordination asks of the robot. */
export interface CoordinationStep {
  /** Hold where it is (the reflex's swarm hold), or null. */
  hold: { peer: string; reason: string } | null;
  /** Drive to this passing place instead of the route's point (and hold there), or null. */
  detour: PassingDetour | null;
  /** What to tell the peers now (at the state rate), or null. */
  publish: { state: OwnMeshState; claim: OwnClaim } | null;
  decision: RightOfWayDecision;
}

/** A peer driving slower than this stands (the right of way's own threshold for standing still), m/s. */
const STANDING_MPS = RIGHT_OF_WAY_DEFAULTS.stillMps;

/** A return this far beyond a body's footprint radius is still on it, metres (the lidar's spread). */
const LIDAR_SPREAD_M = 0.1;
/**
 * How far apart two robots' pose estimates of the same place may lie, metres. Each localises on its
 * own map, and along a featureless corridor an estimate drifts by some 0.3 m (nothing there fixes
 * it lengthwise): a peer's body is seen up to about 0.35 m from where its own estimate puts it.
 */
const POSE_DISAGREEMENT_M = 0.4;

/**
 * The cortex's part in the mesh: keeps what the comms thread last said of the peers, takes the
 * right-of-way decision at every planner step, and says when to tell the peers the robot's state
 * and claim. The decision itself is cortex/right-of-way's; this joins it to the mission.
 */
export class PeerCoordinator {
  private peerViews: PeerView[] = [];
  private hazardList: Hazard[] = [];
  private readonly rightOfWay: RightOfWay;
  private publishedUs = -Infinity;
  private holding: string | null = null;

  constructor(private readonly settings: PeerSettings) {
    this.rightOfWay = new RightOfWay({ claimAheadM: settings.claimAheadM, claimForMs: settings.claimForMs });
  }

  /** The peers and hazards as the comms thread now knows them. */
  update(peers: PeerView[], hazards: Hazard[]): void {
    this.peerViews = peers;
    this.hazardList = hazards;
  }

  get peers(): readonly PeerView[] {
    return this.peerViews;
  }

  get hazards(): readonly Hazard[] {
    return this.hazardList;
  }

  /**
   * Where the peers on their way somewhere stand (heard from lately, with a path): their bodies are
   * not walls, right of way keeps the robot clear of them. A peer at rest with no path (parked at
   * its goal) is mapped like anything else, and planned around. Each disc holds the peer's
   * footprint wherever this robot's lidar may see it: its radius, the lidar's spread, how far the
   * two pose estimates may disagree, and how far the peer has driven since its state was sent.
   * Too small a disc leaves the peer's front marked as a wall in the way (a corridor blocked for
   * the planner, which then bends the path into whatever it has not seen yet).
   */
  movingBodies(): MovingDisc[] {
    return this.peerViews.flatMap((peer) => {
      const state = peer.state;
      if (!state || peer.stale || !peer.online || state.pathPreview.length === 0) return [];
      const drivenM = Math.abs(state.vMps) * (Math.max(0, peer.ageMs) / 1e3);
      const radiusM = state.footprintRadiusM + LIDAR_SPREAD_M + POSE_DISAGREEMENT_M + drivenM;
      return [{ xM: state.pose.xM, yM: state.pose.yM, radiusM }];
    });
  }

  /**
   * The peers standing still where they last told (fresh and online): the planner goes round
   * them where there is room, so that a robot waiting in a passing place is passed by, not driven
   * at. Their footprint circles, where their own estimates put them.
   */
  standingBodies(): StandingBody[] {
    return this.peerViews.flatMap((peer) => {
      const state = peer.state;
      if (!state || peer.stale || !peer.online || Math.abs(state.vMps) >= STANDING_MPS) return [];
      return [{ xM: state.pose.xM, yM: state.pose.yM, radiusM: state.footprintRadiusM }];
    });
  }

  /** One planner step: the right-of-way decision for `robot` now, and what to publish. */
  step(nowUs: number, robot: CoordinatedRobot, ground: PassingGround): CoordinationStep {
    const decision = this.rightOfWay.decide({
      nowUs,
      self: {
        robotId: this.settings.robotId,
        safetyStopped: robot.safetyStopped,
        carryingPayload: robot.carryingPayload,
        missionPriority: robot.missionPriority,
        pose: robot.pose,
        footprintRadiusM: robot.footprintRadiusM,
        path: robot.path,
      },
      peers: this.peerViews,
      passable: ground.passable,
      crampedness: ground.crampedness,
    });
    const hold = decision.hold;
    const holdText = hold ? `${hold.peer}: ${hold.reason}` : null;
    if (holdText !== this.holding) log(holdText ? `holding for ${holdText}` : 'right of way clear');
    this.holding = holdText;
    const due = nowUs - this.publishedUs >= 1e6 / this.settings.stateHz;
    if (due) this.publishedUs = nowUs;
    return {
      hold,
      detour: decision.backOff ? { to: decision.backOff.to, withinM: decision.backOff.withinM } : null,
      publish: due
        ? {
            state: {
              pose: robot.pose,
              vMps: robot.vMps,
              wRadps: robot.wRadps,
              pathPreview: pathPreview(robot.path, this.settings.claimAheadM),
              footprintRadiusM: robot.footprintRadiusM,
              missionPriority: robot.missionPriority,
              carryingPayload: robot.carryingPayload,
              safetyStopped: robot.safetyStopped,
            },
            claim: decision.claim,
          }
        : null,
      decision,
    };
  }
}
