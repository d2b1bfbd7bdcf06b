import createDebug from 'debug';
import type { Point2D, Pose2D } from '../../messages/geometry.js';
import type { OwnClaim, PeerView, RobotPriority } from '../../messages/peer.js';
import type { ClaimingRobot } from './claim-conflict.js';
import { claimsAhead, claimsConflict } from './claim-conflict.js';
import { cutStretch } from './claim-stretch.js';
import type { KnownPeer, UnknownPeer } from './fleet-picture.js';
import { fleetPicture } from './fleet-picture.js';
import { findPassingPlace } from './passing-place.js';
import { pointDistance, pointPolylineDistance, pointSegmentDistance, polylineDistance } from './polyline-distance.js';
import { comparePriority } from './priority.js';
import type { ResolvedRightOfWaySettings, RightOfWaySettings } from './right-of-way-settings.js';
import { resolveRightOfWaySettings } from './right-of-way-settings.js';
import type { WaitEdge } from './wait-for-graph.js';
import { resolveDeadlocks, waitForEdges } from './wait-for-graph.js';

const log = createDebug('spinal:cortex:right-of-way');

/** Spacing of the points a claim is cut at when the robot gives way under the aging rule, metres. */
const CUT_STEP_M = 0.05;
/** A peer standing still that drifts further than this from where it stopped has moved, metres. */
const STILL_DRIFT_M = 0.2;
/** How far beyond the nearest passing place a roomier one is looked for, metres of driving. */
const SETTLE_M = 1;
/** Spacing of the points along its own way a robot giving way head-on looks aside from, metres. */
const AHEAD_STEP_M = 0.2;
/** How far aside from its own way a robot giving way head-on looks for a passing place, metres. */
const ASIDE_M = 1.2;
/**
 * A passing place ahead is taken only when the robot reaches it no later than the peer it gives
 * way to comes within this much more driving of it, metres (both robots at their cruise).
 */
const AHEAD_LATE_M = 1;

/** The robot itself, each planner step. */
export interface RightOfWaySelf extends RobotPriority {
  pose: Pose2D;
  footprintRadiusM: number;
  /** Remaining planned path, nearest first, world frame; empty when idle. */
  path: Point2D[];
}

export interface RightOfWayInput {
  nowUs: number;
  self: RightOfWaySelf;
  peers: PeerView[];
  /** The robot's cost layer: its footprint can stand at this point. */
  passable(point: Point2D): boolean;
  /**
   * How cramped a point is on the robot's cost layer (lower is roomier): of two passing places
   * about as near, the roomier one is taken. Without it, the nearest is.
   */
  crampedness?(point: Point2D): number;
}

/** The rules a passing place is looked for under, for one robot giving way. */
interface PassingPlaceRules {
  passable(point: Point2D): boolean;
  traversable(point: Point2D): boolean;
  acceptable(point: Point2D): boolean;
  cost(point: Point2D): number;
  settleM: number;
}

export interface RightOfWayDecision {
  /** What to publish now. */
  claim: OwnClaim;
  /** Hold where it is (goes to the reflex as a swarm hold). */
  hold: { peer: string; reason: string } | null;
  /** Drive to this passing place, then hold there. */
  /**
   * Drive to this passing place, within `withinM` of it (near enough to be out of the peers' way:
   * half the passing slack), then hold there.
   */
  backOff: { to: Point2D; withinM: number; forPeer: string; reason: string } | null;
  /** Peers this robot waits for (none while it backs off: it is the one that breaks the cycle). */
  waitsFor: string[];
  /** The cycle found, when one is (ids, in order: each waits for the next, the last for the first). */
  deadlock: string[] | null;
}

interface Stillness {
  sinceUs: number;
  anchor: Point2D;
}

interface KeptBackOff {
  to: Point2D;
  forPeer: string;
  /** The other robots of the cycle it backs off for. */
  cycle: string[];
  /**
   * The way the robot claimed when it began to back off: the way it wants to take. While it backs
   * off, its claim is the way to the passing place (or nothing, between two plans), which says
   * nothing of whether the peer is still coming; whether the peer's claim still meets this does.
   */
  wanted: Point2D[];
}

