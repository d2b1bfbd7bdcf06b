import createDebug from 'debug';
import type { SystemFaultEdge } from '../../simulator/faults/system-fault-schedule.js';
import {
  DEFAULT_ROGUE_MESSAGES_PER_S,
  DEFAULT_SLOW_LATENCY_MS,
  type MeshFault,
  type UplinkFault,
} from '../../simulator/faults/system-fault-schema.js';
import type { ProxyMode, TcpFaultProxy } from '../../simulator/faults/tcp-fault-proxy.js';
import type { RogueMeshPeer } from '../../simulator/faults/rogue-mesh-peer.js';

const log = createDebug('spinal:cli:sim-faults');

/** Something that can be taken down and brought back on the same address (a supervisor, a broker). */
export interface DownableService {
  down(): Promise<string>;
  up(): Promise<string>;
}

/** What the runner throws faults on: each may be missing when the run has none of that target. */
export interface SystemFaultTargets {
  supervisor: DownableService | null;
  broker: DownableService | null;
  /** Each robot's uplink proxy, by robot id. */
  uplinkProxies: ReadonlyMap<string, TcpFaultProxy>;
  /** Starts a rogue peer on the fleet's mesh. */
  startRogue: ((fault: MeshFault) => RogueMeshPeer) | null;
}

/** The more severe uplink fault wins while several are on: a cut over a black hole over a slowed link. */
const UPLINK_SEVERITY: Record<UplinkFault['kind'], number> = { slow: 1, blackhole: 2, cut: 3 };

function proxyModeOf(active: readonly UplinkFault[]): ProxyMode {
  const worst = [...active].sort((a, b) => UPLINK_SEVERITY[b.kind] - UPLINK_SEVERITY[a.kind])[0];
  if (!worst) return { kind: 'pass' };
  if (worst.kind === 'slow') {
    return {
      kind: 'slow',
      latencyMs: worst.latencyMs ?? DEFAULT_SLOW_LATENCY_MS,
      bytesPerS: worst.bytesPerS ?? null,
    };
  }
  return { kind: worst.kind };
}

/**
 * Carries out the beginnings and clearings of the scenario's faults on a robot's surroundings,
 * as the world thread hands them over: sets each robot's uplink proxy, takes the supervisor and
 * the broker down and up again, starts and stops rogue peers. Overlapping faults on one target
 * add up: the target is back only when the last of them clears.
 */
export class SystemFaultRunner {
  /** Each robot's uplink faults on now, with where they are in its `faults:`. */
  private readonly activeUplink = new Map<string, Array<{ index: number; fault: UplinkFault }>>();
  private readonly downs = { supervisor: 0, broker: 0 };
  private readonly rogues = new Map<string, RogueMeshPeer>();

  constructor(private readonly targets: SystemFaultTargets) {}

  /** Carries out one edge; resolves with what it did, in words. */
  async apply({ robotId, index, fault, edge }: SystemFaultEdge): Promise<string> {
    const inject = edge === 'inject';
    if (fault.device === 'uplink') {
      const proxy = this.targets.uplinkProxies.get(robotId);
      if (!proxy) return `${robotId} has no uplink proxy`;
      const active = this.activeUplink.get(robotId) ?? [];
      const next = inject ? [...active, { index, fault }] : active.filter((f) => f.index !== index);
      this.activeUplink.set(robotId, next);
      const mode = proxyModeOf(next.map((f) => f.fault));
      await proxy.setMode(mode);
      return `${robotId}'s uplink: ${mode.kind}`;
    }
    if (fault.device === 'supervisor' || fault.device === 'broker') {
      const service = this.targets[fault.device];
      if (!service) return `no ${fault.device} to take down`;
      const before = this.downs[fault.device];
      this.downs[fault.device] = Math.max(0, before + (inject ? 1 : -1));
      if (inject && before === 0) return service.down();
      if (!inject && this.downs[fault.device] === 0) return service.up();
      return `the ${fault.device} stays down (${this.downs[fault.device]} fault(s) on)`;
    }
    const key = `${robotId}#${index}`;
    if (inject) {
      if (!this.targets.startRogue) return 'no mesh to go rogue on';
      this.rogues.set(key, this.targets.startRogue(fault));
      return `a rogue peer publishes on the mesh at ${fault.messagesPerS ?? DEFAULT_ROGUE_MESSAGES_PER_S} message(s)/s`;
    }
    const rogue = this.rogues.get(key);
    this.rogues.delete(key);
    if (!rogue) return 'no rogue peer to stop';
    await rogue.stop();
    const sent = Object.entries(rogue.sent)
      .map(([sort, n]) => `${n} ${sort}`)
      .join(', ');
    log('rogue %s sent %s', key, sent);
    return `the rogue peer is gone after ${sent}`;
  }

  /** Stops what is still going (rogue peers) at the end of a run. */
  async close(): Promise<void> {
    await Promise.all([...this.rogues.values()].map((rogue) => rogue.stop()));
    this.rogues.clear();
  }
}
