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

/**
 * Something notable that happened on the robot, numbered in order. The ledger will keep these
 * durably; until then the runtime keeps them in memory and the debug port serves them.
 */
export type RuntimeEventBody =
  | { kind: 'device-health'; device: string; from: string; to: string; reason: string }
  /** A stop the reflex imposed, with the black box (the last 2 s at loop rate) frozen at that moment. */
  | { kind: 'reflex-trip'; rule: string; reason: string; blackBox: BlackBoxEntry[] }
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
