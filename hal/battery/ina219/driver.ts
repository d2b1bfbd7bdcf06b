import createDebug from 'debug';
import { US_PER_S } from '../../../time/clock.js';
import type { DeviceHealth } from '../../device-health.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { NO_PINS } from '../../device-wiring.js';
import { checkI2cAddress } from '../../transport/i2c/api.js';
import { ChipMismatchError, PolledI2cSensor } from '../../transport/i2c/polled-i2c-sensor.js';
import type { RetryingI2cDevice } from '../../transport/i2c/retrying-i2c-device.js';
import type { BatteryDevice } from '../api.js';
import type { BatteryReading } from '../../../messages/battery-reading.js';
import {
  BATTERY_MONITOR_CONFIG,
  CONFIG_RESET,
  INA219_DEFAULT_ADDRESS,
  REG_BUS_VOLTAGE,
  REG_CALIBRATION,
  REG_CONFIG,
  REG_CURRENT,
  REG_POWER,
  calibrationFor,
  decodeBusVoltage,
  decodeCurrentA,
  decodePowerW,
  decodeRegister,
  encodeConfig,
  pointerWrite,
  registerWrite,
} from './codec.js';
import type { Ina219Calibration } from './codec.js';
import { ina219ParamsSchema } from './params.js';
import type { Ina219Params } from './params.js';
import type { Unsubscribe } from '../../listener-list.js';
import { ListenerList } from '../../listener-list.js';

const log = createDebug('spinal:hal:ina219');

/** The board-config `compatible` string of this model. */
export const INA219_COMPATIBLE = 'ti,ina219';

const hex = (value: number, digits = 2): string => `0x${value.toString(16).padStart(digits, '0')}`;

/** The bus voltage, current and power registers of one poll, as read. */
interface RawMeasurement {
  bus: number;
  current: number;
  power: number;
}

/**
 * An INA219 measuring a battery on its high side, polled at `pollHz`. `start()` resets the chip,
 * writes the configuration (32 V, ±320 mV, 12-bit, continuous) and the calibration worked out from
 * `shuntOhms` and `maxCurrentA`, and reads both back (the INA219 has no ID register; this is how a
 * wrong chip at the address shows). Each poll reads the bus voltage, current and power registers.
 * The reported voltage is the battery side of the shunt (IN+): the bus register measures IN−, so
 * the shunt drop is added back. OVF makes the device `degraded` until a reading without it. Bus
 * errors, restarts with backoff and the once-a-second read-back of the calibration (a power cycle
 * clears it) are those of {@link PolledI2cSensor}.
 */
export class Ina219BatteryMonitor implements BatteryDevice {
  readonly kind = 'battery' as const;
  readonly compatible = INA219_COMPATIBLE;
  readonly id: string;

  private readonly context: DeviceCreateContext<Ina219Params>;
  private readonly busPath: string;
  private readonly address: number;
  private readonly config: number;
  private readonly calibration: Ina219Calibration;
  private readonly sensor: PolledI2cSensor<RawMeasurement>;
  private readonly listeners = new ListenerList<(reading: BatteryReading) => void>();
  private readonly count = { readings: 0, overflows: 0 };

  private last: BatteryReading | null = null;
  private overflow = false;

  constructor(context: DeviceCreateContext<Ina219Params>) {
    const bus = context.bus;
    if (bus.kind !== 'i2c') {
      throw new Error(`device "${context.id}" (${INA219_COMPATIBLE}): needs an i2c bus, "${bus.id}" is ${bus.kind}`);
    }
    this.address = context.address ?? INA219_DEFAULT_ADDRESS;
    checkI2cAddress(this.address);
    this.id = context.id;
    this.context = context;
    this.busPath = bus.path;
    this.config = encodeConfig(BATTERY_MONITOR_CONFIG);
    this.calibration = calibrationFor(context.params.shuntOhms, context.params.maxCurrentA);
    this.sensor = new PolledI2cSensor({
      id: context.id,
      clock: context.clock,
      backend: context.backends.i2c,
      busPath: bus.path,
      address: this.address,
      periodUs: Math.max(1, Math.round(US_PER_S / context.params.pollHz)),
      pollingWhat: 'reading the chip',
      chip: {
        init: (device) => this.init(device),
        ready: () => this.ready(),
        read: (device) => this.read(device),
        deliver: (registers, stampUs) => this.deliver(registers, stampUs),
        checkSetup: (device) => this.checkSetup(device),
        degradedReason: () => this.overflowReason(),
      },
    });
  }

  health(): DeviceHealth {
    return this.sensor.health();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): Unsubscribe {
    return this.sensor.onHealthChange(listener);
  }

