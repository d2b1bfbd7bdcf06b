/**
 * Something notable that happened on the robot, numbered in order. The ledger will keep these
 * durably; until then the runtime keeps them in memory and the debug port serves them.
 */
export type RuntimeEventBody =
  | { kind: 'device-health'; device: string; from: string; to: string; reason: string }
  | { kind: 'reflex-trip'; rule: string; reason: string }
  | { kind: 'mission'; mission: string; state: string };

export type RuntimeEvent = RuntimeEventBody & {
  /** Monotonically increasing from 1. */
  seq: number;
  /** Clock time, microseconds (sim time under the simulator). */
  atUs: number;
};

/** One line for a person: `[4.000 s] lidar: ok -> failed (reason)`. */
export function describeEvent(event: RuntimeEvent): string {
  const at = `[${(event.atUs / 1e6).toFixed(3)} s]`;
  switch (event.kind) {
    case 'device-health':
      return `${at} ${event.device}: ${event.from} -> ${event.to}${event.reason ? ` (${event.reason})` : ''}`;
    case 'reflex-trip':
      return `${at} reflex trip, ${event.rule}: ${event.reason}`;
    case 'mission':
      return `${at} mission ${event.mission}: ${event.state}`;
  }
}
