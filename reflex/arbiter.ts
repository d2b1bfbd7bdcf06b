import { REFLEX_RULES } from './rule-table.js';
import {
  ACTION_SEVERITY,
  type ReflexAction,
  type ReflexDecision,
  type ReflexInputs,
  type ReflexRule,
  type ReflexSettings,
  type Verdict,
} from './reflex-types.js';

/**
 * The safety arbiter: a pure state machine given the clock. `update(nowUs, inputs)` returns what
 * the motors may do and which rule decided it, with an explanation. The same code runs on the
 * robot, under the simulator and in tests (which move time by hand).
 */

export { ACTION_SEVERITY } from './reflex-types.js';
export type {
  ReflexAction,
  ReflexDecision,
  ReflexInputs,
  ReflexRule,
  ReflexSettings,
  SwarmHold,
  SwitchInput,
  MotorDriverInput,
} from './reflex-types.js';
export { OUTPUT_STAGES, REFLEX_RULES } from './rule-table.js';
export { slowZoneCapMps, speedAllowedM, stoppingDistanceM } from './stopping-distance.js';

interface HeldStop {
  reason: string;
  clearSinceUs: number | null;
  /** A latched e-stop: it clears only on an explicit reset. */
  latch: boolean;
}

/** The outcome of an e-stop reset: what still holds, if anything. */
export interface EstopResetResult {
  cleared: string[];
  /** Latched rules whose cause is still there (a button still pressed). */
  stillActive: Array<{ rule: string; reason: string }>;
}

/** Applies the rule table with filters, hysteresis and latching. */
export class ReflexArbiter {
  private readonly held = new Map<string, HeldStop>();
  /** First time each rule gave a verdict without a break (for `afterUs` filters). */
  private readonly verdictSince = new Map<string, number>();
  /** Rules whose last verdict was a latching one (so a reset knows whether the cause is gone). */
  private readonly activeNow = new Map<string, string>();
  private readonly byId: Map<string, ReflexRule>;
  /** An e-stop asked for since the last update. */
  private pendingRequest: string | null = null;

  /**
   * Starts held by `startHeldBy` (default: the rules that say they start held — waiting for the
   * first data and the first command, then the switches not read yet), so that coming up stopped
   * is not reported as a trip.
   */
  constructor(
    private readonly settings: ReflexSettings,
    private readonly rules: readonly ReflexRule[] = REFLEX_RULES,
    startHeldBy: readonly string[] = startHeldRules(rules),
  ) {
    this.byId = new Map(rules.map((rule) => [rule.id, rule]));
    for (const id of startHeldBy) this.held.set(id, { reason: 'starting up', clearSinceUs: null, latch: false });
  }

  /** Latches an e-stop asked for by the supervisor or the debug port; it shows as a trip at the next update. */
  requestEstop(source: string, reason: string): void {
    this.pendingRequest = `${source}: ${reason}`;
  }

  /** Clears latched e-stops whose cause is gone; those still active stay latched. */
  resetEstop(): EstopResetResult {
    const result: EstopResetResult = { cleared: [], stillActive: [] };
    for (const id of [...this.held.keys()]) {
      if (!this.held.get(id)?.latch) continue;
      const cause = this.activeNow.get(id);
      if (cause !== undefined) {
        result.stillActive.push({ rule: id, reason: cause });
      } else {
        this.held.delete(id);
        result.cleared.push(id);
      }
    }
    return result;
  }

  /**
   * The settings changed: every stop holding now starts its clearing hold again (under the new
   * settings), so that no retune releases a stop sooner; a latched one still needs its reset.
   */
  restartClearing(): void {
    for (const held of this.held.values()) held.clearSinceUs = null;
  }

