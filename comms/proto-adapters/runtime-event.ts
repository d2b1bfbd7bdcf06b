/** Runtime events between their in-process types (messages/runtime-event.ts) and the wire (spinal/v1/event.proto). */
import type { BlackBoxEntry, Requester, RuntimeEvent, RuntimeEventBody } from '../../messages/runtime-event.js';
import * as wire from '../proto/generated/spinal/v1/event.generated.js';
import { enumMapping } from './enum-mapping.js';
import { readWire, required, WireFieldError, type FromWire } from './from-wire.js';

export const requesterVias = enumMapping<Requester['via'], wire.RequesterVia>({
  'debug-port': wire.RequesterVia.DEBUG_PORT,
  script: wire.RequesterVia.SCRIPT,
  supervisor: wire.RequesterVia.SUPERVISOR,
});

type OverrideEvent = Extract<RuntimeEventBody, { kind: 'override' }>;

export const overridePhases = enumMapping<OverrideEvent['phase'], wire.OverridePhase>({
  start: wire.OverridePhase.START,
  end: wire.OverridePhase.END,
});

type FlappingEvent = Extract<RuntimeEventBody, { kind: 'device-flapping' }>;

export const flapPhases = enumMapping<FlappingEvent['phase'], wire.FlapPhase>({
  start: wire.FlapPhase.START,
  end: wire.FlapPhase.END,
});

type LedgerNoticeEvent = Extract<RuntimeEventBody, { kind: 'ledger-notice' }>;

export const ledgerNotices = enumMapping<LedgerNoticeEvent['notice'], wire.LedgerNoticeKind>({
  'disk-full': wire.LedgerNoticeKind.DISK_FULL,
  'disk-ok': wire.LedgerNoticeKind.DISK_OK,
  'over-cap': wire.LedgerNoticeKind.OVER_CAP,
});

type UpgradeEvent = Extract<RuntimeEventBody, { kind: 'upgrade' }>;

export const upgradeOutcomes = enumMapping<UpgradeEvent['outcome'], wire.UpgradeOutcome>({
  installed: wire.UpgradeOutcome.INSTALLED,
  'rolled-back': wire.UpgradeOutcome.ROLLED_BACK,
});

/** A value that may be absent, as the oneof of one field that carries it on the wire. */
function present<C extends string, T>($case: C, value: T | null): { $case: C; value: T } | undefined {
  return value === null ? undefined : { $case, value };
}

function presentValue<T>(oneof: { value: T } | undefined): T | null {
  return oneof === undefined ? null : oneof.value;
}

function blackBoxEntryToWire(entry: BlackBoxEntry): wire.BlackBoxEntry {
  return {
    tUs: entry.tUs,
    cmdVMps: entry.cmdVMps,
    cmdWRadps: entry.cmdWRadps,
    appliedVMps: entry.appliedVMps,
    appliedWRadps: entry.appliedWRadps,
    aheadFree: present('aheadFreeM', entry.aheadFreeM),
    lidarAgeMs: entry.lidarAgeMs,
    battery: present('batteryV', entry.batteryV),
    tilt: present('tiltDeg', entry.tiltDeg),
    action: entry.action,
    rule: entry.rule,
  };
}

function readBlackBoxEntry(entry: wire.BlackBoxEntry): BlackBoxEntry {
  return {
    tUs: entry.tUs,
    cmdVMps: entry.cmdVMps,
    cmdWRadps: entry.cmdWRadps,
    appliedVMps: entry.appliedVMps,
    appliedWRadps: entry.appliedWRadps,
    aheadFreeM: presentValue(entry.aheadFree),
    lidarAgeMs: entry.lidarAgeMs,
    batteryV: presentValue(entry.battery),
    tiltDeg: presentValue(entry.tilt),
    action: entry.action,
    rule: entry.rule,
  };
}

function requesterToWire(by: Requester): wire.Requester {
  return {
    via: requesterVias.toWire(by.via),
    remote: present('remoteAddress', by.remoteAddress),
    originHeader: present('origin', by.origin),
    authenticated: by.authenticated,
  };
}

function readRequester(by: wire.Requester | undefined, field: string): Requester {
  const requester = required(by, field);
  return {
    via: requesterVias.fromWire(requester.via, `${field}.via`),
    remoteAddress: presentValue(requester.remote),
    origin: presentValue(requester.originHeader),
    authenticated: requester.authenticated,
  };
}

