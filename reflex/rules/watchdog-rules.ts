import type { ReflexRule } from '../reflex-types.js';

/**
 * Stops for what the reflex cannot see or trust: stale or failed lidar, a silent planner (no
 * command, no heartbeat), a motor driver that failed, a reflex loop that misses its deadlines.
 */
export const WATCHDOG_RULES: readonly ReflexRule[] = [
  {
    id: 'lidar-stale',
    startsHeld: true,
    trigger: 'lidar data older than reflex.lidarStaleTimeoutMs, or the lidar device is not ok',
    action: 'stop',
    clears: 'fresh lidar data from a healthy device',
    params: ['reflex.lidarStaleTimeoutMs'],
    clearHoldUs: () => 0,
    evaluate({ nowUs, inputs, settings }) {
      if (!inputs.lidarHealthy)
        return { action: 'stop', reason: `lidar not ok: ${inputs.lidarHealthReason || 'no data yet'}` };
      const ageUs = nowUs - inputs.lidarLastDataUs;
      if (ageUs > settings.lidarStaleTimeoutUs) {
        const age = Number.isFinite(ageUs) ? `${Math.round(ageUs / 1000)} ms old` : 'never received';
        return { action: 'stop', reason: `lidar data stale (${age}, limit ${settings.lidarStaleTimeoutUs / 1000} ms)` };
      }
      return null;
    },
  },
  {
    id: 'lidar-blind',
    startsHeld: true,
    trigger:
      'a sector of the lidar view (5° wide, around the sensor) that the commanded motion sweeps within the stopping time has no valid packet newer than reflex.sectorStaleMs: unknown space in the path',
    action: 'stop',
    clears: 'every sector the swept path crosses measured again',
    params: ['reflex.sectorStaleMs'],
    clearHoldUs: () => 0,
    evaluate({ inputs, settings }) {
      const blind = inputs.blindSector;
      if (!blind) return null;
      const since = blind.ageMs === null ? 'never measured' : `not measured for ${blind.ageMs} ms`;
      return {
        action: 'stop',
        reason: `lidar blind in the path: sector ${blind.fromDeg}° to ${blind.toDeg}° ${since} (limit ${settings.sectorStaleUs / 1000} ms)`,
      };
    },
  },
  {
    id: 'range-stale',
    startsHeld: true,
    trigger: 'a range sensor (TFmini-S, ...) silent for longer than reflex.rangeStaleTimeoutMs, or not ok',
    action: 'stop',
    clears: 'fresh readings from every range sensor',
    params: ['reflex.rangeStaleTimeoutMs'],
    clearHoldUs: () => 0,
    evaluate({ nowUs, inputs, settings }) {
      const limitUs = settings.rangeStaleTimeoutUs;
      const problems = (inputs.rangeSensors ?? []).flatMap((sensor) => {
        if (!sensor.healthy) return [`${sensor.id} not ok: ${sensor.reason || 'no data yet'}`];
        const ageUs = nowUs - sensor.lastDataUs;
        if (ageUs > limitUs)
          return [
            `${sensor.id} data stale (${Number.isFinite(ageUs) ? `${Math.round(ageUs / 1000)} ms old` : 'never received'})`,
          ];
        return [];
      });
      return problems.length === 0 ? null : { action: 'stop', reason: problems.join('; ') };
    },
  },
  {
    id: 'deadman',
    startsHeld: true,
    trigger: 'no drive command from the planner (or a manual override) within reflex.deadmanTimeoutMs',
    action: 'stop',
    clears: 'a fresh command',
    params: ['reflex.deadmanTimeoutMs'],
    clearHoldUs: () => 0,
    evaluate({ nowUs, inputs, settings }) {
      const cmd = inputs.command;
      if (!cmd) return { action: 'stop', reason: 'no drive command received yet' };
      const ageUs = nowUs - cmd.stampUs;
      if (ageUs > settings.deadmanTimeoutUs) {
        return {
          action: 'stop',
          reason: `${cmd.source === 'manual' ? 'manual override' : 'planner'} silent: last command ${Math.round(ageUs / 1000)} ms ago (limit ${settings.deadmanTimeoutUs / 1000} ms)`,
        };
      }
      return null;
    },
  },
  {
    id: 'cortex-heartbeat',
    trigger: 'no heartbeat from the planner thread within reflex.cortexHeartbeatTimeoutMs',
    action: 'stop',
    clears: 'a fresh heartbeat',
    params: ['reflex.cortexHeartbeatTimeoutMs'],
    clearHoldUs: () => 0,
    evaluate({ nowUs, inputs, settings }) {
      if (inputs.cortexHeartbeatUs === undefined) return null;
      const limitUs = settings.cortexHeartbeatTimeoutUs;
      const ageUs = nowUs - inputs.cortexHeartbeatUs;
      if (ageUs <= limitUs) return null;
      return {
        action: 'stop',
        reason: `planner thread unresponsive: no heartbeat for ${Math.round(ageUs / 1000)} ms (limit ${limitUs / 1000} ms)`,
      };
    },
  },
  {
    id: 'motor-driver',
    trigger: 'a motor driver failed',
    action: 'stop',
    clears: 'every motor driver ok again',
    params: [],
    clearHoldUs: () => 0,
    evaluate({ inputs }) {
      const failed = (inputs.motorDrivers ?? []).filter((d) => !d.healthy);
      if (failed.length === 0) return null;
      return {
        action: 'stop',
        reason: `motor driver failed, the others are stopped: ${failed.map((d) => `${d.id}: ${d.reason}`).join('; ')}`,
      };
    },
  },
  {
    id: 'loop-overrun',
    trigger: 'the reflex loop missed more than reflex.loopOverrunLimit deadlines in the last second',
    action: 'stop',
    clears: 'a second without so many misses',
    params: ['reflex.loopOverrunLimit'],
    clearHoldUs: () => 0,
    evaluate({ inputs, settings }) {
      const misses = inputs.recentDeadlineMisses ?? 0;
      const limit = settings.loopOverrunLimit;
      if (misses <= limit) return null;
      return {
        action: 'stop',
        reason: `reflex loop overrun: ${misses} deadline misses in the last second (limit ${limit})`,
      };
    },
  },
];