/** Their claims run at each other within this angle of straight on, radians (a head-on meeting, not a crossing). */
const HEAD_ON_RAD = Math.PI / 4;

/**
 * True when two robots come at each other along one way: their claims point opposite ways, within
 * {@link HEAD_ON_RAD}. The aging rule does not apply there: the robot waiting cannot pass the other
 * by its stopping where it is; it passes once the other has driven by, or has backed off for it.
 */
function headOn(a: ClaimingRobot, b: ClaimingRobot): boolean {
  const direction = (r: ClaimingRobot): Point2D | null => {
    const from = r.claim[0];
    const to = r.claim[r.claim.length - 1];
    if (from === undefined || to === undefined || pointDistance(from, to) < 1e-6) return null;
    return { xM: to.xM - from.xM, yM: to.yM - from.yM };
  };
  const da = direction(a);
  const db = direction(b);
  if (da === null || db === null) return false;
  const cos = (da.xM * db.xM + da.yM * db.yM) / (Math.hypot(da.xM, da.yM) * Math.hypot(db.xM, db.yM));
  return cos <= -Math.cos(HEAD_ON_RAD);
}

/**
 * Where a peer goes past the end of what it previews: straight on from its last step, `lengthM`
 * further (a segment from the preview's end; just the end when it previews no way). A robot's
 * preview reaches only so far, yet it drives on: a place just beyond the end of it is in the way
 * all the same, and a robot that backed off there would be asked to again as the peer comes on
 * (backed out of a corridor a little at a time, past the bay it could have waited in).
 */
function wayOnwards(robot: ClaimingRobot, lengthM: number): Point2D[] {
  const way = robot.preview.length >= robot.claim.length ? robot.preview : robot.claim;
  const end = way[way.length - 1] ?? robot.position;
  for (let i = way.length - 2; i >= 0; i--) {
    const from = way[i] as Point2D;
    const stepM = pointDistance(from, end);
    if (stepM < 1e-6) continue;
    const k = lengthM / stepM;
    return [end, { xM: end.xM + (end.xM - from.xM) * k, yM: end.yM + (end.yM - from.yM) * k }];
  }
  return [end];
}

/**
 * Points along `way` every `stepM` from its start, each with the distance driven to it, up to
 * `lengthM` (the start itself first).
 */
function samplePolyline(way: readonly Point2D[], stepM: number, lengthM: number): { point: Point2D; alongM: number }[] {
  const first = way[0];
  if (first === undefined) return [];
  const samples = [{ point: first, alongM: 0 }];
  let walkedM = 0;
  let nextM = stepM;
  for (let i = 1; i < way.length && nextM <= lengthM; i++) {
    const from = way[i - 1] as Point2D;
    const to = way[i] as Point2D;
    const segmentM = pointDistance(from, to);
    while (segmentM > 0 && nextM <= walkedM + segmentM && nextM <= lengthM) {
      const k = (nextM - walkedM) / segmentM;
      samples.push({
        point: { xM: from.xM + (to.xM - from.xM) * k, yM: from.yM + (to.yM - from.yM) * k },
        alongM: nextM,
      });
      nextM += stepM;
    }
    walkedM += segmentM;
  }
  return samples;
}

/**
 * The right-of-way decision of one robot, taken every planner step from what it knows of its peers
 * (docs/mesh.md, "Right of way"). Every robot runs the same rules over the same claims, so their
 * decisions agree without a central planner. It remembers, between steps, the passing place it is
 * driving to, since when each peer has stood still, and to whom it gives way under the aging rule;
 * time is only ever `nowUs`.
 */
