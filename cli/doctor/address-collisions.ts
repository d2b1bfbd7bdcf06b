import type { BusInUse, DeviceInUse } from './board-usage.js';
import { hexAddress, ok, problem, warn, type Finding } from './finding.js';
import { chipAddressing, effectiveI2cAddress, PCA9685_ALL_CALL_ADDRESS } from './i2c-default-addresses.js';

function describe(entry: DeviceInUse, fromDefault: boolean): string {
  const how = fromDefault ? 'its default' : `devices[${entry.index}].address`;
  return `${entry.device.id} (${entry.device.compatible}, ${how})`;
}

/**
 * Two devices at one address on one bus cannot both work: both answer, and their replies collide.
 * Devices are taken at their `address:`, or at their chip's default when it is left out (an INA219 and
 * a PCA9685 both default to 0x40). Also warns of a device at 0x70 beside a PCA9685, whose All Call
 * address that is.
 */
export function checkAddressCollisions(uses: BusInUse[], file: string): Finding[] {
  const findings: Finding[] = [];
  for (const use of uses) {
    if (use.bus.kind !== 'i2c') continue;
    const byAddress = new Map<number, Array<DeviceInUse & { fromDefault: boolean }>>();
    for (const entry of use.devices) {
      const effective = effectiveI2cAddress(entry.device);
      if (!effective) {
        findings.push(
          warn(
            'address-collisions',
            `${entry.device.id} (${entry.device.compatible}) on ${use.bus.path} has no address: and doctor does not know its chip's default`,
            `set devices[${entry.index}].address in ${file}`,
          ),
        );
        continue;
      }
      const list = byAddress.get(effective.address) ?? [];
      list.push({ ...entry, fromDefault: effective.fromDefault });
      byAddress.set(effective.address, list);
    }
    let collided = false;
    for (const [address, entries] of [...byAddress.entries()].sort((a, b) => a[0] - b[0])) {
      if (entries.length < 2) continue;
      collided = true;
      const names = entries.map((e) => describe(e, e.fromDefault)).join(' and ');
      const fixes = entries.map((e) => {
        const addressing = chipAddressing(e.device.compatible);
        const how = addressing ? `solder ${addressing.jumpers}` : 'change its address (see its datasheet)';
        return `${e.device.id}: ${how}, and set devices[${e.index}].address in ${file} to match`;
      });
      findings.push(
        problem(
          'address-collisions',
          `${names} are both at ${hexAddress(address)} on ${use.bus.path}: they cannot share one address`,
          'give one of them another address:',
          ...fixes,
        ),
      );
    }
    const pca9685 = use.devices.find((e) => chipAddressing(e.device.compatible)?.chip === 'PCA9685');
    const atAllCall = byAddress
      .get(PCA9685_ALL_CALL_ADDRESS)
      ?.filter((e) => e !== undefined && e.device !== pca9685?.device);
    if (pca9685 && atAllCall && atAllCall.length > 0) {
      findings.push(
        warn(
          'address-collisions',
          `${atAllCall.map((e) => e.device.id).join(', ')} at 0x70 shares ${use.bus.path} with ${pca9685.device.id}, a PCA9685, which also answers 0x70 (its All Call address) after power-up`,
          `move ${atAllCall.map((e) => e.device.id).join(', ')} to another address`,
        ),
      );
    }
    if (!collided && byAddress.size > 0) {
      const list = [...byAddress.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([address, entries]) => `${entries.map((e) => e.device.id).join(', ')} at ${hexAddress(address)}`)
        .join(', ');
      findings.push(ok('address-collisions', `no two devices share an address on ${use.bus.path} (${list})`));
    }
  }
  return findings;
}
