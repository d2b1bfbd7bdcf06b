import type { Pose2D } from '../messages/geometry.js';
import { speedAllowedM, slowZoneEndM, type StoppingModel } from './stopping-distance.js';

/** Largest footprint-point travel between two trajectory samples, metres: half of it is added to the footprint. */
const SAMPLE_SPACING_M = 0.01;
const MAX_SAMPLES = 64;
/** Spacing of the outline points probed for blind sectors, metres. */
const PROBE_SPACING_M = 0.05;
/** Samples per group for the coarse bounding-circle test. */
const GROUP = 8;
/** Bisection steps when the first guess at a safe fraction of the motion is not clear (1/64 resolution). */
const BISECTION_STEPS = 6;

/** An obstacle the motion meets: where it is and how much room is left before it. */
export interface PathObstacle {
  /**
   * Room left, metres: driving straight, the distance between the footprint's leading edge and the
   * obstacle (along the motion); turning, the obstacle's distance from the footprint's outline.
   */
  freeDistanceM: number;
  /** Where the obstacle point is now, robot frame, metres. */
  xM: number;
  yM: number;
}

/** What the swept-area check found for one motion (a forward speed and a turn rate, scaled together). */
export interface MotionClearance {
  /** Largest fraction of the motion (v and w scaled together) that still stops clear of every obstacle under the stopping model, 0..1. */
  stopScale: number;
  /** Fraction the slow zone allows (1 beyond it), 0..1. */
  slowScale: number;
  /** Speed of the faster wheel for the whole motion, m/s. */
  peakWheelMps: number;
  /** The obstacle the motion meets first within the look-ahead, or null. */
  obstacle: PathObstacle | null;
}

/**
 * The area one motion's check covers, robot frame where the robot stands (x forward, y left), metres:
 * driving straight, a corridor; otherwise the footprint grown by its margins (with rounded corners,
 * the margins their radii) at each sampled pose of the path.
 */
export type CheckedArea =
  | {
      kind: 'corridor';
      /** Where along x the corridor starts and ends (the end beyond the start's side driving backwards). */
      fromXM: number;
      toXM: number;
      halfWidthM: number;
      /** Travel of the faster wheel the check looks along, metres. */
      lookAheadM: number;
    }
  | {
      kind: 'path';
      /** The bare footprint's half length and width. */
      halfLengthM: number;
      halfWidthM: number;
      /** How far the footprint is grown ahead/behind and on the sides at each pose (half the sample spacing included). */
      marginXM: number;
      marginYM: number;
      poses: Pose2D[];
      lookAheadM: number;
    };

/** The robot's outline and drive, as the swept-area check sees them. */
export interface SweptPathShape {
  /** Half the footprint's length (x) and width (y), centred on the axle, metres. */
  halfLengthM: number;
  halfWidthM: number;
  /** Clearance kept on each side of the footprint, metres (the stop margin is kept ahead and behind). */
  sideMarginM: number;
  /** Distance between the wheels, metres. */
  wheelBaseM: number;
  /** Most obstacle points considered per evaluation. */
  capacity: number;
}

const CLEAR: MotionClearance = Object.freeze({ stopScale: 1, slowScale: 1, peakWheelMps: 0, obstacle: null });

/**
 * The swept-area check of the obstacle rule. For a motion (v, ω) it follows the footprint along the
 * path the wheels would take, under the stopping model: each wheel keeps its speed for the reaction
 * latency, then brakes on its own at the braking deceleration until it stands (so the curvature of an
 * arc changes while stopping, as real brakes make it). The footprint is grown by the stop margin ahead
 * and behind and by the side margin on the sides, sampled at least every 1 cm of travel of any of its
 * points, and grown by half that spacing more so that nothing between two samples escapes.
 *
 * A point already inside the margins but outside the footprint blocks forward or backward motion
 * towards it; any other motion is checked against the footprint grown by half the point's distance
 * (at most half the side margin), so a robot that ends up close to a wall can always move away from it,
 * or turn in place when its corners clear the wall.
 *
 * Fill {@link xM}/{@link yM} with the robot-frame obstacle points and call {@link setCount}; then ask
 * {@link clearance} for each motion. Nothing is allocated per point or per sample.
 */
