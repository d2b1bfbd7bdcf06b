import type { OperatorCommand, OperatorResult } from '../../comms/comms-thread-protocol.js';
import { sanitizeExternalText } from '../../messages/external-text.js';
import type { RuntimeEventBody } from '../../messages/runtime-event.js';
import type { ReflexLoop } from '../../reflex/reflex-loop.js';
import type { Cancel, Clock } from '../../time/clock.js';
import { OverrideSessions } from '../override-sessions.js';

/** Longest operator e-stop reason kept, characters. */
const MAX_OPERATOR_REASON_CHARS = 200;
/** How often an unrenewed override session is looked for, microseconds of clock time. */
const OVERRIDE_CHECK_PERIOD_US = 100_000;

/**
 * Operator commands from the debug port, a scenario script or the supervisor: e-stop, reset, manual
 * drive. Each is recorded as an event naming who asked; manual drive runs in sessions that end
 * (with an event) when they are not renewed within the dead-man timeout.
 */
export class OperatorDesk {
  private readonly overrides: OverrideSessions;
  private cancelCheck: Cancel | null = null;

  constructor(
    private readonly reflex: ReflexLoop,
    private readonly clock: Clock,
    deadmanTimeoutUs: number,
    private readonly record: (body: RuntimeEventBody) => void,
  ) {
    this.overrides = new OverrideSessions(deadmanTimeoutUs);
  }

  /** Starts looking for override sessions that were not renewed in time. */
  start(): void {
    const { clock } = this;
    this.cancelCheck = clock.every(OVERRIDE_CHECK_PERIOD_US, () => {
      for (const event of this.overrides.expire(clock.nowUs())) this.record(event);
    });
  }

  /** Ends the override session in progress, if any (the runtime is stopping). */
  close(): void {
    this.cancelCheck?.();
    for (const event of this.overrides.end('the runtime stopped')) this.record(event);
  }

  /** An override is answered with the decision the reflex took for this very command (evaluated in this call), stamped now. */
  operate(command: OperatorCommand): OperatorResult {
    const { reflex } = this;
    const nowUs = this.clock.nowUs();
    switch (command.kind) {
      case 'estop': {
        const reason = sanitizeExternalText(command.reason, MAX_OPERATOR_REASON_CHARS);
        reflex.requestEstop('operator', reason);
        this.record({ kind: 'operator-estop', reason, by: command.by });
        return { ok: true, body: { reflex: reflex.status() } };
      }
      case 'estop-reset': {
        const reset = reflex.resetEstop();
        this.record({
          kind: 'operator-reset',
          cleared: reset.cleared,
          stillActive: reset.stillActive.map((r) => r.rule),
          by: command.by,
        });
        return { ok: reset.stillActive.length === 0, body: { ...reset, reflex: reflex.status() } };
      }
      case 'override': {
        for (const event of this.overrides.command(nowUs, command.vMps, command.wRadps, command.by)) this.record(event);
        reflex.override(command.vMps, command.wRadps);
        const decided = reflex.status();
        const applied = reflex.appliedDrive();
        const { state, rule, reason } = decided;
        const commanded = { vMps: command.vMps, wRadps: command.wRadps };
        return {
          ok: true,
          body: {
            reflex: decided,
            decision: {
              atUs: nowUs,
              state,
              rule,
              reason,
              commanded,
              applied: { vMps: applied.vMps, wRadps: applied.wRadps },
            },
          },
        };
      }
    }
  }
}
