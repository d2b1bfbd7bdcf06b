import type { Scenario } from '../scenario.js';
import { isRuntimeFault, restartAtS, type RuntimeFault } from './runtime-fault-schema.js';

/**
 * One moment of a runtime fault: it begins (`start`), or it ends (`clear`: the clock back, room on
 * the disk, or for a killed process its restart by the process supervisor).
 */
export interface RuntimeFaultPhase {
  robotId: string;
  /** The fault's place in the robot's `faults:`. */
  index: number;
  fault: RuntimeFault;
  phase: 'start' | 'clear';
  /** Sim time of the phase, microseconds. */
  atUs: number;
}

/** When a fault ends, seconds: a killed process is restarted after its delay; the others at the end of their duration (null: never). */
function clearAtS(fault: RuntimeFault): number | null {
  if (fault.kind === 'kill' || fault.kind === 'power-loss') return restartAtS(fault);
  return fault.durationS === undefined ? null : fault.atS + fault.durationS;
}

/** Every runtime fault's phases in a scenario, in time order (a fault's start before its clear, robots in file order at one instant). */
export function runtimeFaultPhases(scenario: Scenario): RuntimeFaultPhase[] {
  const phases: RuntimeFaultPhase[] = [];
  for (const robot of scenario.robots) {
    robot.faults.forEach((fault, index) => {
      if (!isRuntimeFault(fault)) return;
      phases.push({ robotId: robot.id, index, fault, phase: 'start', atUs: fault.atS * 1e6 });
      const clear = clearAtS(fault);
      if (clear !== null) phases.push({ robotId: robot.id, index, fault, phase: 'clear', atUs: clear * 1e6 });
    });
  }
  // A stable sort: at one instant, the file's order.
  return phases.sort((a, b) => a.atUs - b.atUs);
}
