import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pose2D } from '../messages/geometry.js';
import { T0, reflexSettings } from '../test/harness/reflex-fixtures.js';
import { scanRevolution, stopTouches, type Disc } from '../test/harness/swept-geometry.js';
import { ReflexArbiter, type ReflexInputs, type ReflexSettings } from './arbiter.js';
import { ObstacleMemory } from './obstacle-memory.js';
import { ObstacleView } from './obstacle-view.js';

/**
 * The obstacle rule over random geometry: footprints, wheel bases, lidar mounts, stopping models,
 * obstacles from a one-beam-wide pole to a 20 cm post, and every mix of forward speed and turn rate.
 * The reflex sees the obstacles only as a lidar revolution ray-cast from its mount; its decision is
 * then driven under the stopping model by an independent integrator (test/harness/swept-geometry.ts)
 * and must never touch an obstacle. Fixed seed: the same cases every run (SPINAL_PROPERTY_SEED to vary).
 */
/** A number spread evenly over [min, max] (fast-check's doubles crowd near zero and the ends). */
const uniform = (min: number, max: number): fc.Arbitrary<number> =>
  fc.noBias(fc.integer({ min: 0, max: 1 << 30 })).map((i) => min + ((max - min) * i) / (1 << 30));

const SEED = Number(process.env.SPINAL_PROPERTY_SEED ?? 20261203);
const RUNS = 300;
const MEMORY_RUNS = 100;
const ORIGIN: Pose2D = { xM: 0, yM: 0, yawRad: 0 };

