import type { DriveCommand } from '../messages/drive.js';
import type { PathObstacle } from './scan-memory.js';

/**
 * The safety arbiter: a pure state machine given the clock. `update(nowUs, inputs)` returns what
 * the motors may do and which rule decided it, with an explanation. The same code runs on the
 * robot, under the simulator and in tests (which move time by hand).
 */

/** Ordered actions: the more severe wins. */
export const ACTION_SEVERITY = { none: 0, limit: 1, slow: 2, stop: 3, estop: 4 } as const;
export type ReflexAction = keyof typeof ACTION_SEVERITY;

export interface ReflexSettings {
  /** No fresh command within this → stop (dead-man), microseconds. */
  deadmanTimeoutUs: number;
  /** Lidar data older than this → stop, microseconds. */
  lidarStaleTimeoutUs: number;
  /** Deceleration the stopping distance assumes, m/s². */
  brakingDecelMps2: number;
  /** Time from seeing an obstacle to the wheels braking, seconds. */
  reactionLatencyS: number;
  /** Distance kept between the footprint and an obstacle after stopping, metres. */
  stopMarginM: number;
  /** Distance beyond the stopping distance in which speed is capped, metres. */
  slowZoneM: number;
  maxSpeedMps: number;
  maxTurnRateRadps: number;
  /** How long an obstacle stop must stay clear before motion resumes, microseconds. */
  clearHoldUs: number;
}

/** Everything the arbiter looks at, sampled by the reflex loop. */
export interface ReflexInputs {
  command: DriveCommand | null;
  /** Forward speed the motors were last given, m/s. */
  appliedVMps: number;
  lidarLastDataUs: number;
  lidarHealthy: boolean;
  lidarHealthReason: string;
  /** Nearest obstacle in the corridor swept driving forward / backward (null: none seen). */
  pathAhead: PathObstacle | null;
  pathBehind: PathObstacle | null;
}

export interface ReflexDecision {
  action: ReflexAction;
  /** What the motors get. */
  vMps: number;
  wRadps: number;
  /** Rule that decided (empty when no rule limits motion). */
  rule: string;
  reason: string;
  /** Set on the update at which a stopping rule starts to hold (a trip). */
  trip: { rule: string; reason: string } | null;
}

/** A rule's verdict for one update: an action and why, or null when the rule has nothing to say. */
interface Verdict {
  action: ReflexAction;
  reason: string;
  /** Speed cap for `limit` / `slow`, m/s. */
  capMps?: number;
}

interface RuleContext {
  /** Whether this rule's stop is holding now (for release hysteresis). */
  held: boolean;
  nowUs: number;
  inputs: ReflexInputs;
  settings: ReflexSettings;
}

/** One row of the failsafe table: when it fires, what it does, when it clears. */
export interface ReflexRule {
  id: string;
  /** Trigger, action and clearing in words (docs/safety.md is generated from these). */
  trigger: string;
  action: ReflexAction;
  clears: string;
  /** Time the condition must stay clear before a stop is released, microseconds (0: at once). */
  clearHoldUs(settings: ReflexSettings): number;
  evaluate(context: RuleContext): Verdict | null;
}

/** Stopping distance from `speedMps`: v²/2a + reaction latency × v + margin. */
export function stoppingDistanceM(speedMps: number, s: ReflexSettings): number {
  const v = Math.abs(speedMps);
  return (v * v) / (2 * s.brakingDecelMps2) + s.reactionLatencyS * v + s.stopMarginM;
}

/** The fastest speed that can still stop within `freeM` (inverse of {@link stoppingDistanceM}). */
export function speedAllowedM(freeM: number, s: ReflexSettings): number {
  const room = freeM - s.stopMarginM;
  if (room <= 0) return 0;
  const a = s.brakingDecelMps2;
  const l = s.reactionLatencyS;
  return a * (-l + Math.sqrt(l * l + (2 * room) / a));
}

/** Below this allowed speed the robot is stopped rather than crept forward, m/s. */
const CREEP_SPEED_MPS = 0.02;
/** An obstacle stop releases only once this speed would be allowed again (hysteresis against sensor noise), m/s. */
const RELEASE_SPEED_MPS = 0.05;
/** How far the applied speed may exceed what can still stop in time before it is a trip, m/s. */
const OVERSPEED_TOLERANCE_MPS = 0.05;

