import { sanitizeExternalText } from './external-text.js';

/** One line of the black box: what the reflex saw and did at one loop iteration. */
export interface BlackBoxEntry {
  /** Clock time, microseconds. */
  tUs: number;
  /** The command in force (planner or manual), m/s and rad/s. */
  cmdVMps: number;
  cmdWRadps: number;
  /** What the motors were given. */
  appliedVMps: number;
  appliedWRadps: number;
  /** Free distance to the nearest obstacle ahead, metres (null: none seen). */
  aheadFreeM: number | null;
  /** Age of the newest lidar data, milliseconds. */
  lidarAgeMs: number;
  batteryV: number | null;
  tiltDeg: number | null;
  action: string;
  rule: string;
}

/** Who asked for an operator action: where the request came from and whether it carried a valid token. */
export interface Requester {
  /** `debug-port` for an HTTP request, `script` for a scenario's scripted step, `supervisor` for the fleet supervisor over the uplink. */
  via: 'debug-port' | 'script' | 'supervisor';
  /** The peer's IP address (HTTP), or null. */
  remoteAddress: string | null;
  /** The request's `Origin` header, or null when it sent none. */
  origin: string | null;
  /** True when the request carried a valid bearer token. */
  authenticated: boolean;
}

/**
 * Something notable that happened on the robot, numbered in order by the ledger
 * (`comms/ledger/`), which keeps them durably; the debug port and the uplink read them from there.
 */
export type RuntimeEventBody =
  | { kind: 'device-health'; device: string; from: string; to: string; reason: string }
  /** A stop the reflex imposed, with the black box (the last 2 s at loop rate) frozen at that moment. */
  | { kind: 'reflex-trip'; rule: string; reason: string; blackBox: BlackBoxEntry[] }
  /** A mission changed state (`from` → `state`) and why; `id` names it (events from before missions had ids have none of the three). */
  | { kind: 'mission'; mission: string; state: string; id?: string; from?: string; reason?: string }
  /** An operator latched the e-stop. */
  | { kind: 'operator-estop'; reason: string; by: Requester }
  /** An operator reset the e-stop: the latched rules it cleared and those whose cause is still there. */
  | { kind: 'operator-reset'; cleared: string[]; stillActive: string[]; by: Requester }
  /**
   * A manual override session began (first command) or ended (`endReason`: released with a zero
   * command, dead-man timeout without renewal, taken over by another requester, runtime stopped).
   */
  | {
      kind: 'override';
      phase: 'start' | 'end';
      /** The command that started it, or the last one of the session (m/s, rad/s). */
      vMps: number;
      wRadps: number;
      /** Commands received in the session (at its end; 1 at its start). */
      commands: number;
      endReason: string | null;
      by: Requester;
    }
  /**
   * A device's health is flapping (`start`: it changed `transitions` times within the flap window,
   * `ratePerS` changes a second) or has settled (`end`: no change for a whole window; `transitions`
   * counts every change of the flapping period, `state` is where it settled). The changes in between
   * are not recorded one by one.
   */
  | {
      kind: 'device-flapping';
      device: string;
      phase: 'start' | 'end';
      transitions: number;
      ratePerS: number;
      state: string;
      reason: string;
    }
  /**
   * An upgrade's outcome as `spinal upgrade` and the service wrote it to the upgrade journal on the
   * disk (`installed`, or `rolled-back` to the previous binary with the reason), taken into the
   * ledger once, at the next start, so that the fleet learns of it through the uplink.
   */
  | {
      kind: 'upgrade';
      outcome: 'installed' | 'rolled-back';
      /** The entry's number in the upgrade journal and when it happened (wall clock, ISO 8601). */
      journalSeq: number;
      atIso: string;
      fromVersion: string;
      toVersion: string;
      reason: string;
    }
  /**
   * A config update from the supervisor took effect: the parameters it set (run-time tunable ones,
   * docs/configuration.md) with their new values, and the update's version.
   */
  | { kind: 'config-change'; version: number; values: Record<string, number | boolean | string>; by: Requester }
  /**
   * The world did not behave as the cortex predicted (`start`), or does again (`clear`): the
   * violation's kind (`wedged`, `pushed`, `path-blocked`, `localisation-lost`), where its
   * evidence comes from (`encoders`, `scan-matching`, empty) and the evidence's figures by name.
   */
  | {
      kind: 'consistency-violation';
      phase: 'start' | 'clear';
      violation: string;
      source: string;
      evidence: Record<string, number>;
    }
  /**
   * The cortex's reaction to a violation (`docs/cortex.md`, the reaction table): started,
   * succeeded or failed (with why), `escalated` (it gave up and holds: the one the supervisor
   * must hear of), or the hold released.
   */
  | {
      kind: 'consistency-reaction';
      event: string;
      violation: string;
      reaction: string;
      attempt: number;
      reason: string;
    }
  /**
   * The robot's right of way among its peers changed (docs/mesh.md): it holds for a peer (`hold`),
   * drives to a passing place out of a peer's way (`back-off`), found a wait-for cycle and is the
   * one to break it (`deadlock`, the cycle's robots in order), or goes on (`go`).
   */
  | {
      kind: 'right-of-way';
      action: 'hold' | 'back-off' | 'deadlock' | 'go';
      peer: string;
      reason: string;
      cycle: string[];
    }
  /** The ledger itself: the disk is full (`disk-full`: only safety events are kept), has room again (`disk-ok`), or cannot meet its size cap with events it may never drop (`over-cap`). */
  | { kind: 'ledger-notice'; notice: 'disk-full' | 'disk-ok' | 'over-cap'; detail: string };