export class SweptPathChecker {
  readonly xM: Float64Array;
  readonly yM: Float64Array;
  private count = 0;
  /** Per point: 0 beyond the margins, 1 inside the margins (near), 2 inside the footprint (ignored). */
  private readonly zone: Uint8Array;
  /** Per point: 1 inside the bare footprint. */
  private readonly inside: Uint8Array;
  /** Margins of the motion being checked, ahead/behind and on the sides, metres. */
  private marginXM = 0;
  private marginYM = 0;
  /** Per point inside the margins: how much the bare footprint is grown for it (half its distance, at most half the side margin), metres. */
  private readonly nearGrowM: Float64Array;
  private readonly px = new Float64Array(MAX_SAMPLES + 1);
  private readonly py = new Float64Array(MAX_SAMPLES + 1);
  private readonly pc = new Float64Array(MAX_SAMPLES + 1);
  private readonly ps = new Float64Array(MAX_SAMPLES + 1);
  /** Faster wheel's travel at each sample, metres. */
  private readonly travel = new Float64Array(MAX_SAMPLES + 1);
  /** Most any point of the grown footprint can have travelled by each sample, metres. */
  private readonly pointTravel = new Float64Array(MAX_SAMPLES + 1);
  private samples = 0;
  private inflationM = 0;
  private contactPoint = -1;
  private contactTravelM = 0;
  /** Radius of the footprint grown by its margins, metres. */
  private grownRadiusM = 0;

  constructor(private readonly shape: SweptPathShape) {
    this.xM = new Float64Array(shape.capacity);
    this.yM = new Float64Array(shape.capacity);
    this.zone = new Uint8Array(shape.capacity);
    this.inside = new Uint8Array(shape.capacity);
    this.nearGrowM = new Float64Array(shape.capacity);
  }

  /** Radius around the robot beyond which no obstacle matters to any motion the settings allow, metres. */
  reachM(model: StoppingModel, maxTurnRateRadps: number): number {
    const rc = Math.hypot(
      this.shape.halfLengthM + Math.max(model.stopMarginM, this.shape.sideMarginM),
      this.shape.halfWidthM + this.shape.sideMarginM,
    );
    const peak = model.maxSpeedMps + (maxTurnRateRadps * this.shape.wheelBaseM) / 2;
    const stop = stopTravelM(peak, model) * Math.max(1, (2 * rc) / this.shape.wheelBaseM);
    return rc + Math.max(slowZoneEndM(model) - model.stopMarginM, stop) + 2 * SAMPLE_SPACING_M;
  }

  /** Declares how many points of {@link xM}/{@link yM} are filled, for the stop margin of `model`. */
  setCount(count: number, stopMarginM: number): void {
    this.count = Math.min(count, this.shape.capacity);
    const { halfLengthM: hl, halfWidthM: hw, sideMarginM } = this.shape;
    this.grownRadiusM = Math.hypot(hl + Math.max(stopMarginM, sideMarginM), hw + sideMarginM);
    for (let i = 0; i < this.count; i++) {
      this.inside[i] = Math.abs(this.xM[i]!) <= hl && Math.abs(this.yM[i]!) <= hw ? 1 : 0;
    }
  }

  /**
   * Sorts the points for one motion's margins: 2 inside the footprint (ignored), 1 inside the margins
   * (with the growth used for it), 0 beyond them.
   */
  private classify(marginXM: number, marginYM: number): void {
    const { halfLengthM: hl, halfWidthM: hw, sideMarginM } = this.shape;
    this.marginXM = marginXM;
    this.marginYM = marginYM;
    for (let i = 0; i < this.count; i++) {
      if (this.inside[i] === 1) {
        this.zone[i] = 2;
        continue;
      }
      const dx = Math.abs(this.xM[i]!) - hl;
      const dy = Math.abs(this.yM[i]!) - hw;
      if (withinRounded(dx, dy, marginXM, marginYM)) {
        this.zone[i] = 1;
        this.nearGrowM[i] = Math.min(sideMarginM, this.boxDistance(i)) / 2;
      } else this.zone[i] = 0;
    }
  }