export class RightOfWay {
  private readonly settings: ResolvedRightOfWaySettings;
  private backOff: KeptBackOff | null = null;
  private readonly still = new Map<string, Stillness>();
  private readonly agedYields = new Map<string, number>();
  private readonly agingSpent = new Set<string>();
  /** Since when each peer has been seen as the one of a cycle that should back off. */
  private readonly backerSince = new Map<string, number>();
  /** Since when this robot, told to back off, has found no passing place. */
  private noPlaceSinceUs: number | null = null;
  private droppedInputs = 0;
  private lastHold = '';

  constructor(settings: RightOfWaySettings) {
    this.settings = resolveRightOfWaySettings(settings);
  }

  /** Malformed inputs (peer views, parts of them, own pose, clock) counted and left out so far. */
  get dropped(): number {
    return this.droppedInputs;
  }

  decide(input: RightOfWayInput): RightOfWayDecision {
    const s = this.settings;
    const forMs = s.claimForMs;
    const self = input?.self;
    const nowUs = input?.nowUs;
    if (
      typeof nowUs !== 'number' ||
      !Number.isFinite(nowUs) ||
      typeof self !== 'object' ||
      self === null ||
      typeof self.pose !== 'object' ||
      self.pose === null ||
      ![self.pose.xM, self.pose.yM, self.footprintRadiusM].every((n) => typeof n === 'number' && Number.isFinite(n))
    ) {
      this.droppedInputs++;
      const peer = typeof self?.robotId === 'string' ? self.robotId : '';
      return this.report({
        claim: { path: [], forMs },
        hold: { peer, reason: 'its own pose or the clock is unknown' },
        backOff: null,
        waitsFor: [],
        deadlock: null,
      });
    }
    const margin = s.clearanceMarginM;
    const picture = fleetPicture(
      nowUs,
      { ...self, path: Array.isArray(self.path) ? self.path : [] },
      Array.isArray(input.peers) ? input.peers : [],
      s,
    );
    this.droppedInputs += picture.dropped;
    const desired = picture.self;
    const known = new Map(picture.known.map((p) => [p.robotId, p]));
    this.trackStillness(nowUs, picture.known);
    this.refreshAgedYields(nowUs, desired, known);

    let own = this.yieldingClaim(desired, known);
    let robots: ClaimingRobot[] = [own, ...picture.known];
    let edges = waitForEdges(robots, margin);
    if (this.startAgedYields(nowUs, own, known, edges)) {
      own = this.yieldingClaim(desired, known);
      robots = [own, ...picture.known];
      edges = waitForEdges(robots, margin);
    }
    const id = own.robotId;
    const resolution = resolveDeadlocks(robots, edges, this.stuckBackers(nowUs, id));
    this.trackBackers(nowUs, id, resolution.backingOff, resolution.cycles);
    const cycle = resolution.cycles.find((c) => c.includes(id)) ?? null;
    if (cycle === null) this.noPlaceSinceUs = null;
    const claim: OwnClaim = { path: claimsAhead(own) ? own.claim : [], forMs };
    const unknownInTheWay = claimsAhead(own)
      ? picture.unknown.filter((u) => polylineDistance(own.claim, u.way) < own.radiusM + u.radiusM + margin)
      : [];

    const backer = resolution.backingOff.includes(id);
    if (!backer && this.backOff !== null && !this.backOffStillNeeded(own, known)) this.backOff = null;
    if (backer || this.backOff !== null) {
      const forPeer = backer ? this.backOffFor(own, edges, known) : (this.backOff as KeptBackOff).forPeer;
      const inCycle = new Set(cycle ?? [forPeer]);
      const outcome = this.backOffStep(input, own, forPeer, inCycle, picture.known, picture.unknown);
      return this.report({ claim, ...outcome, waitsFor: [], deadlock: cycle });
    }

    if (cycle === null && unknownInTheWay.length === 0) {
      const aside = this.headOnYield(input, own, resolution.edges, known, picture.known, picture.unknown);
      if (aside !== null) return this.report({ claim, ...aside, waitsFor: [], deadlock: null });
    }

    const waitsFor: string[] = [];
    const reasons = new Map<string, string>();
    for (const u of unknownInTheWay) {
      waitsFor.push(u.id);
      reasons.set(u.id, `right of way unknown: ${u.id} ${u.why}, and the way it last claimed crosses this one`);
    }
    const mine = resolution.edges
      .filter((e) => e.from === id)
      .sort((a, b) => comparePriority(known.get(a.to) as KnownPeer, known.get(b.to) as KnownPeer));
    for (const e of mine) {
      if (reasons.has(e.to)) continue;
      waitsFor.push(e.to);
      reasons.set(
        e.to,
        e.why === 'in-the-way'
          ? `${e.to} stands in the way this robot claimed`
          : `gives way to ${e.to}: their claims conflict and ${e.to} goes first`,
      );
    }
    for (const [peer, sinceUs] of this.agedYields) {
      if (reasons.has(peer)) continue;
      waitsFor.push(peer);
      const waitedS = ((nowUs - sinceUs) / 1e6 + s.agingAfterMs / 1e3).toFixed(1);
      reasons.set(peer, `gives way to ${peer}, which has waited for its turn about ${waitedS} s (aging)`);
    }
    const first = waitsFor[0];
    const hold = first === undefined ? null : { peer: first, reason: reasons.get(first) as string };
    return this.report({ claim, hold, backOff: null, waitsFor, deadlock: cycle });
  }