export type RuntimeEvent = RuntimeEventBody & {
  /** Monotonically increasing from 1. */
  seq: number;
  /** Clock time, microseconds (sim time under the simulator). */
  atUs: number;
};

/** `192.0.2.7 (origin http://robot:8080, token)`: who asked, in a few words. */
export function describeRequester(by: Requester): string {
  const where = by.via === 'debug-port' ? (by.remoteAddress ?? 'unknown address') : by.via;
  const details = [by.origin ? `origin ${by.origin}` : 'no origin', by.authenticated ? 'token' : 'no token'];
  return sanitizeExternalText(by.via === 'debug-port' ? `${where} (${details.join(', ')})` : where);
}

/**
 * One line for a person: `[4.000 s] lidar: ok -> failed (reason)`. Times are counted from
 * `originUs` (default 0: the clock's own origin, sim start under the simulator). Text from outside
 * (reasons, origins) is passed through {@link sanitizeExternalText}.
 */
export function describeEvent(event: RuntimeEvent, originUs = 0): string {
  const at = `[${((event.atUs - originUs) / 1e6).toFixed(3)} s]`;
  const clean = sanitizeExternalText;
  switch (event.kind) {
    case 'device-health':
      return `${at} ${event.device}: ${event.from} -> ${event.to}${event.reason ? ` (${clean(event.reason)})` : ''}`;
    case 'reflex-trip':
      return `${at} reflex trip, ${event.rule}: ${clean(event.reason)}`;
    case 'mission':
      return `${at} mission ${event.id ? `${clean(event.id)} ` : ''}(${event.mission}): ${event.from ? `${event.from} -> ` : ''}${event.state}${event.reason ? ` (${clean(event.reason)})` : ''}`;
    case 'operator-estop':
      return `${at} e-stop by ${describeRequester(event.by)}: ${clean(event.reason)}`;
    case 'operator-reset': {
      const cleared = event.cleared.length ? `cleared ${event.cleared.join(', ')}` : 'nothing to clear';
      const still = event.stillActive.length ? `; still active: ${event.stillActive.join(', ')}` : '';
      return `${at} e-stop reset by ${describeRequester(event.by)}: ${clean(cleared + still)}`;
    }
    case 'device-flapping':
      return event.phase === 'start'
        ? `${at} ${event.device}: flapping (${event.transitions} changes, ${event.ratePerS.toFixed(1)}/s; ${clean(event.reason)})`
        : `${at} ${event.device}: settled ${event.state} after ${event.transitions} changes`;
    case 'ledger-notice':
      return `${at} ledger ${event.notice}: ${clean(event.detail)}`;
    case 'upgrade':
      return event.outcome === 'installed'
        ? `${at} upgrade ${clean(event.fromVersion)} -> ${clean(event.toVersion)} installed (${clean(event.atIso)})`
        : `${at} upgrade to ${clean(event.toVersion)} rolled back to ${clean(event.fromVersion)} (${clean(event.atIso)}): ${clean(event.reason)}`;
    case 'config-change': {
      const values = Object.entries(event.values).map(([name, value]) => `${name} = ${JSON.stringify(value)}`);
      return `${at} config update ${event.version} by ${describeRequester(event.by)}: ${clean(values.join(', '))}`;
    }
    case 'consistency-violation': {
      const figures = Object.entries(event.evidence).map(([name, value]) => `${name} ${Number(value.toFixed(3))}`);
      const source = event.source ? ` by ${clean(event.source)}` : '';
      const verb = event.phase === 'start' ? 'raised' : 'cleared';
      return `${at} consistency: ${clean(event.violation)} ${verb}${source} (${clean(figures.join(', '))})`;
    }
    case 'consistency-reaction':
      return `${at} consistency: ${clean(event.event)} ${clean(event.reaction)} for ${clean(event.violation)}, attempt ${event.attempt}${event.reason ? ` (${clean(event.reason)})` : ''}`;
    case 'right-of-way': {
      const cycle = event.cycle.length ? ` (cycle ${clean(event.cycle.join(' -> '))})` : '';
      const peer = event.peer ? ` for ${clean(event.peer)}` : '';
      return `${at} right of way: ${event.action}${peer}${event.reason ? `: ${clean(event.reason)}` : ''}${cycle}`;
    }
    case 'override':
      return event.phase === 'start'
        ? `${at} manual override started by ${describeRequester(event.by)} (${event.vMps} m/s, ${event.wRadps} rad/s)`
        : `${at} manual override by ${describeRequester(event.by)} ended: ${clean(event.endReason ?? '')} after ${event.commands} command(s)`;
  }
}