  update(nowUs: number, inputs: ReflexInputs): ReflexDecision {
    let worst: { rule: ReflexRule; verdict: Verdict } | null = null;
    let trip: ReflexDecision['trip'] = null;
    let tripAction: ReflexAction = 'none';
    let capMps = Infinity;
    let scale = 1;
    let turnAllowed = true;

    for (const rule of this.rules) {
      const held = this.held.get(rule.id);
      let verdict = this.filtered(
        rule,
        rule.evaluate({ nowUs, inputs, settings: this.settings, held: held !== undefined }),
        nowUs,
      );
      if (rule.requested && this.pendingRequest) {
        verdict = { action: rule.action, reason: this.pendingRequest };
        this.pendingRequest = null;
      }
      if (rule.latched) {
        if (verdict && !rule.requested) this.activeNow.set(rule.id, verdict.reason);
        else this.activeNow.delete(rule.id);
      }
      const stops = verdict && ACTION_SEVERITY[verdict.action] >= ACTION_SEVERITY.stop;
      if (verdict && stops) {
        const latch = rule.latched === true && verdict.action === 'estop';
        if (!held) {
          if (!trip || ACTION_SEVERITY[verdict.action] > ACTION_SEVERITY[tripAction]) {
            trip = { rule: rule.id, reason: verdict.reason };
            tripAction = verdict.action;
          }
          this.held.set(rule.id, { reason: verdict.reason, clearSinceUs: null, latch });
        } else {
          held.reason = verdict.reason;
          held.clearSinceUs = null;
          held.latch ||= latch;
        }
      } else if (held) {
        if (held.latch) {
          verdict = { action: rule.action, reason: `${held.reason} (latched: reset needed)` };
        } else {
          held.clearSinceUs ??= nowUs;
          if (nowUs - held.clearSinceUs >= rule.clearHoldUs(this.settings)) {
            this.held.delete(rule.id);
          } else {
            verdict = {
              action: 'stop',
              allowTurn: rule.turnsWhileClearing === true,
              reason: `${held.reason} (clearing)`,
            };
          }
        }
      }
      if (!verdict) continue;
      if (verdict.capMps !== undefined) capMps = Math.min(capMps, verdict.capMps);
      if (verdict.scale !== undefined) scale = Math.min(scale, verdict.scale);
      if (ACTION_SEVERITY[verdict.action] >= ACTION_SEVERITY.stop && !verdict.allowTurn) turnAllowed = false;
      if (!worst || ACTION_SEVERITY[verdict.action] > ACTION_SEVERITY[worst.verdict.action]) worst = { rule, verdict };
    }

    const cmd = inputs.command;
    const limits = { maxTurnRateRadps: this.settings.maxTurnRateRadps, capMps, scale };
    if (!worst) {
      const out = cmd ? scaledCommand(cmd.vMps, cmd.wRadps, limits) : { vMps: 0, wRadps: 0 };
      return { action: 'none', ...out, rule: '', reason: '', trip: null };
    }
    const { rule, verdict } = worst;
    if (ACTION_SEVERITY[verdict.action] >= ACTION_SEVERITY.stop) {
      // A stop that only concerns translation (obstacle, geofence, swarm hold) still lets the robot
      // turn in place when nothing else forbids it and turning in place is itself clear, so it is never trapped.
      const w = turnAllowed && cmd ? turnInPlaceRadps(cmd.wRadps, inputs, this.settings) : 0;
      return { action: verdict.action, vMps: 0, wRadps: w, rule: rule.id, reason: verdict.reason, trip };
    }
    const out = cmd ? scaledCommand(cmd.vMps, cmd.wRadps, limits) : { vMps: 0, wRadps: 0 };
    return { action: verdict.action, ...out, rule: rule.id, reason: verdict.reason, trip };
  }

  /** Ids of the stop rules holding now. */
  holding(): string[] {
    return [...this.held.keys()];
  }

  /** Applies a verdict's `afterUs` filter: it counts only once the rule has given verdicts without a break for that long. */
  private filtered(rule: ReflexRule, verdict: Verdict | null, nowUs: number): Verdict | null {
    if (!verdict) {
      this.verdictSince.delete(rule.id);
      return null;
    }
    const since = this.verdictSince.get(rule.id) ?? nowUs;
    this.verdictSince.set(rule.id, since);
    if (verdict.afterUs !== undefined && nowUs - since < verdict.afterUs) return null;
    return verdict;
  }
}

/** The rules the reflex comes up held by: those waiting for data first, then the latched switches, each in table order. */
function startHeldRules(rules: readonly ReflexRule[]): string[] {
  const held = rules.filter((rule) => rule.startsHeld);
  return [...held.filter((rule) => !rule.latched), ...held.filter((rule) => rule.latched)].map((rule) => rule.id);
}

/**
 * The command scaled down by one factor for v and ω together (a speed cap, the turn-rate limit and a
 * slow zone's fraction), so that an arc keeps its curvature: capping v alone would tighten the arc.
 */
function scaledCommand(
  vMps: number,
  wRadps: number,
  limits: { maxTurnRateRadps: number; capMps: number; scale: number },
): { vMps: number; wRadps: number } {
  let k = Math.max(0, Math.min(1, limits.scale));
  if (Math.abs(vMps) > limits.capMps) k = Math.min(k, limits.capMps / Math.abs(vMps));
  if (Math.abs(wRadps) > limits.maxTurnRateRadps) k = Math.min(k, limits.maxTurnRateRadps / Math.abs(wRadps));
  return { vMps: vMps * k, wRadps: wRadps * k };
}

/** The turn rate allowed in place for a commanded `wRadps`: within the limit, and only as much as the swept-area check allows. */
function turnInPlaceRadps(
  wRadps: number,
  inputs: ReflexInputs,
  settings: Pick<ReflexSettings, 'maxTurnRateRadps' | 'creepSpeedMps'>,
): number {
  const { maxTurnRateRadps } = settings;
  const w = Math.max(-maxTurnRateRadps, Math.min(maxTurnRateRadps, wRadps));
  const check = inputs.turnInPlace;
  if (!check || w === 0) return w;
  const fraction = Math.min(check.stopScale, check.slowScale);
  if (fraction >= 1) return w;
  return fraction * check.peakWheelMps < settings.creepSpeedMps ? 0 : w * fraction;
}