  /**
   * The robots passed over when a cycle is broken: peers that should have backed off for
   * `backOffPatienceMs` and have stood still all that time, and this robot once it has found no
   * passing place for as long.
   */
  private stuckBackers(nowUs: number, selfId: string): Set<string> {
    const patienceUs = this.settings.backOffPatienceMs * 1e3;
    const stuck = new Set<string>();
    for (const [id, sinceUs] of this.backerSince) {
      const still = this.still.get(id);
      if (still !== undefined && nowUs - sinceUs >= patienceUs && nowUs - still.sinceUs >= patienceUs) stuck.add(id);
    }
    if (this.noPlaceSinceUs !== null && nowUs - this.noPlaceSinceUs >= patienceUs) stuck.add(selfId);
    return stuck;
  }

  /** Remembers since when each peer has been the one to back off, while it stays in a cycle. */
  private trackBackers(
    nowUs: number,
    selfId: string,
    backingOff: readonly string[],
    cycles: readonly string[][],
  ): void {
    for (const id of backingOff) if (id !== selfId && !this.backerSince.has(id)) this.backerSince.set(id, nowUs);
    const inCycles = new Set(cycles.flat());
    for (const id of [...this.backerSince.keys()]) if (!inCycles.has(id)) this.backerSince.delete(id);
  }

  /** Follows, for every known peer, since when it has stood still. */
  private trackStillness(nowUs: number, peers: readonly KnownPeer[]): void {
    const present = new Set<string>();
    for (const peer of peers) {
      present.add(peer.robotId);
      const kept = this.still.get(peer.robotId);
      const standing = Math.abs(peer.vMps) < this.settings.stillMps;
      if (!standing || (kept !== undefined && pointDistance(kept.anchor, peer.position) > STILL_DRIFT_M)) {
        this.still.delete(peer.robotId);
        this.agingSpent.delete(peer.robotId);
        if (!standing) continue;
      }
      if (!this.still.has(peer.robotId)) this.still.set(peer.robotId, { sinceUs: nowUs, anchor: peer.position });
    }
    for (const id of [...this.still.keys()]) if (!present.has(id)) this.still.delete(id);
    for (const id of [...this.agingSpent]) if (!present.has(id)) this.agingSpent.delete(id);
  }

  /** Keeps giving way under the aging rule while the peer's claim still crosses this robot's way, within the cap. */
  private refreshAgedYields(nowUs: number, desired: ClaimingRobot, known: Map<string, KnownPeer>): void {
    for (const [peer, sinceUs] of [...this.agedYields]) {
      const robot = known.get(peer);
      const expired = nowUs - sinceUs >= this.settings.agingYieldMaxMs;
      if (robot === undefined || expired || !claimsConflict(desired, robot, this.settings.clearanceMarginM)) {
        this.agedYields.delete(peer);
        if (expired) this.agingSpent.add(peer);
      }
    }
  }