  /** How much of the motion (vMps, wRadps) is safe, and what limits it. */
  clearance(vMps: number, wRadps: number, model: StoppingModel): MotionClearance {
    const halfTrack = (wRadps * this.shape.wheelBaseM) / 2;
    const left = vMps - halfTrack;
    const right = vMps + halfTrack;
    const peak = Math.max(Math.abs(left), Math.abs(right));
    if (!(peak > 1e-9) || this.count === 0) return peak > 1e-9 ? { ...CLEAR, peakWheelMps: peak } : CLEAR;

    const pointSpeed = this.pointSpeedMps(vMps, wRadps);
    const side = this.shape.sideMarginM;
    this.classify(this.endMarginM(vMps, pointSpeed, model), side);

    const near = this.nearBlocking(vMps);
    if (near >= 0) {
      return {
        stopScale: 0,
        slowScale: 0,
        peakWheelMps: peak,
        obstacle: { freeDistanceM: this.boxDistance(near), xM: this.xM[near]!, yM: this.yM[near]! },
      };
    }

    // The path at full command for the look-ahead: where the first obstacle is, as faster-wheel travel.
    const lookAhead = this.lookAheadM(peak, pointSpeed, model);
    let freeM: number;
    let pointFreeM: number;
    let obstaclePoint: number;
    if (wRadps === 0) {
      obstaclePoint = this.straightContact(Math.sign(vMps), lookAhead);
      if (obstaclePoint < 0) return { ...CLEAR, peakWheelMps: peak };
      freeM = this.contactTravelM;
      pointFreeM = freeM;
    } else {
      this.sample(left, right, lookAhead / peak, Infinity);
      const hit = this.firstContact();
      if (hit < 0) return { ...CLEAR, peakWheelMps: peak };
      freeM = this.travel[Math.max(0, hit - 1)]!;
      pointFreeM = this.pointTravel[Math.max(0, hit - 1)]!;
      obstaclePoint = this.contactPoint;
    }
    // The slow zone caps the speed of the footprint's fastest point (the outer corner, turning).
    const zoneM = slowZoneEndM(model) - model.stopMarginM;
    const slowScale = pointFreeM >= zoneM ? 1 : Math.min(1, (model.maxSpeedMps * pointFreeM) / zoneM / pointSpeed);

    let stopScale = Math.min(1, speedAllowedM(freeM + model.stopMarginM, model) / peak);
    // With equal wheel speeds (straight, or turning in place) braking keeps to the same path: the
    // stopping travel is the whole story. Otherwise the braked path bends away from the arc: check it.
    const samePath = Math.abs(Math.abs(left) - Math.abs(right)) < 1e-12;
    if (!samePath && stopScale > 0 && !this.stopsClear(left, right, stopScale, model)) {
      let lo = 0;
      let hi = stopScale;
      for (let i = 0; i < BISECTION_STEPS; i++) {
        const mid = (lo + hi) / 2;
        if (this.stopsClear(left, right, mid, model)) lo = mid;
        else hi = mid;
      }
      stopScale = lo;
    }
    return {
      stopScale,
      slowScale,
      peakWheelMps: peak,
      obstacle: {
        // Straight: the room before the leading edge; otherwise the obstacle's distance from the outline.
        freeDistanceM: wRadps === 0 ? freeM + model.stopMarginM : this.boxDistance(obstaclePoint),
        xM: this.xM[obstaclePoint]!,
        yM: this.yM[obstaclePoint]!,
      },
    };
  }

  /**
   * The area {@link clearance} looks for obstacles in for the motion (vMps, wRadps) under `model`,
   * robot frame, for drawing it: with the footprint's grown radius of the last {@link setCount}, the
   * same margins and look-ahead as the check, and (turning) the same sampled path. Exact for the
   * points beyond the margins where the robot stands; a point within them is judged by the near rule
   * (see the class). null when the motion does not move the robot. Not for the loop's own use: it
   * allocates, and it fills the path samples, which every check samples afresh before reading them.
   */
  checkedArea(vMps: number, wRadps: number, model: StoppingModel): CheckedArea | null {
    const halfTrack = (wRadps * this.shape.wheelBaseM) / 2;
    const left = vMps - halfTrack;
    const right = vMps + halfTrack;
    const peak = Math.max(Math.abs(left), Math.abs(right));
    if (!(peak > 1e-9)) return null;
    const { halfLengthM: hl, halfWidthM: hw, sideMarginM } = this.shape;
    const pointSpeed = this.pointSpeedMps(vMps, wRadps);
    const marginXM = this.endMarginM(vMps, pointSpeed, model);
    const lookAheadM = this.lookAheadM(peak, pointSpeed, model);
    if (wRadps === 0) {
      // As straightContact: from where the grown rear would be one footprint length on, to the grown front after the look-ahead.
      const d = Math.sign(vMps);
      return {
        kind: 'corridor',
        fromXM: d * (marginXM - hl),
        toXM: d * (hl + marginXM + lookAheadM),
        halfWidthM: hw + sideMarginM,
        lookAheadM,
      };
    }
    this.sample(left, right, lookAheadM / peak, Infinity);
    const poses: Pose2D[] = [];
    for (let k = 0; k <= this.samples; k++) {
      poses.push({ xM: this.px[k]!, yM: this.py[k]!, yawRad: Math.atan2(this.ps[k]!, this.pc[k]!) });
    }
    return {
      kind: 'path',
      halfLengthM: hl,
      halfWidthM: hw,
      marginXM: marginXM + this.inflationM,
      marginYM: sideMarginM + this.inflationM,
      poses,
      lookAheadM,
    };
  }

