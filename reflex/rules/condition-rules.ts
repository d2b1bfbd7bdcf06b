import type { ReflexRule } from '../reflex-types.js';

/** How the battery-low limit reads in a reason: `speed halved`, or the share of top speed left. */
function lowBatterySpeedWords(factor: number): string {
  return factor === 0.5 ? 'speed halved' : `speed limited to ${Math.round(factor * 100)} %`;
}

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
    params: ['reflex.batteryCriticalV', 'reflex.batteryHoldMs', 'reflex.readingMaxAgeMs'],
    clearHoldUs: (s) => s.batteryHoldUs,
    evaluate({ nowUs, inputs, settings }) {
      const critical = settings.batteryCriticalV;
      const battery = inputs.battery;
      if (!critical || !battery || nowUs - battery.stampUs > settings.readingMaxAgeUs || battery.voltageV >= critical)
        return null;
      return {
        action: 'stop',
        afterUs: settings.batteryHoldUs,
        reason: `battery critical: ${battery.voltageV.toFixed(2)} V (limit ${critical} V)`,
      };
    },
  },
  {
    id: 'battery-low',
    trigger: 'battery voltage below reflex.batteryLowV for reflex.batteryHoldMs',
    action: 'limit',
    clears: 'voltage back above the low level',
    params: ['reflex.batteryLowV', 'reflex.batteryHoldMs', 'reflex.batteryLowSpeedFactor', 'reflex.readingMaxAgeMs'],
    clearHoldUs: () => 0,
    evaluate({ nowUs, inputs, settings }) {
      const low = settings.batteryLowV;
      const battery = inputs.battery;
      if (!low || !battery || nowUs - battery.stampUs > settings.readingMaxAgeUs || battery.voltageV >= low)
        return null;
      return {
        action: 'limit',
        afterUs: settings.batteryHoldUs,
        capMps: settings.maxSpeedMps * settings.batteryLowSpeedFactor,
        reason: `battery low: ${battery.voltageV.toFixed(2)} V (below ${low} V), ${lowBatterySpeedWords(settings.batteryLowSpeedFactor)}`,
      };
    },
  },
  {
    id: 'tilt',
    trigger: 'the IMU reads a tilt beyond reflex.tiltLimitDeg',
    action: 'stop',
    clears: 'level again for reflex.clearHoldMs',
    params: ['reflex.tiltLimitDeg', 'reflex.clearHoldMs', 'reflex.readingMaxAgeMs'],
    clearHoldUs: (s) => s.clearHoldUs,
    evaluate({ nowUs, inputs, settings }) {
      const limit = settings.tiltLimitDeg;
      const imu = inputs.imu;
      if (!limit || !imu || nowUs - imu.stampUs > settings.readingMaxAgeUs || imu.tiltDeg <= limit) return null;
      return { action: 'stop', reason: `tilted ${imu.tiltDeg.toFixed(0)}° (limit ${limit}°)` };
    },
  },
  {
    id: 'wheel-stall',
    trigger:
      'commanded motion above reflex.stallMinCommandMps but the encoders show less than reflex.stallRatio of it for reflex.stallTimeMs',
    action: 'stop',
    clears: 'the command falls to zero (the planner gives up or tries another way)',
    params: ['reflex.stallMinCommandMps', 'reflex.stallRatio', 'reflex.stallTimeMs', 'reflex.readingMaxAgeMs'],
    clearHoldUs: () => 0,
    evaluate({ nowUs, inputs, settings, held }) {
      const wheels = inputs.wheels;
      const commanded = inputs.appliedVMps;
      const minimum = settings.stallMinCommandMps;
      const asked = inputs.command?.vMps ?? 0;
      // Once stopped for a stall, the wheels read still because they are braked: hold while motion is still asked for.
      if (held && Math.abs(asked) >= minimum) {
        return { action: 'stop', reason: `wheels stalled: still commanded ${asked.toFixed(2)} m/s` };
      }
      if (!wheels || nowUs - wheels.stampUs > settings.readingMaxAgeUs) return null;
      if (Math.abs(inputs.command?.vMps ?? 0) < minimum) return null;
      if (Math.abs(commanded) < minimum || Math.abs(wheels.measuredVMps) >= Math.abs(commanded) * settings.stallRatio)
        return null;
      return {
        action: 'stop',
        afterUs: settings.stallTimeUs,
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
