import type { RuntimeEventBody } from '../../messages/runtime-event.js';

/**
 * How much an event is worth keeping, most first. Retention and a full disk drop from the end of
 * this list: `safety` and `mission` events are never dropped; `health` (device health, flapping)
 * goes oldest first once `telemetry` is gone; `telemetry` is first thinned out, then dropped oldest
 * first.
 */
export const PRIORITY_CLASSES = ['safety', 'mission', 'health', 'telemetry'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

/** Classes the ledger never drops, for age, size or a full disk. */
export const KEPT_CLASSES: readonly PriorityClass[] = ['safety', 'mission'];

/** Classes still written while the disk is full. */
export const DISK_FULL_CLASSES: readonly PriorityClass[] = ['safety'];

/** The class of every event kind (a new kind fails to compile until it is placed here). */
const CLASS_OF_KIND: Record<RuntimeEventBody['kind'], PriorityClass> = {
  'reflex-trip': 'safety',
  'operator-estop': 'safety',
  'operator-reset': 'safety',
  override: 'safety',
  'ledger-notice': 'safety',
  // Which software drives the robot, and why it changed: kept like safety events, even on a full disk.
  upgrade: 'safety',
  // The safety and planner limits in force, and who changed them: kept like safety events.
  'config-change': 'safety',
  mission: 'mission',
  // What the robot noticed on its mission and did about it (an escalation is the supervisor's to see).
  'consistency-violation': 'mission',
  'consistency-reaction': 'mission',
  // Peer negotiations: who held for whom, and why.
  'right-of-way': 'mission',
  'device-health': 'health',
  'device-flapping': 'health',
};

export function priorityClassOf(kind: string): PriorityClass {
  return (CLASS_OF_KIND as Record<string, PriorityClass | undefined>)[kind] ?? 'telemetry';
}