  /** Fastest speed of any point of the grown footprint under the motion, m/s. */
  private pointSpeedMps(vMps: number, wRadps: number): number {
    return Math.abs(vMps) + this.grownRadiusM * Math.abs(wRadps);
  }

  /**
   * Margin kept ahead and behind: from the stop margin driving straight to the side margin turning
   * in place, in proportion to the motion's share of translation (so a robot stopped at the margin can turn), metres.
   */
  private endMarginM(vMps: number, pointSpeedMps: number, model: StoppingModel): number {
    const translation = Math.abs(vMps) / pointSpeedMps;
    return model.stopMarginM * translation + this.shape.sideMarginM * (1 - translation);
  }

  /**
   * The first sector of `coverage` that the motion (vMps, wRadps), braked under the stopping model,
   * sweeps into and that was not measured within `maxAgeUs` of `nowUs`; -1 when every one was.
   * Probes the grown footprint's outline every few centimetres at spaced samples of the path, where
   * it lies outside today's footprint.
   */
  firstBlindSector(
    vMps: number,
    wRadps: number,
    model: StoppingModel,
    coverage: {
      sectorAt(xM: number, yM: number): number;
      isFresh(sector: number, nowUs: number, maxAgeUs: number): boolean;
    },
    nowUs: number,
    maxAgeUs: number,
  ): number {
    const halfTrack = (wRadps * this.shape.wheelBaseM) / 2;
    const left = vMps - halfTrack;
    const right = vMps + halfTrack;
    if (!(Math.max(Math.abs(left), Math.abs(right)) > 1e-9)) return -1;
    this.sample(left, right, model.reactionLatencyS, model.brakingDecelMps2);
    const { halfLengthM: hl, halfWidthM: hw, sideMarginM } = this.shape;
    const ex = hl + model.stopMarginM;
    const ey = hw + sideMarginM;
    const alongX = Math.max(1, Math.ceil((2 * ex) / PROBE_SPACING_M));
    const alongY = Math.max(1, Math.ceil((2 * ey) / PROBE_SPACING_M));
    const n = this.samples;
    const stride = Math.max(1, Math.floor(n / 8));
    for (let k = stride; ; k = Math.min(n, k + stride)) {
      const ox = this.px[k]!;
      const oy = this.py[k]!;
      const c = this.pc[k]!;
      const s = this.ps[k]!;
      for (let e = 0; e < 4; e++) {
        const steps = e < 2 ? alongX : alongY;
        for (let j = 0; j < steps; j++) {
          const f = -1 + (2 * j) / steps;
          // Edges: front, back (x = ±ex), left, right (y = ±ey), walked corner to corner.
          const lx = e === 0 ? ex : e === 1 ? -ex : f * ex;
          const ly = e === 0 || e === 1 ? f * ey : e === 2 ? ey : -ey;
          const x = ox + lx * c - ly * s;
          const y = oy + lx * s + ly * c;
          if (Math.abs(x) <= hl && Math.abs(y) <= hw) continue;
          const sector = coverage.sectorAt(x, y);
          if (!coverage.isFresh(sector, nowUs, maxAgeUs)) return sector;
        }
      }
      if (k === n) return -1;
    }
  }