/**
 * The slow zone starts at the stopping distance from top speed plus `slowZoneM`; inside it the
 * speed cap falls in proportion to the free distance, from top speed at its edge to zero at the
 * stop margin, so the robot approaches an obstacle gently instead of braking hard at the last moment.
 */
export function slowZoneCapMps(freeM: number, s: ReflexSettings): number {
  const zoneEndM = stoppingDistanceM(s.maxSpeedMps, s) + s.slowZoneM;
  if (freeM >= zoneEndM) return Infinity;
  return (s.maxSpeedMps * Math.max(0, freeM - s.stopMarginM)) / (zoneEndM - s.stopMarginM);
}

function describeObstacle(o: PathObstacle, direction: string): string {
  const bearingDeg = Math.round((Math.atan2(o.yM, o.xM) * 180) / Math.PI);
  return `obstacle ${o.freeDistanceM.toFixed(2)} m ${direction} (lidar return at bearing ${bearingDeg}°)`;
}

/** The rule table, most fundamental first. Order does not decide: severity does. */
export const REFLEX_RULES: readonly ReflexRule[] = [
  {
    id: 'lidar-stale',
    trigger: 'lidar data older than reflex.lidarStaleTimeoutMs, or the lidar device is not ok',
    action: 'stop',
    clears: 'fresh lidar data from a healthy device',
    clearHoldUs: () => 0,
    evaluate({ nowUs, inputs, settings }) {
      if (!inputs.lidarHealthy)
        return { action: 'stop', reason: `lidar not ok: ${inputs.lidarHealthReason || 'no data yet'}` };
      const ageUs = nowUs - inputs.lidarLastDataUs;
      if (ageUs > settings.lidarStaleTimeoutUs) {
        const age = Number.isFinite(ageUs) ? `${Math.round(ageUs / 1000)} ms old` : 'never received';
        return { action: 'stop', reason: `lidar data stale (${age}, limit ${settings.lidarStaleTimeoutUs / 1000} ms)` };
      }
      return null;
    },
  },
  {
    id: 'deadman',
    trigger: 'no drive command from the planner within reflex.deadmanTimeoutMs',
    action: 'stop',
    clears: 'a fresh command',
    clearHoldUs: () => 0,
    evaluate({ nowUs, inputs, settings }) {
      const cmd = inputs.command;
      if (!cmd) return { action: 'stop', reason: 'no drive command received yet' };
      const ageUs = nowUs - cmd.stampUs;
      if (ageUs > settings.deadmanTimeoutUs) {
        return {
          action: 'stop',
          reason: `planner silent: last command ${Math.round(ageUs / 1000)} ms ago (limit ${settings.deadmanTimeoutUs / 1000} ms)`,
        };
      }
      return null;
    },
  },
  {
    id: 'obstacle',
    trigger:
      'an obstacle in the corridor swept by the footprint closer than the stopping distance v²/2a + latency·v + margin, or at the stop margin; inside the slow zone (reflex.slowZoneM beyond the stopping distance from top speed) speed is capped in proportion to the free distance',
    action: 'stop',
    clears: 'path clear for reflex.clearHoldMs',
    clearHoldUs: (s) => s.clearHoldUs,
    evaluate({ inputs, settings, held }) {
      const v = inputs.command?.vMps ?? 0;
      if (v === 0) return null;
      const obstacle = v > 0 ? inputs.pathAhead : inputs.pathBehind;
      if (!obstacle) return null;
      const direction = v > 0 ? 'ahead' : 'behind';
      const free = obstacle.freeDistanceM;
      const applied = Math.abs(inputs.appliedVMps);
      const allowed = speedAllowedM(free, settings);
      const cap = Math.min(allowed, slowZoneCapMps(free, settings));
      if (applied > allowed + OVERSPEED_TOLERANCE_MPS) {
        const stopAtM = stoppingDistanceM(applied, settings);
        return {
          action: 'stop',
          reason: `${describeObstacle(obstacle, direction)}, inside the stopping distance ${stopAtM.toFixed(2)} m at ${applied.toFixed(2)} m/s`,
        };
      }
      if (cap < (held ? RELEASE_SPEED_MPS : CREEP_SPEED_MPS)) {
        return {
          action: 'stop',
          reason: `${describeObstacle(obstacle, direction)}, at the stop margin of ${settings.stopMarginM} m: no room left to move`,
        };
      }
      if (cap < Math.abs(v)) {
        return {
          action: 'slow',
          reason: `${describeObstacle(obstacle, direction)}: speed capped at ${cap.toFixed(2)} m/s`,
          capMps: cap,
        };
      }
      return null;
    },
  },
  {
    id: 'speed-limit',
    trigger: 'a command faster than reflex.maxSpeedMps or turning faster than reflex.maxTurnRateRadps',
    action: 'limit',
    clears: 'immediately',
    clearHoldUs: () => 0,
    evaluate({ inputs, settings }) {
      const cmd = inputs.command;
      if (!cmd) return null;
      if (Math.abs(cmd.vMps) > settings.maxSpeedMps || Math.abs(cmd.wRadps) > settings.maxTurnRateRadps) {
        return {
          action: 'limit',
          reason: `command above the speed limit (${settings.maxSpeedMps} m/s, ${settings.maxTurnRateRadps} rad/s)`,
          capMps: settings.maxSpeedMps,
        };
      }
      return null;
    },
  },
];