  /**
   * The aging rule: gives way to a peer that waits for this robot by priority and has stood still
   * wanting to move for `agingAfterMs`, when every robot it waits for does so by priority too (so all
   * of them can give way at once). True when a new one was added.
   */
  private startAgedYields(
    nowUs: number,
    own: ClaimingRobot,
    known: Map<string, KnownPeer>,
    edges: WaitEdge[],
  ): boolean {
    let added = false;
    for (const e of edges) {
      if (e.to !== own.robotId || e.why !== 'priority' || this.agedYields.has(e.from) || this.agingSpent.has(e.from))
        continue;
      const still = this.still.get(e.from);
      const waiter = known.get(e.from);
      if (waiter === undefined || !claimsAhead(waiter)) continue;
      if (still === undefined || nowUs - still.sinceUs < this.settings.agingAfterMs * 1e3) continue;
      const allByPriority = edges.filter((x) => x.from === e.from).every((x) => x.why === 'priority');
      if (!allByPriority || headOn(own, waiter)) continue;
      this.agedYields.set(e.from, nowUs);
      log('%s gives way to %s under the aging rule', own.robotId, e.from);
      added = true;
    }
    return added;
  }

  /** The robot's claim, cut short before the ways of the peers it gives way to under the aging rule. */
  private yieldingClaim(desired: ClaimingRobot, known: Map<string, KnownPeer>): ClaimingRobot {
    if (this.agedYields.size === 0) return desired;
    const ways = [...this.agedYields.keys()].flatMap((id) => {
      const peer = known.get(id);
      return peer === undefined ? [] : [peer];
    });
    const reach = (peer: KnownPeer): number => desired.radiusM + peer.radiusM + this.settings.clearanceMarginM;
    const claim = cutStretch(
      desired.claim,
      (p) => ways.every((peer) => pointPolylineDistance(p, peer.claim) >= reach(peer)),
      CUT_STEP_M,
    );
    return { ...desired, claim };
  }

  /** The peer a robot that backs off does so for: the first by priority of those it waits for in its cycle. */
  private backOffFor(own: ClaimingRobot, edges: readonly WaitEdge[], known: Map<string, KnownPeer>): string {
    const waited = edges
      .filter((e) => e.from === own.robotId)
      .map((e) => known.get(e.to))
      .filter((p): p is KnownPeer => p !== undefined)
      .sort(comparePriority);
    return waited[0]?.robotId ?? this.backOff?.forPeer ?? '';
  }

  /**
   * A kept passing place is driven to until reached out of the way, or until no other robot of the
   * cycle it backs off for still claims a way that meets the one this robot wants to take (its
   * claim when it began to back off) or has it standing in its way
   * (its claim, its preview and on past it). Reached is near the place and standing in no such
   * robot's way: a robot that stopped short of a tight bay, its footprint still in the corridor,
   * goes on into it (else the peer waits for it, and the two wait for each other again). Not merely until the cycle is broken (a robot that turned back the
   * moment it was out of the way would close the cycle again), and not by whether the claims touch
   * alone (the peer waits right where the robot got in its way, so that flickers with every
   * centimetre; whether the robot is out of the way does not).
   */
  private backOffStillNeeded(own: ClaimingRobot, known: Map<string, KnownPeer>): boolean {
    const kept = this.backOff as KeptBackOff;
    const near = pointDistance(own.position, kept.to) <= this.settings.passingReachedM;
    return kept.cycle.some((id) => {
      const peer = known.get(id);
      if (peer === undefined) return false;
      const reach = own.radiusM + peer.radiusM + this.settings.clearanceMarginM;
      const inTheWay = [peer.claim, peer.preview, wayOnwards(peer, this.settings.passingSearchRadiusM)].some(
        (way) => pointPolylineDistance(own.position, way) < reach,
      );
      return inTheWay || (!near && polylineDistance(kept.wanted, peer.claim) < reach);
    });
  }

