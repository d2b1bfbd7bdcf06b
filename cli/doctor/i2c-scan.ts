import type { BusInUse } from './board-usage.js';
import type { DeviceFile } from './device-files.js';
import type { DoctorHost } from './doctor-host.js';
import { hexAddress, ok, problem, warn, type Finding } from './finding.js';
import { chipAddressing, effectiveI2cAddress, PCA9685_ALL_CALL_ADDRESS } from './i2c-default-addresses.js';
import type { I2cScanResult } from './i2c-prober.js';

function addressList(addresses: number[]): string {
  return addresses.length === 0 ? 'none' : addresses.map(hexAddress).join(', ');
}

/**
 * Scans every I2C bus in use whose device file is present, says which addresses answer (and which a
 * kernel driver holds), and whether each configured device answers at its address.
 */
export async function checkI2cScan(
  uses: BusInUse[],
  present: DeviceFile[],
  file: string,
  host: DoctorHost,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const use of uses) {
    if (use.bus.kind !== 'i2c') continue;
    const busPath = use.bus.path;
    if (!present.some((f) => f.use === use)) continue;
    let scan: I2cScanResult;
    try {
      scan = await host.probeI2c(busPath);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      const denied = /EACCES|permission denied/i.test(reason);
      findings.push(
        warn(
          'i2c-scan',
          `could not scan ${busPath}: ${reason}; whether its devices answer is unchecked`,
          denied
            ? 'fix the group problem above, then run spinal doctor again'
            : 'install i2cdetect: sudo apt install i2c-tools',
        ),
      );
      continue;
    }
    const hasPca9685 = use.devices.some((e) => chipAddressing(e.device.compatible)?.chip === 'PCA9685');
    const allCallNote =
      hasPca9685 && scan.answering.includes(PCA9685_ALL_CALL_ADDRESS) ? " (0x70: the PCA9685's All Call address)" : '';
    const claimedNote =
      scan.claimedByKernel.length > 0 ? `; held by a kernel driver: ${addressList(scan.claimedByKernel)}` : '';
    findings.push(
      ok(
        'i2c-scan',
        `on ${busPath} these addresses answer (${scan.method}): ${addressList(scan.answering)}${allCallNote}${claimedNote}`,
      ),
    );
    const configured = new Set<number>();
    for (const { device } of use.devices) {
      const effective = effectiveI2cAddress(device);
      if (effective) configured.add(effective.address);
    }
    const strangers = scan.answering.filter(
      (a) => !configured.has(a) && !(hasPca9685 && a === PCA9685_ALL_CALL_ADDRESS),
    );
    for (const { device, index } of use.devices) {
      const effective = effectiveI2cAddress(device);
      if (!effective) continue;
      const at = `${hexAddress(effective.address)} on ${busPath}`;
      const name = `${device.id} (${device.compatible})`;
      if (scan.answering.includes(effective.address)) {
        findings.push(ok('i2c-scan', `${name} answers at ${at}`));
      } else if (scan.claimedByKernel.includes(effective.address)) {
        findings.push(
          problem(
            'i2c-scan',
            `a kernel driver holds ${at} (i2cdetect shows UU), so spinal cannot talk to ${name}`,
            'remove the dtoverlay that binds a kernel driver to it (look in /boot/firmware/config.txt), then reboot',
          ),
        );
      } else {
        const fix = ['check its power, ground and the SDA/SCL wiring'];
        for (const other of strangers) {
          fix.push(
            `if the device at ${hexAddress(other)} is ${device.id}, set devices[${index}].address: ${hexAddress(other)} in ${file}`,
          );
        }
        findings.push(problem('i2c-scan', `${name} does not answer at ${at}`, ...fix));
      }
    }
  }
  return findings;
}