/** A parameter's value on the wire (ParameterValue): a number, a boolean or a text. */
export function parameterValueToWire(value: number | boolean | string): wire.ParameterValue {
  if (typeof value === 'number') return { value: { $case: 'number', value } };
  if (typeof value === 'boolean') return { value: { $case: 'boolean', value } };
  return { value: { $case: 'text', value } };
}

/** A parameter's value from the wire; a missing value or a number that is not finite is refused, naming `field`. */
export function readParameterValue(value: wire.ParameterValue | undefined, field: string): number | boolean | string {
  const v = required(required(value, field).value, field);
  if (v.$case === 'number' && !Number.isFinite(v.value))
    throw new WireFieldError(field, `${v.value} is not a finite number`);
  return v.value;
}

function parameterValuesToWire(values: Record<string, number | boolean | string>): Record<string, wire.ParameterValue> {
  const out: Record<string, wire.ParameterValue> = {};
  for (const [name, value] of Object.entries(values)) out[name] = parameterValueToWire(value);
  return out;
}

function readParameterValues(
  values: Record<string, wire.ParameterValue>,
  field: string,
): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const [name, value] of Object.entries(values)) out[name] = readParameterValue(value, `${field}.${name}`);
  return out;
}

function bodyToWire(event: RuntimeEventBody): wire.RuntimeEvent['body'] {
  switch (event.kind) {
    case 'device-health':
      return {
        $case: 'deviceHealth',
        value: { device: event.device, from: event.from, to: event.to, reason: event.reason },
      };
    case 'reflex-trip':
      return {
        $case: 'reflexTrip',
        value: { rule: event.rule, reason: event.reason, blackBox: event.blackBox.map(blackBoxEntryToWire) },
      };
    case 'mission':
      return {
        $case: 'mission',
        value: {
          mission: event.mission,
          state: event.state,
          id: event.id ?? '',
          from: event.from ?? '',
          reason: event.reason ?? '',
        },
      };
    case 'operator-estop':
      return { $case: 'operatorEstop', value: { reason: event.reason, by: requesterToWire(event.by) } };
    case 'operator-reset':
      return {
        $case: 'operatorReset',
        value: { cleared: [...event.cleared], stillActive: [...event.stillActive], by: requesterToWire(event.by) },
      };
    case 'override':
      return {
        $case: 'override',
        value: {
          phase: overridePhases.toWire(event.phase),
          vMps: event.vMps,
          wRadps: event.wRadps,
          commands: event.commands,
          end: present('endReason', event.endReason),
          by: requesterToWire(event.by),
        },
      };
    case 'device-flapping':
      return {
        $case: 'deviceFlapping',
        value: {
          device: event.device,
          phase: flapPhases.toWire(event.phase),
          transitions: event.transitions,
          ratePerS: event.ratePerS,
          state: event.state,
          reason: event.reason,
        },
      };
    case 'ledger-notice':
      return {
        $case: 'ledgerNotice',
        value: { notice: ledgerNotices.toWire(event.notice), detail: event.detail },
      };
    case 'upgrade':
      return {
        $case: 'upgrade',
        value: {
          outcome: upgradeOutcomes.toWire(event.outcome),
          journalSeq: event.journalSeq,
          atIso: event.atIso,
          fromVersion: event.fromVersion,
          toVersion: event.toVersion,
          reason: event.reason,
        },
      };
    case 'config-change':
      return {
        $case: 'configChange',
        value: { version: event.version, values: parameterValuesToWire(event.values), by: requesterToWire(event.by) },
      };
    case 'consistency-violation':
      return {
        $case: 'consistencyViolation',
        value: {
          phase: event.phase,
          violation: event.violation,
          source: event.source,
          evidence: { ...event.evidence },
        },
      };
    case 'consistency-reaction':
      return {
        $case: 'consistencyReaction',
        value: {
          event: event.event,
          violation: event.violation,
          reaction: event.reaction,
          attempt: event.attempt,
          reason: event.reason,
        },
      };
    case 'right-of-way':
      return {
        $case: 'rightOfWay',
        value: { action: event.action, peer: event.peer, reason: event.reason, cycle: [...event.cycle] },
      };
  }
}