  /**
   * The rules a passing place is looked for under when this robot gives way to the robots of
   * `inCycle` (and to every peer above it): its footprint fits there on its cost layer, clear of
   * every peer, and off the claims, previews and ways onwards of those it gives way to, by the
   * margin and the slack; the way there crosses no peer's footprint.
   */
  private passingPlaceRules(
    input: RightOfWayInput,
    own: ClaimingRobot,
    inCycle: ReadonlySet<string>,
    peers: readonly KnownPeer[],
    unknown: readonly UnknownPeer[],
  ): PassingPlaceRules {
    const s = this.settings;
    const margin = s.clearanceMarginM;
    const guarded = <T>(read: () => T, fallback: T): T => {
      try {
        return read();
      } catch {
        this.droppedInputs++;
        return fallback;
      }
    };
    const passable = (p: Point2D): boolean => guarded(() => input.passable(p) === true, false);
    const crampedness = input.crampedness;
    const cost = (p: Point2D): number => {
      if (crampedness === undefined) return 0;
      const value = guarded(() => crampedness(p), Infinity);
      return typeof value === 'number' && !Number.isNaN(value) ? value : Infinity;
    };
    const givesWayTo = peers.filter((p) => inCycle.has(p.robotId) || comparePriority(p, own) < 0);
    const onwards = givesWayTo.map((r) => wayOnwards(r, s.passingSearchRadiusM));
    const acceptable = (p: Point2D): boolean =>
      passable(p) &&
      peers.every((r) => pointDistance(p, r.position) >= own.radiusM + r.radiusM + margin) &&
      givesWayTo.every((r, i) => {
        const reach = own.radiusM + r.radiusM + margin + s.passingSlackM;
        return (
          pointPolylineDistance(p, r.claim) >= reach &&
          pointPolylineDistance(p, r.preview) >= reach &&
          pointPolylineDistance(p, onwards[i] as Point2D[]) >= reach
        );
      }) &&
      unknown.every((u) => pointPolylineDistance(p, u.way) >= own.radiusM + u.radiusM + margin);
    const traversable = (p: Point2D): boolean =>
      peers.every((r) => pointDistance(p, r.position) >= own.radiusM + r.radiusM);
    return { passable, traversable, acceptable, cost, settleM: crampedness === undefined ? 0 : SETTLE_M };
  }

  /**
   * Giving way head-on without a cycle: a robot that waits by priority for a peer coming straight
   * at it along one way (a corridor) cannot wait where it is, since the peer cannot get by it
   * there. It looks for a passing place along its own way ahead (aside from it, within
   * {@link ASIDE_M}), nearest first, and takes the first one it reaches before the peer does
   * (within {@link AHEAD_LATE_M}): a bay halfway along the corridor rather than the corridor's
   * far end behind it. Null when it stands off the peer's way already, or there is no such place
   * ahead (it then holds, and backs off once the two wait for each other).
   */
  private headOnYield(
    input: RightOfWayInput,
    own: ClaimingRobot,
    edges: readonly WaitEdge[],
    known: Map<string, KnownPeer>,
    peers: readonly KnownPeer[],
    unknown: readonly UnknownPeer[],
  ): Pick<RightOfWayDecision, 'hold' | 'backOff'> | null {
    const oncoming = edges
      .filter((e) => e.from === own.robotId && e.why === 'priority')
      .map((e) => known.get(e.to))
      .filter((p): p is KnownPeer => p !== undefined && headOn(own, p))
      .sort(comparePriority)[0];
    if (oncoming === undefined) return null;
    const s = this.settings;
    const inCycle = new Set([own.robotId, oncoming.robotId]);
    const rules = this.passingPlaceRules(input, own, inCycle, peers, unknown);
    if (rules.acceptable(own.position)) return null;
    const way = own.preview.length > own.claim.length ? own.preview : own.claim;
    for (const { point, alongM } of samplePolyline(way, AHEAD_STEP_M, s.passingSearchRadiusM)) {
      const peerM = pointDistance(oncoming.position, point);
      if (alongM > peerM + AHEAD_LATE_M) break;
      if (!rules.passable(point) || !rules.traversable(point)) break;
      const place = rules.acceptable(point)
        ? point
        : findPassingPlace({ from: point, ...rules, radiusM: ASIDE_M, stepM: s.passingSearchStepM });
      if (place === null) continue;
      if (alongM + pointDistance(point, place) > peerM + AHEAD_LATE_M) continue;
      log(
        '%s gives way head-on to %s at a passing place ahead, (%s, %s)',
        own.robotId,
        oncoming.robotId,
        place.xM.toFixed(2),
        place.yM.toFixed(2),
      );
      this.backOff = { to: place, forPeer: oncoming.robotId, cycle: [oncoming.robotId], wanted: own.claim };
      return this.backOffStep(input, own, oncoming.robotId, inCycle, peers, unknown);
    }
    return null;
  }

