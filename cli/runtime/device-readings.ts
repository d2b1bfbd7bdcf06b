import type { Device } from '../../hal/device-api.js';
import { isBattery } from '../../hal/battery/api.js';
import { isDigitalInput } from '../../hal/digital-input/api.js';
import { isEncoder } from '../../hal/encoder/api.js';
import { isImu } from '../../hal/imu/api.js';
import { isRange } from '../../hal/range/api.js';

/** Rounds to 4 significant decimals: a reading stays readable on the page and small in the status. */
const r4 = (value: number): number | string => (Number.isFinite(value) ? Math.round(value * 1e4) / 1e4 : 'n/a');

/**
 * The latest reading of `device` and of what it offers besides its kind (a RoboClaw's encoders), as
 * flat name → value pairs with the unit in the name (`voltageV`, `gyroZRadps`, `M1.travelM`; `n/a`
 * for a figure the chip does not measure) and the clock time of the newest (`stampUs`); a switch's
 * state is `active` and `why`. Null when the device has no readings or none yet.
 */
export function latestReadings(device: Device): Record<string, number | string> | null {
  const out: Record<string, number | string> = {};
  let stampUs = -Infinity;
  for (const part of [device, ...(device.capabilities?.() ?? [])]) {
    if (isDigitalInput(part)) {
      const state = part.state();
      return { active: state.active ? 'yes' : 'no', why: state.reason, stampUs: state.stampUs };
    }
    if (isBattery(part)) {
      const b = part.lastReading();
      if (!b) continue;
      Object.assign(out, { voltageV: r4(b.voltageV), currentA: r4(b.currentA), powerW: r4(b.powerW) });
      stampUs = Math.max(stampUs, b.stampUs);
    } else if (isImu(part)) {
      const s = part.lastSample();
      if (!s) continue;
      Object.assign(out, {
        accelXMps2: r4(s.accelMps2.x),
        accelYMps2: r4(s.accelMps2.y),
        accelZMps2: r4(s.accelMps2.z),
        gyroZRadps: r4(s.gyroRadps.z),
        temperatureC: r4(s.temperatureC),
      });
      stampUs = Math.max(stampUs, s.stampUs);
    } else if (isEncoder(part)) {
      const e = part.lastReading();
      if (!e) continue;
      for (const [channel, counts] of Object.entries(e.counts)) out[`${channel}.counts`] = counts;
      for (const [channel, travel] of Object.entries(e.travelM)) out[`${channel}.travelM`] = r4(travel);
      stampUs = Math.max(stampUs, e.stampUs);
    } else if (isRange(part)) {
      const g = part.lastReading();
      if (!g) continue;
      Object.assign(out, { distanceM: r4(g.distanceM), strength: g.strength, status: g.status });
      stampUs = Math.max(stampUs, g.stampUs);
    }
  }
  if (stampUs === -Infinity) return null;
  out.stampUs = stampUs;
  return out;
}
