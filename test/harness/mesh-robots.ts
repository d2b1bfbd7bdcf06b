import { randomBytes } from 'node:crypto';
import { meshSettingsFromParams, type MeshSettings } from '../../comms/mesh/mesh-settings.js';
import { MeshLink } from '../../comms/mesh/mesh-link.js';
import type { OwnMeshState } from '../../messages/peer.js';
import type { Clock } from '../../time/clock.js';
import { MonotonicClock } from '../../time/monotonic-clock.js';
import { paramsWith, type ParamOverrides } from './test-params.js';

/** Names no other run shares on a shared broker: a fleet and robot ids with the same random tail. */
export function meshNames(): { fleet: string; id(n: number): string } {
  const tail = randomBytes(4).toString('hex');
  return { fleet: `test-${tail}`, id: (n) => `robot-${n}-${tail}` };
}

/** A robot's state as the cortex would give it. */
export function ownState(change: Partial<OwnMeshState> = {}): OwnMeshState {
  return {
    pose: { xM: 1, yM: 2, yawRad: 0.25 },
    vMps: 0.5,
    wRadps: 0,
    pathPreview: [{ xM: 1.5, yM: 2 }],
    footprintRadiusM: 0.3,
    missionPriority: 20,
    carryingPayload: false,
    safetyStopped: false,
    ...change,
  };
}

/** Mesh links started against one broker, closed together. */
export class MeshRobots {
  readonly links: MeshLink[] = [];

  constructor(
    readonly url: string,
    readonly fleet: string,
  ) {}

  settings(robotId: string, overrides: ParamOverrides = {}): MeshSettings {
    const settings = meshSettingsFromParams(paramsWith({ 'mesh.fleet': this.fleet, ...overrides }), robotId);
    if (!settings) throw new Error('mesh disabled');
    return settings;
  }

  start(
    robotId: string,
    options: {
      overrides?: ParamOverrides;
      backoff?: { initialMs: number; maxMs: number };
      bootId?: string;
      clock?: Clock;
    } = {},
  ): MeshLink {
    const link = new MeshLink(this.settings(robotId, options.overrides), {
      clock: options.clock ?? new MonotonicClock(),
      bootId: options.bootId ?? `boot-${randomBytes(3).toString('hex')}`,
      version: 'test',
      brokerUrl: this.url,
      backoff: options.backoff ?? { initialMs: 100, maxMs: 400 },
    });
    this.links.push(link);
    link.start();
    return link;
  }

  async close(): Promise<void> {
    await Promise.all(this.links.splice(0).map((link) => link.close()));
  }
}

/** Resolves once `condition` holds, polling every 10 ms; rejects with `what` after `timeoutMs`. */
export async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
