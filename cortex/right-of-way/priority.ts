import type { RobotPriority } from '../../messages/peer.js';

/**
 * The right-of-way order, a total order over robots: < 0 when `a` goes first, > 0 when `b` does,
 * 0 only for the same robot id. A safety-stopped robot goes first (it cannot move out of anyone's
 * way), then one carrying a payload, then the higher mission priority, then the smaller robot id
 * (compared by UTF-16 code units, the same on every robot whatever its locale).
 */
export function comparePriority(a: RobotPriority, b: RobotPriority): number {
  if (a.safetyStopped !== b.safetyStopped) return a.safetyStopped ? -1 : 1;
  if (a.carryingPayload !== b.carryingPayload) return a.carryingPayload ? -1 : 1;
  const pa = finiteOrZero(a.missionPriority);
  const pb = finiteOrZero(b.missionPriority);
  if (pa !== pb) return pb - pa;
  if (a.robotId === b.robotId) return 0;
  return a.robotId < b.robotId ? -1 : 1;
}

/** The robot of `robots` that goes last (undefined for none). */
export function lowestPriority<T extends RobotPriority>(robots: readonly T[]): T | undefined {
  let lowest: T | undefined;
  for (const robot of robots) if (lowest === undefined || comparePriority(robot, lowest) > 0) lowest = robot;
  return lowest;
}

/** A mission priority that is not a finite number ranks as none (0). */
function finiteOrZero(value: number): number {
  return Number.isFinite(value) ? value : 0;
}