interface HeldStop {
  reason: string;
  clearSinceUs: number | null;
}

/** Applies the rule table with hysteresis: a stop holds until its rule has been clear long enough. */
export class ReflexArbiter {
  private readonly held = new Map<string, HeldStop>();

  /**
   * Starts held by `startHeldBy` (default: waiting for the first lidar data and the first command),
   * so that coming up stopped is not reported as a trip.
   */
  constructor(
    private readonly settings: ReflexSettings,
    private readonly rules: readonly ReflexRule[] = REFLEX_RULES,
    startHeldBy: readonly string[] = ['lidar-stale', 'deadman'],
  ) {
    for (const id of startHeldBy) this.held.set(id, { reason: 'starting up', clearSinceUs: null });
  }

  update(nowUs: number, inputs: ReflexInputs): ReflexDecision {
    const base = { nowUs, inputs, settings: this.settings };
    let worst: { rule: ReflexRule; verdict: Verdict } | null = null;
    let trip: ReflexDecision['trip'] = null;
    let capMps = Infinity;

    for (const rule of this.rules) {
      const held = this.held.get(rule.id);
      let verdict = rule.evaluate({ ...base, held: held !== undefined });
      if (verdict && ACTION_SEVERITY[verdict.action] >= ACTION_SEVERITY.stop) {
        if (!held) {
          trip ??= { rule: rule.id, reason: verdict.reason };
          this.held.set(rule.id, { reason: verdict.reason, clearSinceUs: null });
        } else {
          held.reason = verdict.reason;
          held.clearSinceUs = null;
        }
      } else if (held) {
        held.clearSinceUs ??= nowUs;
        if (nowUs - held.clearSinceUs >= rule.clearHoldUs(this.settings)) {
          this.held.delete(rule.id);
        } else {
          verdict = { action: 'stop', reason: `${held.reason} (clearing)` };
        }
      }
      if (!verdict) continue;
      if (verdict.capMps !== undefined) capMps = Math.min(capMps, verdict.capMps);
      if (!worst || ACTION_SEVERITY[verdict.action] > ACTION_SEVERITY[worst.verdict.action]) worst = { rule, verdict };
    }

    const cmd = inputs.command;
    if (!worst)
      return { action: 'none', vMps: cmd?.vMps ?? 0, wRadps: cmd?.wRadps ?? 0, rule: '', reason: '', trip: null };
    const { rule, verdict } = worst;
    if (ACTION_SEVERITY[verdict.action] >= ACTION_SEVERITY.stop) {
      // Turning in place stays allowed under an obstacle stop so the robot is never trapped facing it.
      const w = rule.id === 'obstacle' && cmd ? clamp(cmd.wRadps, this.settings.maxTurnRateRadps) : 0;
      return { action: verdict.action, vMps: 0, wRadps: w, rule: rule.id, reason: verdict.reason, trip };
    }
    const v = cmd ? Math.sign(cmd.vMps) * Math.min(Math.abs(cmd.vMps), capMps) : 0;
    const w = cmd ? clamp(cmd.wRadps, this.settings.maxTurnRateRadps) : 0;
    return { action: verdict.action, vMps: v, wRadps: w, rule: rule.id, reason: verdict.reason, trip };
  }

  /** Ids of the stop rules holding now. */
  holding(): string[] {
    return [...this.held.keys()];
  }
}

function clamp(value: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, value));
}