function readBody(body: wire.RuntimeEvent['body']): RuntimeEventBody {
  const b = required(body, 'body');
  const at = `body.${b.$case}`;
  switch (b.$case) {
    case 'deviceHealth':
      return {
        kind: 'device-health',
        device: b.value.device,
        from: b.value.from,
        to: b.value.to,
        reason: b.value.reason,
      };
    case 'reflexTrip':
      return {
        kind: 'reflex-trip',
        rule: b.value.rule,
        reason: b.value.reason,
        blackBox: b.value.blackBox.map(readBlackBoxEntry),
      };
    case 'mission':
      return {
        kind: 'mission',
        mission: b.value.mission,
        state: b.value.state,
        ...(b.value.id ? { id: b.value.id } : {}),
        ...(b.value.from ? { from: b.value.from } : {}),
        ...(b.value.reason ? { reason: b.value.reason } : {}),
      };
    case 'operatorEstop':
      return { kind: 'operator-estop', reason: b.value.reason, by: readRequester(b.value.by, `${at}.by`) };
    case 'operatorReset':
      return {
        kind: 'operator-reset',
        cleared: b.value.cleared,
        stillActive: b.value.stillActive,
        by: readRequester(b.value.by, `${at}.by`),
      };
    case 'override':
      return {
        kind: 'override',
        phase: overridePhases.fromWire(b.value.phase, `${at}.phase`),
        vMps: b.value.vMps,
        wRadps: b.value.wRadps,
        commands: b.value.commands,
        endReason: presentValue(b.value.end),
        by: readRequester(b.value.by, `${at}.by`),
      };
    case 'deviceFlapping':
      return {
        kind: 'device-flapping',
        device: b.value.device,
        phase: flapPhases.fromWire(b.value.phase, `${at}.phase`),
        transitions: b.value.transitions,
        ratePerS: b.value.ratePerS,
        state: b.value.state,
        reason: b.value.reason,
      };
    case 'ledgerNotice':
      return {
        kind: 'ledger-notice',
        notice: ledgerNotices.fromWire(b.value.notice, `${at}.notice`),
        detail: b.value.detail,
      };
    case 'upgrade':
      return {
        kind: 'upgrade',
        outcome: upgradeOutcomes.fromWire(b.value.outcome, `${at}.outcome`),
        journalSeq: b.value.journalSeq,
        atIso: b.value.atIso,
        fromVersion: b.value.fromVersion,
        toVersion: b.value.toVersion,
        reason: b.value.reason,
      };
    case 'configChange':
      return {
        kind: 'config-change',
        version: b.value.version,
        values: readParameterValues(b.value.values, `${at}.values`),
        by: readRequester(b.value.by, `${at}.by`),
      };
    case 'consistencyViolation': {
      const phase = b.value.phase;
      if (phase !== 'start' && phase !== 'clear') throw new WireFieldError(`${at}.phase`, `unknown phase "${phase}"`);
      return {
        kind: 'consistency-violation',
        phase,
        violation: b.value.violation,
        source: b.value.source,
        evidence: { ...b.value.evidence },
      };
    }
    case 'consistencyReaction':
      return {
        kind: 'consistency-reaction',
        event: b.value.event,
        violation: b.value.violation,
        reaction: b.value.reaction,
        attempt: b.value.attempt,
        reason: b.value.reason,
      };
    case 'rightOfWay': {
      const action = b.value.action;
      if (action !== 'hold' && action !== 'back-off' && action !== 'deadlock' && action !== 'go')
        throw new WireFieldError(`${at}.action`, `unknown action "${action}"`);
      return { kind: 'right-of-way', action, peer: b.value.peer, reason: b.value.reason, cycle: [...b.value.cycle] };
    }
  }
}

export function runtimeEventToWire(event: RuntimeEvent): wire.RuntimeEvent {
  return { seq: event.seq, atUs: event.atUs, body: bodyToWire(event) };
}

/** Refuses an event without a body, with sequence 0 (events count from 1), or with an unknown enum value. */
export function runtimeEventFromWire(event: wire.RuntimeEvent): FromWire<RuntimeEvent> {
  return readWire(() => {
    if (event.seq < 1) throw new WireFieldError('seq', `${event.seq}: events are numbered from 1`);
    return { ...readBody(event.body), seq: event.seq, atUs: event.atUs };
  });
}
