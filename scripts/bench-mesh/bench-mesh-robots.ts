import { resolveParams } from '../../config/param-values.js';
import { MeshLink } from '../../comms/mesh/mesh-link.js';
import { meshSettingsFromParams } from '../../comms/mesh/mesh-settings.js';
import type { OwnMeshState } from '../../messages/peer.js';
import type { Cancel, Clock } from '../../time/clock.js';

/** What every process of the mesh bench shares: the broker, the fleet, the ids, the rate. */
export interface BenchFleet {
  brokerUrl: string;
  /** Random tail of the fleet and the ids, so runs never meet on a shared broker. */
  tail: string;
  robots: number;
  hz: number;
}

export const fleetName = (fleet: BenchFleet): string => `bench-${fleet.tail}`;
export const robotId = (fleet: BenchFleet, n: number): string => `bench-${fleet.tail}-${n}`;

/** The mesh's state timestamps wrap at this (pose.xM carries the publish time modulo it), ms. */
const STAMP_WRAP_MS = 100_000;

/**
 * Robot n's state, its pose.xM the publish time in ms modulo 100 s: any process of the bench can
 * tell a state's age from it, every thread's and process's MonotonicClock counting from the same
 * origin (`performance.timeOrigin`, wall-clock based).
 */
export function stampedState(n: number, nowUs: number): OwnMeshState {
  const stampMs = (nowUs / 1_000) % STAMP_WRAP_MS;
  return {
    pose: { xM: stampMs, yM: n, yawRad: 0 },
    vMps: 0.8,
    wRadps: 0.1,
    pathPreview: Array.from({ length: 10 }, (_, i) => ({ xM: (stampMs + i * 0.2) % STAMP_WRAP_MS, yM: n })),
    footprintRadiusM: 0.3,
    missionPriority: 10,
    carryingPayload: false,
    safetyStopped: false,
  };
}

/** How long ago, ms, a state stamped by {@link stampedState} was published, seen at `nowUs`. */
export function stampAgeMs(xM: number, nowUs: number): number {
  return (((((nowUs / 1_000) % STAMP_WRAP_MS) - xM) % STAMP_WRAP_MS) + STAMP_WRAP_MS) % STAMP_WRAP_MS;
}

/** Starts robots `from` .. `from + count - 1` of the fleet, each its own MeshLink. */
export function startBenchLinks(fleet: BenchFleet, from: number, count: number, clock: Clock): MeshLink[] {
  const params = resolveParams({});
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const settings = meshSettingsFromParams(
      { ...params, 'mesh.fleet': fleetName(fleet), 'mesh.stateHz': fleet.hz },
      robotId(fleet, n),
    );
    if (!settings) throw new Error('the mesh is disabled by default?');
    const link = new MeshLink(settings, {
      clock,
      bootId: `boot-${fleet.tail}-${n}`,
      version: 'bench',
      brokerUrl: fleet.brokerUrl,
    });
    link.start();
    return link;
  });
}

/** Resolves once every link is ready; rejects after `timeoutMs`. */
export async function allReady(links: readonly MeshLink[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (links.some((link) => link.state !== 'ready')) {
    if (Date.now() > deadline) throw new Error(`the links did not all connect within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Publishes each link's state at the fleet's rate, the robots spread over the period. */
export function publishStates(fleet: BenchFleet, links: readonly MeshLink[], from: number, clock: Clock): Cancel {
  const periodUs = 1_000_000 / fleet.hz;
  const cancels = links.map((link, i) => {
    const n = from + i;
    let cancel: Cancel = () => undefined;
    const start = clock.after((periodUs * n) / fleet.robots, () => {
      cancel = clock.every(periodUs, () => void link.publishState(stampedState(n, clock.nowUs())));
    });
    return () => {
      start();
      cancel();
    };
  });
  return () => cancels.forEach((cancel) => cancel());
}
