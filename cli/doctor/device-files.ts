import type { BusInUse } from './board-usage.js';
import { deviceIds } from './board-usage.js';
import type { DoctorHost } from './doctor-host.js';
import { ok, problem, type Finding } from './finding.js';
import { gpioDeviceFile, type GpioView } from './gpio-numbering.js';

/** A device file spinal opens for a bus in use. */
export interface DeviceFile {
  /** Absolute path on the robot: `/dev/ttyUSB0`, `/dev/i2c-1`, `/dev/gpiochip4`, `/sys/class/gpio/export`. */
  path: string;
  kind: 'serial' | 'i2c' | 'gpio';
  use: BusInUse;
  /** Whether spinal only writes it (the sysfs export file) or reads and writes it. */
  access: 'rw' | 'w';
}

/** The device files of the buses in use. A GPIO bus whose chip cannot be found has none (gpio-numbering reports it). */
export function deviceFilesInUse(uses: BusInUse[], gpio: GpioView | undefined): DeviceFile[] {
  const files: DeviceFile[] = [];
  for (const use of uses) {
    if (use.bus.kind === 'gpio') {
      const path = gpio ? gpioDeviceFile(gpio, use.bus.chipLabel) : undefined;
      if (path) files.push({ path, kind: 'gpio', use, access: gpio?.kind === 'sysfs' ? 'w' : 'rw' });
    } else {
      files.push({ path: use.bus.path, kind: use.bus.kind, use, access: 'rw' });
    }
  }
  return files;
}

/** `/dev/ttyUSB0 (serial bus "uart0", used by lidar)`. */
export function describeDeviceFile(file: DeviceFile): string {
  return `${file.path} (${file.kind} bus "${file.use.bus.id}", used by ${deviceIds(file.use)})`;
}

function isUsbSerial(path: string): boolean {
  return /^\/dev\/(ttyUSB\d+|ttyACM\d+|serial\/by-(id|path)\/)/.test(path);
}

function missingFileFix(file: DeviceFile, configFile: string, boardModel: string | undefined): string[] {
  const onPi = boardModel?.includes('Raspberry Pi') ?? false;
  const field = `buses[${file.use.index}].path`;
  if (file.kind === 'serial') {
    if (isUsbSerial(file.path)) {
      return [
        `plug in the USB-serial adapter of ${deviceIds(file.use)} and look for it with: ls /dev/ttyUSB* /dev/ttyACM* /dev/serial/by-id/`,
        `or correct ${field} in ${configFile}`,
      ];
    }
    if (onPi) {
      return [
        'enable the UART: sudo raspi-config -> Interface Options -> Serial Port -> serial port hardware: Yes (enable_uart=1 in /boot/firmware/config.txt), then reboot',
        `or correct ${field} in ${configFile}`,
      ];
    }
    return [`check the port name with: ls /dev/tty*, and correct ${field} in ${configFile}`];
  }
  if (file.kind === 'i2c') {
    if (onPi) {
      return [
        'enable I2C: sudo raspi-config -> Interface Options -> I2C -> Yes (dtparam=i2c_arm=on in /boot/firmware/config.txt), then reboot',
        `or correct ${field} in ${configFile} (ls /dev/i2c-* lists the buses)`,
      ];
    }
    return [
      'load the I2C device driver: sudo modprobe i2c-dev, and keep it loaded at boot: echo i2c-dev | sudo tee /etc/modules-load.d/i2c-dev.conf',
      `or correct ${field} in ${configFile} (ls /dev/i2c-* lists the buses)`,
    ];
  }
  return ['check that the kernel exposes the GPIO chip (ls /dev/gpiochip* /sys/class/gpio)'];
}

/** Each device file exists. Returns the findings and the files that exist (the other checks look only at those). */
export async function checkDeviceFiles(
  files: DeviceFile[],
  configFile: string,
  host: DoctorHost,
  boardModel: string | undefined,
): Promise<{ findings: Finding[]; present: DeviceFile[] }> {
  const findings: Finding[] = [];
  const present: DeviceFile[] = [];
  for (const file of files) {
    if ((await host.stat(file.path)) === undefined) {
      findings.push(
        problem(
          'device-files',
          `${describeDeviceFile(file)} does not exist`,
          ...missingFileFix(file, configFile, boardModel),
        ),
      );
    } else {
      present.push(file);
      findings.push(ok('device-files', `${describeDeviceFile(file)} is present`));
    }
  }
  return { findings, present };
}
