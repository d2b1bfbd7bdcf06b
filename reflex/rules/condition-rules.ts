import type { ReflexRule } from '../reflex-types.js';

const DEFAULT_BATTERY_HOLD_US = 2_000_000;
const DEFAULT_STALL_TIME_US = 1_000_000;
const DEFAULT_STALL_MIN_COMMAND_MPS = 0.1;
/** A wheel that reaches less than this share of the commanded speed is stalled. */
const STALL_RATIO = 0.25;
/** Sensor readings older than this are not acted on (the device's own health covers them), microseconds. */
const MAX_READING_AGE_US = 1_000_000;

/**
 * The robot's own condition: battery, tilt, wheels that do not turn, and the speed limits. Each
 * acts on fresh readings only; a missing device makes its rule silent (the board has none).
 */
export const CONDITION_RULES: readonly ReflexRule[] = [
  {
    id: 'battery-critical',
    trigger: 'battery voltage below reflex.batteryCriticalV for reflex.batteryHoldMs',
    action: 'stop',
    clears: 'voltage back above the critical level (a charged or swapped battery)',
    params: ['reflex.batteryCriticalV', 'reflex.batteryHoldMs'],
    clearHoldUs: (s) => s.batteryHoldUs ?? DEFAULT_BATTERY_HOLD_US,
    evaluate({ nowUs, inputs, settings }) {
      const critical = settings.batteryCriticalV ?? 0;
      const battery = inputs.battery;
      if (!critical || !battery || nowUs - battery.stampUs > MAX_READING_AGE_US || battery.voltageV >= critical)
        return null;
      return {
        action: 'stop',
        afterUs: settings.batteryHoldUs ?? DEFAULT_BATTERY_HOLD_US,
        reason: `battery critical: ${battery.voltageV.toFixed(2)} V (limit ${critical} V)`,
      };
    },
  },
  {
    id: 'battery-low',
    trigger: 'battery voltage below reflex.batteryLowV for reflex.batteryHoldMs',
    action: 'limit',
    clears: 'voltage back above the low level',
    params: ['reflex.batteryLowV', 'reflex.batteryHoldMs'],
    clearHoldUs: () => 0,
    evaluate({ nowUs, inputs, settings }) {
      const low = settings.batteryLowV ?? 0;
      const battery = inputs.battery;
      if (!low || !battery || nowUs - battery.stampUs > MAX_READING_AGE_US || battery.voltageV >= low) return null;
      return {
        action: 'limit',
        afterUs: settings.batteryHoldUs ?? DEFAULT_BATTERY_HOLD_US,
        capMps: settings.maxSpeedMps / 2,
        reason: `battery low: ${battery.voltageV.toFixed(2)} V (below ${low} V), speed halved`,
      };
    },
  },
  {
    id: 'tilt',
    trigger: 'the IMU reads a tilt beyond reflex.tiltLimitDeg',
    action: 'stop',
    clears: 'level again for reflex.clearHoldMs',
    params: ['reflex.tiltLimitDeg', 'reflex.clearHoldMs'],
    clearHoldUs: (s) => s.clearHoldUs,
    evaluate({ nowUs, inputs, settings }) {
      const limit = settings.tiltLimitDeg ?? 0;
      const imu = inputs.imu;
      if (!limit || !imu || nowUs - imu.stampUs > MAX_READING_AGE_US || imu.tiltDeg <= limit) return null;
      return { action: 'stop', reason: `tilted ${imu.tiltDeg.toFixed(0)}° (limit ${limit}°)` };
    },
  },
  {
    id: 'wheel-stall',
    trigger:
      'commanded motion above reflex.stallMinCommandMps but the encoders show under a quarter of it for reflex.stallTimeMs',
    action: 'stop',
    clears: 'the command falls to zero (the planner gives up or tries another way)',
    params: ['reflex.stallMinCommandMps', 'reflex.stallTimeMs'],
    clearHoldUs: () => 0,
    evaluate({ nowUs, inputs, settings, held }) {
      const wheels = inputs.wheels;
      const commanded = inputs.appliedVMps;
      const minimum = settings.stallMinCommandMps ?? DEFAULT_STALL_MIN_COMMAND_MPS;
      const asked = inputs.command?.vMps ?? 0;
      // Once stopped for a stall, the wheels read still because they are braked: hold while motion is still asked for.
      if (held && Math.abs(asked) >= minimum) {
        return { action: 'stop', reason: `wheels stalled: still commanded ${asked.toFixed(2)} m/s` };
      }
      if (!wheels || nowUs - wheels.stampUs > MAX_READING_AGE_US) return null;
      if (Math.abs(inputs.command?.vMps ?? 0) < minimum) return null;
      if (Math.abs(commanded) < minimum || Math.abs(wheels.measuredVMps) >= Math.abs(commanded) * STALL_RATIO)
        return null;
      return {
        action: 'stop',
        afterUs: settings.stallTimeUs ?? DEFAULT_STALL_TIME_US,
        reason: `wheels stalled: commanded ${commanded.toFixed(2)} m/s, encoders read ${wheels.measuredVMps.toFixed(2)} m/s`,
      };
    },
  },
  {
    id: 'speed-limit',
    trigger: 'a command faster than reflex.maxSpeedMps or turning faster than reflex.maxTurnRateRadps',
    action: 'limit',
    clears: 'immediately',
    params: ['reflex.maxSpeedMps', 'reflex.maxTurnRateRadps'],
    clearHoldUs: () => 0,
    evaluate({ inputs, settings }) {
      const cmd = inputs.command;
      if (!cmd) return null;
      if (Math.abs(cmd.vMps) > settings.maxSpeedMps || Math.abs(cmd.wRadps) > settings.maxTurnRateRadps) {
        return {
          action: 'limit',
          reason: `command above the speed limit (${settings.maxSpeedMps} m/s, ${settings.maxTurnRateRadps} rad/s)`,
          capMps: settings.maxSpeedMps,
        };
      }
      return null;
    },
  },
];
