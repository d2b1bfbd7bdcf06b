import type { SimFaultReport } from '../report.js';
import { isSystemFault, type ScenarioRobot } from '../scenario.js';
import { FaultTrigger, type FaultObservation } from './fault-trigger.js';
import type { SystemFault } from './system-fault-schema.js';

/** A system fault due to begin or clear now, for whoever carries it out (the sim's main thread). */
export interface SystemFaultEdge {
  /** The robot the fault is listed under (its uplink; its condition). */
  robotId: string;
  /** Where the fault is in that robot's `faults:`. */
  index: number;
  fault: SystemFault;
  edge: 'inject' | 'clear';
}

interface Scheduled {
  robotId: string;
  index: number;
  fault: SystemFault;
  trigger: FaultTrigger;
}

/**
 * The scenario's faults on targets other than devices (uplink, supervisor, broker, mesh, ...):
 * the world thread moves them on with sim time and each robot's state, and hands each beginning
 * and clearing to the main thread, which owns those targets. Keeps their report lines.
 */
export class SystemFaultSchedule {
  private readonly scheduled: Scheduled[] = [];

  constructor(robots: readonly ScenarioRobot[]) {
    for (const robot of robots) {
      robot.faults.forEach((fault, index) => {
        if (!isSystemFault(fault)) return;
        this.scheduled.push({
          robotId: robot.id,
          index,
          fault,
          trigger: new FaultTrigger(fault, fault.device, fault.kind),
        });
      });
    }
  }

  /** The beginnings and clearings due by `nowUs`, each robot as `seen(robotId)` now, in schedule order. */
  due(nowUs: number, seen: (robotId: string) => FaultObservation): SystemFaultEdge[] {
    const edges: SystemFaultEdge[] = [];
    for (const { robotId, index, fault, trigger } of this.scheduled) {
      const edge = trigger.update(nowUs, seen(robotId));
      if (edge) edges.push({ robotId, index, fault, edge });
    }
    return edges;
  }

  /** The faults thrown so far (one not yet begun is not listed). */
  report(): SimFaultReport[] {
    return this.scheduled.flatMap((s) => s.trigger.report() ?? []);
  }
}