  /** Where to back off to (the kept passing place while it still is one), or why it holds instead. */
  private backOffStep(
    input: RightOfWayInput,
    own: ClaimingRobot,
    forPeer: string,
    inCycle: ReadonlySet<string>,
    peers: readonly KnownPeer[],
    unknown: readonly UnknownPeer[],
  ): Pick<RightOfWayDecision, 'hold' | 'backOff'> {
    const s = this.settings;
    const margin = s.clearanceMarginM;
    const rules = this.passingPlaceRules(input, own, inCycle, peers, unknown);
    const { acceptable } = rules;
    const kept = this.backOff;
    let to = kept !== null && kept.forPeer === forPeer && acceptable(kept.to) ? kept.to : null;
    if (to === null) {
      to = findPassingPlace({
        from: own.position,
        ...rules,
        radiusM: s.passingSearchRadiusM,
        stepM: s.passingSearchStepM,
      });
    }
    if (to === null) {
      this.backOff = null;
      this.noPlaceSinceUs ??= input.nowUs;
      return {
        hold: {
          peer: forPeer,
          reason: `no passing place within ${s.passingSearchRadiusM} m to give way to ${forPeer}`,
        },
        backOff: null,
      };
    }
    const cycle = [...inCycle].filter((id) => id !== own.robotId);
    const keptCycle = kept !== null && kept.forPeer === forPeer ? kept.cycle : [];
    const wanted = kept !== null && kept.forPeer === forPeer ? kept.wanted : own.claim;
    this.backOff = { to, forPeer, cycle: [...new Set([...keptCycle, ...cycle])], wanted };
    this.noPlaceSinceUs = null;
    const blocker = peers.find(
      (r) =>
        !inCycle.has(r.robotId) &&
        pointSegmentDistance(r.position, own.position, to) < own.radiusM + r.radiusM + margin,
    );
    if (blocker !== undefined) {
      return {
        hold: { peer: blocker.robotId, reason: `the way back to the passing place is blocked by ${blocker.robotId}` },
        backOff: null,
      };
    }
    return {
      hold: null,
      backOff: {
        to,
        withinM: s.passingSlackM / 2,
        forPeer,
        reason: `backs off to a passing place to let ${forPeer} pass`,
      },
    };
  }

  private report(decision: RightOfWayDecision): RightOfWayDecision {
    const to = decision.backOff?.to;
    const summary = decision.backOff
      ? `back off to (${to?.xM.toFixed(2)}, ${to?.yM.toFixed(2)}): ${decision.backOff.reason}`
      : decision.hold
        ? `hold: ${decision.hold.reason}`
        : 'go';
    if (summary !== this.lastHold) {
      log(summary);
      this.lastHold = summary;
    }
    return decision;
  }
}
