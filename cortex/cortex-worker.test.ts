import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CortexToComms } from '../messages/cortex-comms-protocol.js';
import type { Pose2D } from '../messages/geometry.js';
import type { OdometrySample } from '../messages/odometry.js';
import { paramsWith } from '../test/harness/test-params.js';
import { cortexSettingsFromParams } from './cortex-settings.js';
import type { CortexToMain, MainToCortex } from './cortex-thread-protocol.js';
import { runCortexWorker, type CortexPort } from './cortex-worker.js';
import { keptPosePath } from './world-model/kept-place.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** One side of a thread's channel, in the same thread: what the worker posts is recorded, `send` delivers to it. */
function fakePort<Out>() {
  const sent: Out[] = [];
  let listener: (message: unknown) => void = () => {};
  const port: CortexPort<Out> = {
    postMessage: (message) => sent.push(message),
    on: (_event, l) => {
      listener = l;
    },
    close: () => {},
  };
  return { port, sent, send: (message: unknown) => listener(message) };
}

/** A cortex worker as `spinal run` starts one: no mission, the robot's place kept at `keepMapPath`. */
function startCortex(keepMapPath: string | null) {
  const main = fakePort<CortexToMain>();
  const comms = fakePort<CortexToComms>();
  runCortexWorker(main.port, comms.port);
  const odometry: OdometrySample = { stampUs: 0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0 };
  const init: MainToCortex = {
    t: 'init',
    settings: { ...cortexSettingsFromParams(paramsWith()), localisation: false },
    clock: 'virtual',
    startUs: 0,
    assignment: null,
    odometry,
    map: null,
    keepMapPath,
  };
  main.send(init);
  const pose = (): Pose2D | null => {
    const statuses = comms.sent.flatMap((m) => (m.t === 'cortex-status' ? [m.status] : []));
    return statuses.at(-1)?.pose ?? null;
  };
  return { main, comms, pose };
}

describe('the cortex on `spinal run`', () => {
  it('places the robot at the origin, so a mission from the supervisor is taken without a scenario', () => {
    const { comms, pose } = startCortex(null);
    expect(pose()).toEqual({ xM: 0, yM: 0, yawRad: 0 });
    comms.send({
      t: 'mission',
      id: 1,
      order: {
        id: 'm1',
        priority: 50,
        source: 'supervisor',
        mission: { kind: 'goto', goal: { xM: 1, yM: 0 }, toleranceM: 0.2 },
      },
    });
    expect(comms.sent.find((m) => m.t === 'mission-result')).toMatchObject({ id: 1, accepted: true });
  });

  it('starts again where it stopped: the pose and the built map are kept at shutdown and restored at start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinal-cortex-'));
    folders.push(dir);
    const mapPath = join(dir, 'spinal-map.yaml');

    // GIVEN a first run that drives 2 m forward and 0.5 rad round on its odometry, then stops
    const first = startCortex(mapPath);
    first.main.send({
      t: 'odometry',
      sample: { stampUs: 0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0.5, wRadps: 0 },
    });
    first.main.send({ t: 'tick', nowUs: 4_000_000 });
    first.main.send({
      t: 'odometry',
      sample: { stampUs: 4_000_000, pose: { xM: 2, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0.25 },
    });
    first.main.send({ t: 'tick', nowUs: 6_000_000 });
    first.main.send({
      t: 'odometry',
      sample: { stampUs: 6_000_000, pose: { xM: 2, yM: 0, yawRad: 0.5 }, vMps: 0, wRadps: 0 },
    });
    first.main.send({ t: 'tick', nowUs: 6_100_000 });
    const stoppedAt = first.pose();
    expect(stoppedAt?.xM).toBeCloseTo(2, 2);
    expect(stoppedAt?.yawRad).toBeCloseTo(0.5, 2);
    first.main.send({ t: 'shutdown' });
    expect(first.main.sent.at(-1)).toEqual({ t: 'stopped' });
    expect(existsSync(keptPosePath(mapPath))).toBe(true);
    expect(existsSync(mapPath)).toBe(true);

    // WHEN the runtime starts again (its odometry starts again at zero)
    const second = startCortex(mapPath);

    // THEN the robot is where it stopped, and the odometry frame is placed accordingly
    const restored = second.pose();
    expect(restored?.xM).toBeCloseTo(stoppedAt?.xM ?? NaN, 6);
    expect(restored?.yM).toBeCloseTo(stoppedAt?.yM ?? NaN, 6);
    expect(restored?.yawRad).toBeCloseTo(stoppedAt?.yawRad ?? NaN, 6);
    const frame = second.main.sent.find((m) => m.t === 'world-frame');
    expect(frame).toMatchObject({ t: 'world-frame', frame: { xM: restored?.xM, yawRad: restored?.yawRad } });
  });

  it('a damaged kept place is set aside with a health report, and the robot starts at the origin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinal-cortex-'));
    folders.push(dir);
    const mapPath = join(dir, 'spinal-map.yaml');
    writeFileSync(keptPosePath(mapPath), '{"format":"spinal-kept-pose/1","pose":');
    const { main, pose } = startCortex(mapPath);
    expect(pose()).toEqual({ xM: 0, yM: 0, yawRad: 0 });
    const report = main.sent.find((m) => m.t === 'place-memory');
    expect(report).toMatchObject({ t: 'place-memory', state: 'degraded' });
    expect(report?.t === 'place-memory' && report.reason).toContain('not a kept pose');
  });
});
