/** What the return rule weighs. */
export interface ReturnDecisionInput {
  /** Energy left in the battery, watt-hours. */
  remainingWh: number;
  /** Length of the planned path back to base, metres (Infinity: no path). */
  pathBackM: number;
  /** Energy per metre driven, watt-hours per metre. */
  whPerM: number;
  /** The path back's energy is multiplied by this (at least 1). */
  reserveFactor: number;
  /** Energy kept in hand on top of that, watt-hours. */
  reserveFloorWh: number;
}

/** The rule's answer, with the figures it came from. */
export interface ReturnDecision {
  /** Head back to base now. */
  returnNow: boolean;
  /** Energy the path back needs: its length times the energy per metre, watt-hours. */
  needWh: number;
  /** Energy left, watt-hours (as given). */
  remainingWh: number;
  /** Energy asked for on top of `needWh`: `needWh × (reserveFactor − 1) + reserveFloorWh`, watt-hours. */
  reserveWh: number;
  /** The decision in words, for the event that records it. */
  reason: string;
}

/**
 * The return-to-base rule: head back as soon as the energy left is no more than what the planned
 * path back needs times the reserve factor, plus the reserve floor:
 * `remainingWh ≤ pathBackM × whPerM × reserveFactor + reserveFloorWh`. Not a fixed percentage: a
 * robot far from base turns back earlier than one near it, and one that has learned it drives
 * cheaply later. A figure that is not a number (no estimate, no path) counts against going on.
 */
export function decideReturn(input: ReturnDecisionInput): ReturnDecision {
  const { remainingWh, pathBackM, whPerM, reserveFactor, reserveFloorWh } = input;
  const needWh = pathBackM * whPerM;
  const reserveWh = needWh * (Math.max(1, reserveFactor) - 1) + reserveFloorWh;
  const required = needWh + reserveWh;
  const returnNow = !(remainingWh > required);
  const fmt = (wh: number): string => (Number.isFinite(wh) ? wh.toFixed(2) : String(wh));
  const reason = returnNow
    ? `${fmt(remainingWh)} Wh left, the path back (${fmt(pathBackM)} m) needs ${fmt(needWh)} Wh plus a ${fmt(reserveWh)} Wh reserve: return now`
    : `${fmt(remainingWh)} Wh left is more than the ${fmt(needWh)} Wh the path back needs plus a ${fmt(reserveWh)} Wh reserve`;
  return { returnNow, needWh, remainingWh, reserveWh, reason };
}
