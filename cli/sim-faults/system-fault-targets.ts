import { ConfigError } from '../../config/config-error.js';
import type { ParamValues } from '../../config/params.js';
import { MESH_TOPIC_KINDS, meshFilter, meshTopic, type MeshTopicKind } from '../../comms/mesh/mesh-topics.js';
import { isSystemFault, type ScenarioRobot } from '../../simulator/scenario.js';
import { DEFAULT_ROGUE_MESSAGES_PER_S, type SystemFaultTarget } from '../../simulator/faults/system-fault-schema.js';
import { TcpFaultProxy } from '../../simulator/faults/tcp-fault-proxy.js';
import { RogueMeshPeer } from '../../simulator/faults/rogue-mesh-peer.js';
import { seededRandom } from '../../simulator/world/seeded-random.js';
import type { FleetBroker } from '../fleet-broker.js';
import type { EmbeddedSupervisor } from '../sim-supervisor.js';
import { SystemFaultRunner } from './system-fault-runner.js';

/** One scenario robot as the fault targets see it. */
export interface FaultedRobot {
  index: number;
  spec: ScenarioRobot;
  params: ParamValues;
}

/** Whether any robot lists a fault on `target`. */
export function hasFaultOn(robots: readonly FaultedRobot[], target: SystemFaultTarget): boolean {
  return robots.some((robot) => robot.spec.faults.some((fault) => fault.device === target));
}

/** Each system fault with where it is in the scenario, for checks naming the field. */
function* systemFaults(robots: readonly FaultedRobot[]) {
  for (const robot of robots) {
    for (const [i, fault] of robot.spec.faults.entries()) {
      if (isSystemFault(fault)) yield { robot, fault, at: `robots[${robot.index}].faults[${i}].device` };
    }
  }
}

/**
 * Checks the scenario's faults on the robots' surroundings against what the run has: a supervisor
 * the simulator owns for `supervisor`, a plain (not TLS) uplink for `uplink`, a mesh for `broker`
 * and `mesh`, a plain broker address behind a `broker` fault. A ConfigError names the fault.
 */
export function checkSystemFaults(robots: readonly FaultedRobot[], scenarioFile: string): void {
  const embeddedSupervisor = robots[0]?.params['uplink.target'] === '';
  for (const { robot, fault, at } of systemFaults(robots)) {
    const { params } = robot;
    if (fault.device === 'supervisor' && !embeddedSupervisor) {
      throw new ConfigError(
        scenarioFile,
        at,
        `the supervisor is the one at uplink.target (${robots[0]?.params['uplink.target']}), not the simulator's: it cannot be taken down`,
      );
    }
    if (fault.device === 'uplink' && params['uplink.tls'] !== 'none') {
      throw new ConfigError(scenarioFile, at, 'an uplink fault needs a plain uplink (uplink.tls none)');
    }
    if ((fault.device === 'broker' || fault.device === 'mesh') && !params['mesh.enabled']) {
      throw new ConfigError(scenarioFile, at, `a ${fault.device} fault needs the robot's mesh (mesh.enabled)`);
    }
    if (fault.device === 'broker' && params['mesh.broker'].startsWith('mqtts:')) {
      throw new ConfigError(scenarioFile, at, 'a broker fault needs a plain broker address (mqtt://)');
    }
  }
}

/** `host:port`, or `mqtt://host:port`, taken apart (the port defaults to MQTT's 1883). */
function hostPortOf(address: string): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? 1883 : Number(url.port) };
}

/** The faults' targets of one run, and the addresses the robots are pointed at because of them. */
export interface RunFaultTargets {
  runner: SystemFaultRunner;
  /** The uplink address a robot is given instead of the supervisor's (its proxy), or null. */
  uplinkTarget(robotId: string): string | null;
  /** The broker address every robot is given instead (a proxy in front of an external broker), or null. */
  brokerUrl: string | null;
  close(): Promise<void>;
}

/**
 * Starts what the scenario's system faults need: an uplink proxy for each robot with an uplink
 * fault (in front of the sim's supervisor or the robot's `uplink.target`), a proxy in front of an
 * external broker when one is taken down (the fleet's embedded broker is stopped and started
 * itself), and the means to start rogue peers on the broker the robots use.
 */
export async function startFaultTargets(
  robots: readonly FaultedRobot[],
  supervisor: EmbeddedSupervisor | null,
  fleetBroker: FleetBroker | null,
  seed: number,
): Promise<RunFaultTargets> {
  const proxies: TcpFaultProxy[] = [];
  const uplinkProxies = new Map<string, TcpFaultProxy>();
  try {
    for (const robot of robots) {
      if (!robot.spec.faults.some((fault) => fault.device === 'uplink')) continue;
      const target = supervisor?.address ?? robot.params['uplink.target'];
      const proxy = await TcpFaultProxy.start(hostPortOf(target));
      proxies.push(proxy);
      uplinkProxies.set(robot.spec.id, proxy);
    }
    const first = robots[0]!.params;
    const external = fleetBroker === null && first['mesh.broker'] !== '';
    const brokerProxy =
      external && hasFaultOn(robots, 'broker') ? await TcpFaultProxy.start(hostPortOf(first['mesh.broker'])) : null;
    if (brokerProxy) proxies.push(brokerProxy);
    const brokerUrl = brokerProxy ? `mqtt://${brokerProxy.address}` : (fleetBroker?.url ?? first['mesh.broker']);
    const fleet = first['mesh.fleet'];
    const robotIds = robots.map((robot) => robot.spec.id);
    const random = seededRandom(seed + 17);
    const runner = new SystemFaultRunner({
      supervisor,
      broker: fleetBroker
        ? { down: () => fleetBroker.stop(), up: () => fleetBroker.start() }
        : brokerProxy
          ? {
              down: () =>
                brokerProxy.setMode({ kind: 'cut' }).then(() => `the broker proxy at ${brokerProxy.address} is down`),
              up: () =>
                brokerProxy
                  .setMode({ kind: 'pass' })
                  .then(() => `the broker proxy at ${brokerProxy.address} is up again`),
            }
          : null,
      uplinkProxies,
      startRogue:
        brokerUrl === ''
          ? null
          : (fault) =>
              RogueMeshPeer.start({
                brokerUrl,
                topics: {
                  filter: meshFilter(fleet),
                  topicOf: (robotId, kind) => meshTopic(fleet, robotId, kind as MeshTopicKind),
                  kinds: MESH_TOPIC_KINDS,
                  robotIds,
                },
                messagesPerS: fault.messagesPerS ?? DEFAULT_ROGUE_MESSAGES_PER_S,
                maxPayloadBytes: first['mesh.maxPayloadBytes'],
                random,
              }),
    });
    return {
      runner,
      uplinkTarget: (robotId) => uplinkProxies.get(robotId)?.address ?? null,
      brokerUrl: brokerProxy ? brokerUrl : null,
      close: async () => {
        await runner.close();
        await Promise.all(proxies.map((proxy) => proxy.close()));
      },
    };
  } catch (error) {
    await Promise.all(proxies.map((proxy) => proxy.close()));
    throw error;
  }
}