  /**
   * `readings` (delivered), `badReads` (register reads of the wrong length), `overflows` (readings
   * with OVF set), `overruns` (polls skipped because the previous one was still on the bus),
   * `initAttempts`, `setupLost` (times the calibration was found lost and written again), and the
   * I2C `transactions`, `retries` and `errors`.
   */
  counters(): Record<string, number> {
    return { ...this.count, ...this.sensor.counters() };
  }

  onReading(listener: (reading: BatteryReading) => void): Unsubscribe {
    return this.listeners.add(listener);
  }

  lastReading(): BatteryReading | null {
    return this.last;
  }

  /** The calibration register value and LSBs in use. */
  calibrationInUse(): Ina219Calibration {
    return { ...this.calibration };
  }

  /** Resolves once the first start attempt is over, whatever its outcome. Never rejects. */
  start(): Promise<void> {
    return this.sensor.start();
  }

  /** Stops polling and retrying and closes the bus. */
  stop(): Promise<void> {
    return this.sensor.stop();
  }

  /** Reset, configure, calibrate, verify. */
  private async init(device: RetryingI2cDevice): Promise<void> {
    await device.write(registerWrite(REG_CONFIG, CONFIG_RESET));
    await device.write(registerWrite(REG_CONFIG, this.config));
    await device.write(registerWrite(REG_CALIBRATION, this.calibration.calibration));
    const config = decodeRegister(await device.writeRead(pointerWrite(REG_CONFIG), 2));
    const calibration = decodeRegister(await device.writeRead(pointerWrite(REG_CALIBRATION), 2));
    if (config !== this.config || calibration !== this.calibration.calibration) {
      throw new ChipMismatchError(
        `the device at ${hex(this.address)} on ${this.busPath} does not keep an INA219's setup: ` +
          `configuration reads ${show(config)} (wrote ${hex(this.config, 4)}), calibration reads ` +
          `${show(calibration)} (wrote ${hex(this.calibration.calibration, 4)})`,
      );
    }
  }

  private ready(): void {
    log(
      '%s: ready, calibration %d, current LSB %s µA',
      this.id,
      this.calibration.calibration,
      (this.calibration.currentLsbA * 1e6).toFixed(3),
    );
    this.overflow = false;
  }

  private async read(device: RetryingI2cDevice): Promise<RawMeasurement | null> {
    const bus = decodeRegister(await device.writeRead(pointerWrite(REG_BUS_VOLTAGE), 2));
    const current = decodeRegister(await device.writeRead(pointerWrite(REG_CURRENT), 2));
    const power = decodeRegister(await device.writeRead(pointerWrite(REG_POWER), 2));
    if (bus === null || current === null || power === null) return null;
    return { bus, current, power };
  }

  /** A chip that lost power comes back uncalibrated (current and power read 0). */
  private async checkSetup(device: RetryingI2cDevice): Promise<string | undefined> {
    const calibration = decodeRegister(await device.writeRead(pointerWrite(REG_CALIBRATION), 2));
    if (calibration === this.calibration.calibration) return undefined;
    return `the chip lost its calibration (reads ${show(calibration)})`;
  }

  private deliver(registers: RawMeasurement, stampUs: number): void {
    const bus = decodeBusVoltage(registers.bus);
    const currentA = decodeCurrentA(registers.current, this.calibration.currentLsbA);
    const reading: BatteryReading = {
      voltageV: bus.voltageV + currentA * this.context.params.shuntOhms,
      currentA,
      powerW: decodePowerW(registers.power, this.calibration.currentLsbA),
      stampUs,
    };
    if (bus.overflow) this.count.overflows++;
    if (bus.overflow !== this.overflow) {
      this.overflow = bus.overflow;
      this.sensor.refreshHealth();
    }
    this.last = reading;
    this.count.readings++;
    for (const listener of this.listeners) {
      try {
        listener(reading);
      } catch (error) {
        log('%s: a reading listener threw: %O', this.id, error);
      }
    }
  }

  /** While OVF is set: more current than the calibration covers. */
  private overflowReason(): string | undefined {
    if (!this.overflow) return undefined;
    return (
      `current or power out of range (OVF): more than maxCurrentA ` +
      `(${this.context.params.maxCurrentA} A) flows, or shuntOhms is wrong`
    );
  }
}

function show(value: number | null): string {
  return value === null ? 'nothing' : hex(value, 4);
}

/** Texas Instruments INA219 current, voltage and power monitor on I2C (0x40..0x4F). */
export const ina219Model: DeviceModel<Ina219Params, Ina219BatteryMonitor> = {
  compatible: INA219_COMPATIBLE,
  kind: 'battery',
  description: 'TI INA219 battery voltage, current and power monitor (I2C, 0x40..0x4F)',
  busKind: 'i2c',
  address: 'required',
  pins: NO_PINS,
  paramsSchema: ina219ParamsSchema,
  create: (context) => new Ina219BatteryMonitor(context),
};
