import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../config/param-values.js';
import type { LidarPoints } from '../../messages/lidar-points.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import { decodeTelemetry } from './telemetry-payloads.js';
import { TelemetryRecorder } from './telemetry-recorder.js';
import { telemetrySettingsFromParams } from './telemetry-settings.js';
import type { TelemetryInput } from './telemetry-table.js';

function status(atUs: number, reflexState: RuntimeStatus['reflex']['state']): RuntimeStatus {
  return {
    robotId: 'r1',
    board: 'sim',
    mode: 'sim',
    clockS: atUs / 1e6,
    uptimeS: atUs / 1e6,
    pose: { xM: atUs / 1e7, yM: 1, yawRad: 0 },
    speed: { vMps: 0.1, wRadps: 0 },
    command: { vMps: 0.2, wRadps: 0, source: 'cortex' },
    mission: { kind: 'goto', state: 'active' },
    nearestObstacleM: 1.5,
    reflex: {
      state: reflexState,
      rule: reflexState === 'clear' ? '' : 'obstacle',
      reason: '',
      lastTrip: null,
      trips: 0,
    },
    loop: { rateHz: 100, ticks: 0, lastDurationUs: 0, maxDurationUs: 0, latenessP99Us: 0, deadlineMisses: 0 },
    priority: { nice: 0, raised: false, source: 'default' },
    devices: [],
    site: {
      footprint: { lengthM: 0.3, widthM: 0.24 },
      geofence: null,
      sideMarginM: 0.05,
      reactionLatencyMs: 50,
      deadmanTimeoutMs: 500,
    },
  };
}

function scan(stampUs: number): LidarPoints {
  return {
    deviceId: 'lidar0',
    stampUs,
    count: 2,
    xM: Float32Array.of(1, 0),
    yM: Float32Array.of(0, 2),
    rangeM: Float32Array.of(1, 2),
    intensity: Uint8Array.of(200, 100),
    beamStepRad: Math.PI / 2,
  };
}

describe('TelemetryRecorder', () => {
  it('GIVEN 10 s of 5 Hz snapshots and 10 Hz scans WHEN recorded at the default rates THEN each topic keeps its rate and each flush period is one commit', () => {
    const clock = new VirtualClock(0);
    const commits: TelemetryInput[][] = [];
    const settings = telemetrySettingsFromParams(resolveParams({}));
    const recorder = new TelemetryRecorder(
      settings,
      clock,
      () => 0,
      (rows) => commits.push(rows),
    );
    for (let t = 0; t < 10_000_000; t += 100_000) {
      clock.advanceTo(t);
      recorder.scan(scan(t));
      if (t % 200_000 === 0) recorder.status(status(t, t >= 4_000_000 && t < 6_000_000 ? 'stopped' : 'clear'));
      if (t % 1_000_000 === 0) {
        const path =
          t < 5_000_000
            ? [
                { xM: 0, yM: 0 },
                { xM: 5, yM: 0 },
              ]
            : [
                { xM: 0, yM: 0 },
                { xM: 5, yM: 1 },
              ];
        recorder.setNavigation({ localisation: 'ok', quality: 0.8, path, planMs: 1, revolutionMs: 1 });
      }
    }
    recorder.close();
    const rows = commits.flat();
    const count = (topic: string): number => rows.filter((row) => row.topic === topic).length;
    expect(count('pose')).toBe(50); // 5 Hz
    expect(count('scan')).toBe(20); // 2 Hz of the 10 Hz revolutions
    expect(count('path')).toBe(2); // one per change
    expect(count('reflex')).toBe(3); // clear, stopped, clear
    expect(count('footprint')).toBe(1);
    // one commit per second of robot clock (the flush period), and the rest at close
    expect(commits.length).toBe(10);
    const pose = rows.find((row) => row.topic === 'pose' && row.atUs === 2_000_000)!;
    expect(decodeTelemetry('pose', pose.payload, pose.atUs)).toEqual({
      topic: 'pose',
      sample: {
        pose: { xM: 0.2, yM: 1, yawRad: 0 },
        speed: { vMps: 0.1, wRadps: 0 },
        command: { vMps: 0.2, wRadps: 0, source: 'cortex' },
        localisation: 'ok',
        quality: 0.8,
      },
    });
    const firstScan = rows.find((row) => row.topic === 'scan')!;
    expect(decodeTelemetry('scan', firstScan.payload, firstScan.atUs)).toEqual({
      topic: 'scan',
      sample: { stampUs: 0, originXM: 0, originYM: 0, ranges: [1, 2, 0, 0], intensities: [200, 100, 0, 0] },
    });
  });

  it('records the map when its version changed, at most once a period', () => {
    const clock = new VirtualClock(0);
    const rows: TelemetryInput[] = [];
    const settings = { ...telemetrySettingsFromParams(resolveParams({})), mapPeriodUs: 5_000_000 };
    const recorder = new TelemetryRecorder(
      settings,
      clock,
      () => 0,
      (batch) => rows.push(...batch),
    );
    const grid = (version: number) => ({
      resolutionM: 0.05,
      widthCells: 2,
      heightCells: 1,
      origin: { xM: -1, yM: -2, yawRad: 0 },
      cells: Int8Array.of(-1, 100),
      version,
    });
    for (let s = 0; s < 12; s++) {
      clock.advanceTo(s * 1_000_000);
      recorder.setMap(grid(s < 10 ? s : 9)); // a new version every second, then none
    }
    recorder.close();
    const maps = rows.filter((row) => row.topic === 'map');
    expect(maps.map((row) => row.atUs)).toEqual([0, 5_000_000, 10_000_000]);
    expect(decodeTelemetry('map', maps[1]!.payload, 0)).toEqual({ topic: 'map', sample: grid(5) });
  });
});