  /**
   * Straight motion (`direction` +1 forward, -1 reverse), exactly: the nearest point in the corridor
   * of the grown footprint within `lookAheadM` of travel, or -1; its travel in {@link contactTravelM}.
   */
  private straightContact(direction: number, lookAheadM: number): number {
    const { halfLengthM: hl, halfWidthM: hw } = this.shape;
    const front = hl + this.marginXM;
    let best = -1;
    let bestTravel = lookAheadM;
    for (let i = 0; i < this.count; i++) {
      const zone = this.zone[i]!;
      if (zone === 2) continue;
      const ahead = this.xM[i]! * direction;
      const side = Math.abs(this.yM[i]!);
      // A point inside the margins that the motion does not drive towards is checked against the footprint grown by half its distance.
      const grow = zone === 1 ? this.nearGrowM[i]! : 0;
      const reachX = zone === 1 ? hl + grow : front;
      if (side > (zone === 1 ? hw + grow : hw + this.marginYM) || ahead < reachX - 2 * hl) continue;
      const travel = Math.max(0, ahead - reachX);
      if (travel <= bestTravel) {
        best = i;
        bestTravel = travel;
      }
    }
    this.contactTravelM = bestTravel;
    return best;
  }

  /** Faster-wheel travel the check looks along: the stopping travel, or as far as the fastest point crosses the slow zone. */
  private lookAheadM(peakWheelMps: number, pointSpeedMps: number, model: StoppingModel): number {
    const zoneM = slowZoneEndM(model) - model.stopMarginM;
    return Math.max(stopTravelM(peakWheelMps, model), (peakWheelMps * zoneM) / pointSpeedMps);
  }

  /** Whether the motion scaled by `scale`, then braked under the stopping model, keeps clear of every obstacle. */
  private stopsClear(left: number, right: number, scale: number, model: StoppingModel): boolean {
    this.sample(left * scale, right * scale, model.reactionLatencyS, model.brakingDecelMps2);
    return this.firstContact() < 0;
  }

  /**
   * The first point inside the margins that the motion's forward or backward part drives towards, or
   * -1: a point ahead within the stop margin blocks any forward motion. (What turning does near such a
   * point is checked along the path, against the footprint grown by half the point's distance.)
   */
  private nearBlocking(vMps: number): number {
    if (vMps === 0) return -1;
    const hl = this.shape.halfLengthM;
    for (let i = 0; i < this.count; i++) {
      if (this.zone[i] !== 1) continue;
      if (this.xM[i]! * Math.sign(vMps) > hl) return i;
    }
    return -1;
  }

  private boxDistance(i: number): number {
    const dx = Math.max(0, Math.abs(this.xM[i]!) - this.shape.halfLengthM);
    const dy = Math.max(0, Math.abs(this.yM[i]!) - this.shape.halfWidthM);
    return Math.hypot(dx, dy);
  }

  /**
   * Samples the footprint's path for wheel speeds (left, right): both held for `cruiseS`, then each
   * braked at `decelMps2` to a stand (Infinity: no braking, the path ends after cruising).
   */
  private sample(left: number, right: number, cruiseS: number, decelMps2: number): void {
    const braking = Number.isFinite(decelMps2);
    const totalS = cruiseS + (braking ? Math.max(Math.abs(left), Math.abs(right)) / decelMps2 : 0);
    const endL = wheelTravelM(left, totalS, cruiseS, decelMps2);
    const endR = wheelTravelM(right, totalS, cruiseS, decelMps2);
    const base = this.shape.wheelBaseM;
    // Neither wheel changes direction, so the centre travels |sL + sR| / 2 and turns |sR - sL| / b; no
    // point of the grown footprint travels farther than that plus its radius times the turn.
    const sweepM = Math.abs(endL + endR) / 2 + (this.grownRadiusM * Math.abs(endR - endL)) / base;
    const n = Math.max(1, Math.min(MAX_SAMPLES, Math.ceil(sweepM / SAMPLE_SPACING_M)));
    this.samples = n;
    this.inflationM = sweepM / n / 2;
    let x = 0;
    let y = 0;
    let yaw = 0;
    let prevL = 0;
    let prevR = 0;
    this.px[0] = 0;
    this.py[0] = 0;
    this.pc[0] = 1;
    this.ps[0] = 0;
    this.travel[0] = 0;
    this.pointTravel[0] = 0;
    for (let k = 1; k <= n; k++) {
      const t = (totalS * k) / n;
      const sL = wheelTravelM(left, t, cruiseS, decelMps2);
      const sR = wheelTravelM(right, t, cruiseS, decelMps2);
      const ds = (sL - prevL + sR - prevR) / 2;
      const dYaw = (sR - prevR - (sL - prevL)) / base;
      if (Math.abs(dYaw) < 1e-12) {
        x += ds * Math.cos(yaw);
        y += ds * Math.sin(yaw);
      } else {
        const r = ds / dYaw;
        x += r * (Math.sin(yaw + dYaw) - Math.sin(yaw));
        y -= r * (Math.cos(yaw + dYaw) - Math.cos(yaw));
      }
      yaw += dYaw;
      prevL = sL;
      prevR = sR;
      this.px[k] = x;
      this.py[k] = y;
      this.pc[k] = Math.cos(yaw);
      this.ps[k] = Math.sin(yaw);
      this.travel[k] = Math.max(Math.abs(sL), Math.abs(sR));
      this.pointTravel[k] = this.pointTravel[k - 1]! + Math.abs(ds) + this.grownRadiusM * Math.abs(dYaw);
    }
  }