interface Case {
  lengthM: number;
  widthM: number;
  wheelBaseFraction: number;
  mountFx: number;
  mountFy: number;
  settings: ReflexSettings;
  /** The settings' own side margin, drawn apart from the other overrides. */
  sideMarginM: number;
  stepDeg: number;
  phase: number;
  discs: Array<{ bearing: number; gapM: number; radiusM: number | 'beam' }>;
  vFraction: number;
  wFraction: number;
  moving: boolean;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    lengthM: uniform(0.2, 0.8),
    widthM: uniform(0.15, 0.6),
    wheelBaseFraction: uniform(0.5, 1),
    mountFx: uniform(-0.45, 0.45),
    mountFy: uniform(-0.45, 0.45),
    settingsOverrides: fc.record({
      'reflex.brakingDecelMps2': uniform(0.5, 3),
      'reflex.reactionLatencyMs': uniform(0, 100),
      'reflex.stopMarginM': uniform(0.02, 0.2),
      'reflex.slowZoneM': uniform(0, 1),
      'reflex.maxSpeedMps': uniform(0.2, 1.5),
      'reflex.maxTurnRateRadps': uniform(0.5, 3),
    }),
    sideMarginM: uniform(0.02, 0.1),
    stepDeg: uniform(0.25, 1),
    phase: uniform(0, 1),
    discs: fc.array(
      fc.record({
        bearing: uniform(-Math.PI, Math.PI),
        // Mostly close to the footprint, where arcs and turns decide; some farther, in the slow zone.
        gapM: fc.oneof({ weight: 3, arbitrary: uniform(0.005, 0.3) }, { weight: 1, arbitrary: uniform(0.3, 1.5) }),
        radiusM: fc.oneof(fc.constant('beam' as const), uniform(0.005, 0.1)),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    vFraction: uniform(-1, 1),
    wFraction: uniform(-1, 1),
    moving: fc.boolean(),
  })
  .map(({ settingsOverrides, ...c }) => ({
    ...c,
    settings: reflexSettings({ ...settingsOverrides, 'reflex.sideMarginM': c.sideMarginM }),
  }));

/** The world of one case: the robot, its sensor, the discs placed around it (none touching the footprint). */
function worldOf(c: Case) {
  const hl = c.lengthM / 2;
  const hw = c.widthM / 2;
  const wheelBaseM = c.widthM * c.wheelBaseFraction;
  const mount = { xM: c.mountFx * c.lengthM, yM: c.mountFy * c.widthM };
  const stepRad = (c.stepDeg * Math.PI) / 180;
  const discs: Disc[] = c.discs.map((d) => {
    // Out from the footprint's outline along the bearing, then `gapM` further.
    const ux = Math.cos(d.bearing);
    const uy = Math.sin(d.bearing);
    const edge = Math.min(hl / Math.max(1e-9, Math.abs(ux)), hw / Math.max(1e-9, Math.abs(uy)));
    const guess = typeof d.radiusM === 'number' ? d.radiusM : 0.01;
    const centreDist = edge + d.gapM + guess;
    const fromSensor = Math.hypot(centreDist * ux - mount.xM, centreDist * uy - mount.yM);
    // One beam wide at the sensor's angular resolution: the narrowest obstacle a revolution always hits.
    const radiusM = typeof d.radiusM === 'number' ? d.radiusM : (stepRad * fromSensor * 1.02) / 2;
    // Pushed out along the bearing until its edge is `gapM` clear of the footprint (corners included).
    let dist = edge + d.gapM + radiusM;
    for (let i = 0; i < 50; i++) {
      const clear = Math.hypot(Math.max(0, Math.abs(dist * ux) - hl), Math.max(0, Math.abs(dist * uy) - hw));
      if (clear >= d.gapM + radiusM - 1e-9) break;
      dist += d.gapM + radiusM - clear;
    }
    return { xM: dist * ux, yM: dist * uy, radiusM };
  });
  const robot = { halfLengthM: hl, halfWidthM: hw, wheelBaseM };
  return { hl, hw, wheelBaseM, mount, stepRad, discs, robot };
}

function inputsFor(
  view: ObstacleView,
  nowUs: number,
  v: number,
  w: number,
  applied: { vMps: number; wRadps: number },
): ReflexInputs {
  const command = { source: 'cortex' as const, vMps: v, wRadps: w, stampUs: nowUs };
  return {
    command,
    appliedVMps: applied.vMps,
    appliedWRadps: applied.wRadps,
    lidarLastDataUs: nowUs,
    lidarHealthy: true,
    lidarHealthReason: '',
    ...view.inputs(command, { ...applied, stampUs: nowUs }, ORIGIN, nowUs),
  };
}

/** The reflex's decision for the case's command, the obstacles seen in one revolution. */
function decide(c: Case, applied: { vMps: number; wRadps: number }) {
  const world = worldOf(c);
  const view = new ObstacleView({
    settings: c.settings,
    footprint: { lengthM: c.lengthM, widthM: c.widthM },
    wheelBaseM: world.wheelBaseM,
  });
  for (const packet of scanRevolution(world.discs, world.mount, world.stepRad, c.phase * world.stepRad, T0))
    view.addLidarPoints(packet, ORIGIN);
  const arbiter = new ReflexArbiter(c.settings);
  arbiter.update(T0, inputsFor(view, T0, 0, 0, { vMps: 0, wRadps: 0 }));
  const v = c.vFraction * c.settings.maxSpeedMps;
  const w = c.wFraction * c.settings.maxTurnRateRadps;
  const now = T0 + 1_000;
  return { world, v, w, decision: arbiter.update(now, inputsFor(view, now, v, w, applied)) };
}

const stopOf = (s: ReflexSettings) => ({ latencyS: s.reactionLatencyS, decelMps2: s.brakingDecelMps2 });

describe('swept-area check, over random geometry (property)', () => {
  it('whatever it lets through stops clear of every obstacle under the stopping model', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { world, v, w } = decide(c, { vMps: 0, wRadps: 0 });
        // A robot already moving at the command: only fair when braking from there is still clear.
        const applied = c.moving ? { vMps: v, wRadps: w } : { vMps: 0, wRadps: 0 };
        if (c.moving) fc.pre(!stopTouches(world.robot, stopOf(c.settings), v, w, world.discs));
        const { decision } = decide(c, applied);
        const touches = stopTouches(world.robot, stopOf(c.settings), decision.vMps, decision.wRadps, world.discs);
        if (touches)
          throw new Error(
            `asked (${v.toFixed(3)}, ${w.toFixed(3)}), let through (${decision.vMps.toFixed(3)}, ${decision.wRadps.toFixed(3)}) [${decision.action} ${decision.rule}: ${decision.reason}]: the stop touches an obstacle`,
          );
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });

  it('never stops for obstacles that no motion within the stopping time can reach', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const s = c.settings;
        const world = worldOf(c);
        // Every point of the footprint grown by its margins, driven at any allowed (v, ω), then braked:
        // it never gets farther from the centre than this.
        const grown = Math.hypot(world.hl + Math.max(s.stopMarginM, c.sideMarginM), world.hw + c.sideMarginM);
        const peak = s.maxSpeedMps + (s.maxTurnRateRadps * world.wheelBaseM) / 2;
        const wheelStop = peak * s.reactionLatencyS + (peak * peak) / (2 * s.brakingDecelMps2);
        const reach = grown + wheelStop * Math.max(1, (2 * grown) / world.wheelBaseM) + 0.02;
        const far = { ...c, discs: c.discs.map((d) => ({ ...d, gapM: d.gapM + reach })) };
        const { decision } = decide(far, { vMps: 0, wRadps: 0 });
        expect(decision.action, decision.reason).not.toBe('stop');
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});

describe('obstacle memory, over random geometry (property)', () => {
  const memoryCase = fc.record({
    distanceM: uniform(0.3, 2.5),
    bearing: uniform(-Math.PI, Math.PI),
    stepDeg: uniform(0.25, 1),
    mountXM: uniform(-0.2, 0.2),
    phase: uniform(0, 1),
    revolutions: fc.integer({ min: 6, max: 8 }),
    stepsM: fc.array(uniform(0, 0.02), { minLength: 8, maxLength: 8 }),
  });

  type MemoryCase = typeof memoryCase extends fc.Arbitrary<infer T> ? T : never;

  /** A pole exactly one beam wide at its distance, and revolutions at random phases as the robot creeps forward. */
  function run(m: MemoryCase, poleStays: boolean) {
    const stepRad = (m.stepDeg * Math.PI) / 180;
    const mount = { xM: m.mountXM, yM: 0 };
    const pole: Disc = {
      xM: mount.xM + m.distanceM * Math.cos(m.bearing),
      yM: m.distanceM * Math.sin(m.bearing),
      // One beam wide from the farthest the sensor gets from it as the robot creeps on.
      radiusM: (stepRad * (m.distanceM + m.stepsM.reduce((a, b) => a + b, 0)) * 1.02) / 2,
    };
    // A wall behind the pole, so that beams past it return (a beam with no return proves nothing).
    const backdrop: Disc = {
      xM: mount.xM + (m.distanceM + 1.6) * Math.cos(m.bearing),
      yM: (m.distanceM + 1.6) * Math.sin(m.bearing),
      radiusM: 1.2,
    };
    const memory = new ObstacleMemory({ keepRadiusM: 3, seeThroughM: 0.05 });
    const seen = (odom: Pose2D, nowUs: number): boolean => {
      const xs = new Float64Array(4096);
      const ys = new Float64Array(4096);
      const n = memory.collect(odom, nowUs, 10_000_000, 3, xs, ys);
      const px = (pole.xM - odom.xM) * Math.cos(odom.yawRad) + (pole.yM - odom.yM) * Math.sin(odom.yawRad);
      const py = -(pole.xM - odom.xM) * Math.sin(odom.yawRad) + (pole.yM - odom.yM) * Math.cos(odom.yawRad);
      for (let i = 0; i < n; i++) if (Math.hypot(xs[i]! - px, ys[i]! - py) <= pole.radiusM + 0.01) return true;
      return false;
    };
    // The first revolution has a beam straight through the pole's centre.
    const toPole = Math.atan2(pole.yM - mount.yM, pole.xM - mount.xM);
    let odom: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
    let nowUs = T0;
    for (const packet of scanRevolution([pole, backdrop], mount, stepRad, toPole, nowUs)) memory.update(packet, odom);
    expect(seen(odom, nowUs)).toBe(true);
    const results: boolean[] = [];
    // Later revolutions start at phases that drift as a real sensor's do (spread by the golden ratio).
    const phases = Array.from({ length: m.revolutions }, (_, i) => (m.phase + i * 0.618034) % 1);
    phases.forEach((phase, i) => {
      nowUs += 100_000;
      odom = { xM: odom.xM + m.stepsM[i]!, yM: 0, yawRad: 0 };
      // The world in the robot frame at `odom`: the pole moves back as the robot creeps forward.
      const here = { ...pole, xM: pole.xM - odom.xM };
      const behind = { ...backdrop, xM: backdrop.xM - odom.xM };
      const world = poleStays ? [here, behind] : [behind];
      for (const packet of scanRevolution(world, mount, stepRad, phase * stepRad, nowUs)) memory.update(packet, odom);
      results.push(seen(odom, nowUs));
    });
    return results;
  }

  it('a pole one beam wide, seen once, survives every later revolution whose beams pass beside it', () => {
    fc.assert(
      fc.property(memoryCase, (m) => {
        expect(run(m, true).every(Boolean)).toBe(true);
      }),
      { seed: SEED, numRuns: MEMORY_RUNS, endOnFailure: true },
    );
  });

  it('a pole that has gone is erased once beams pass through its place', () => {
    fc.assert(
      fc.property(memoryCase, (m) => {
        // Within six drifting revolutions a beam passes within the clearing tolerance of its place.
        expect(run(m, false).at(-1)).toBe(false);
      }),
      { seed: SEED, numRuns: MEMORY_RUNS, endOnFailure: true },
    );
  });
});