  /** First sample at which the grown footprint holds an obstacle point (sets {@link contactPoint}), or -1. */
  private firstContact(): number {
    const { halfLengthM: hl, halfWidthM: hw } = this.shape;
    const infl = this.inflationM;
    const farX = this.marginXM + infl;
    const farY = this.marginYM + infl;
    const reach = Math.hypot(hl + farX, hw + farY);
    const n = this.samples;
    for (let g = 0; g <= n; g += GROUP) {
      const last = Math.min(n, g + GROUP - 1);
      // A circle around this group of samples that holds every grown footprint in it.
      const mid = (g + last) >> 1;
      const cx = this.px[mid]!;
      const cy = this.py[mid]!;
      let spread = 0;
      for (let k = g; k <= last; k++) spread = Math.max(spread, Math.hypot(this.px[k]! - cx, this.py[k]! - cy));
      const groupR2 = (reach + spread) ** 2;
      let best = -1;
      for (let i = 0; i < this.count; i++) {
        const zone = this.zone[i]!;
        if (zone === 2) continue;
        const x = this.xM[i]!;
        const y = this.yM[i]!;
        if ((x - cx) ** 2 + (y - cy) ** 2 > groupR2) continue;
        const mx = zone === 1 ? this.nearGrowM[i]! + infl : farX;
        const my = zone === 1 ? this.nearGrowM[i]! + infl : farY;
        const end = best < 0 ? last : best - 1;
        for (let k = zone === 1 ? Math.max(g, 1) : g; k <= end; k++) {
          const dx = x - this.px[k]!;
          const dy = y - this.py[k]!;
          const c = this.pc[k]!;
          const s = this.ps[k]!;
          if (withinRounded(Math.abs(dx * c + dy * s) - hl, Math.abs(-dx * s + dy * c) - hw, mx, my)) {
            best = k;
            this.contactPoint = i;
            break;
          }
        }
      }
      if (best >= 0) return best;
    }
    return -1;
  }
}

/**
 * Whether a point `dx`, `dy` beyond the footprint's half length and half width lies within margins
 * `mx` and `my` of it: a rectangle grown by the margins with rounded (elliptical) corners.
 */
function withinRounded(dx: number, dy: number, mx: number, my: number): boolean {
  if (dx > mx || dy > my) return false;
  if (dx <= 0 || dy <= 0) return true;
  return (dx / mx) ** 2 + (dy / my) ** 2 <= 1;
}

/** Travel of a wheel at `speedMps` before it stands: the reaction latency, then braking. */
function stopTravelM(speedMps: number, model: StoppingModel): number {
  return speedMps * model.reactionLatencyS + (speedMps * speedMps) / (2 * model.brakingDecelMps2);
}

/** Signed travel of a wheel at `speedMps` after `tS`: constant for `cruiseS`, then braked at `decelMps2` to a stand. */
function wheelTravelM(speedMps: number, tS: number, cruiseS: number, decelMps2: number): number {
  if (tS <= cruiseS) return speedMps * tS;
  const v = Math.abs(speedMps);
  let d = v * cruiseS;
  if (Number.isFinite(decelMps2)) {
    const tb = Math.min(tS - cruiseS, v / decelMps2);
    d += v * tb - 0.5 * decelMps2 * tb * tb;
  }
  return Math.sign(speedMps) * d;
}
