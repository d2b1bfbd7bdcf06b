import type { TransportBackends } from '../../../hal/registry.js';
import { OnoffGpioBackend } from '../../../hal/transport/gpio/onoff-backend.js';
import { I2cBusBackend } from '../../../hal/transport/i2c/i2c-bus-backend.js';
import { SysfsPwmBackend } from '../../../hal/transport/pwm/sysfs-pwm-backend.js';
import { SerialportBackend } from '../../../hal/transport/serial/serialport-backend.js';
import type {
  SimDevice,
  SimGpioDevice,
  SimGpioLine,
  SimI2cDevice,
  SimSerialDevice,
  SimWorldView,
} from '../../../simulator/devices/sim-device.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import { nextTurn, type BridgeWire } from './bridge-wire.js';
import { BridgedI2cBusModule } from './bridged-i2c-bus.js';
import { BridgedOnoff } from './bridged-onoff.js';
import { BridgedSerialBinding } from './bridged-serial-binding.js';
import { BRIDGED_SYSFS_ROOT, BridgedSysfsPwm } from './bridged-sysfs-pwm.js';

/** Event-loop turns without any wire activity or pending transport call before the robot counts as idle. */
const QUIET_TURNS = 2;
/** Turns {@link MockTransportBridge.idle} waits at most, like the sim link's `settled()`. */
const MAX_IDLE_TURNS = 1_000;

/** Something a device model owes the host, due at a sim time. */
interface Delivery {
  atUs: number;
  deliver(): void;
}

/**
 * The robot's REAL transport backends, each with its mock transport wired to simulator device
 * models, on a {@link VirtualClock}:
 * - serial: `SerialportBackend` over `MockBinding` (`@serialport/binding-mock`), its ports bridged
 *   to the serial models ({@link BridgedSerialBinding});
 * - I2C: `I2cBusBackend` loading an `i2c-bus`-shaped module whose transactions are the I2C models'
 *   transfers ({@link BridgedI2cBusModule});
 * - GPIO: `OnoffGpioBackend` loading an `onoff`-shaped module, with a sysfs GPIO tree in a temporary
 *   directory, whose lines are the GPIO models' lines ({@link BridgedOnoff});
 * - PWM: `SysfsPwmBackend` with a fake kernel behind its attribute access, whose channels are the
 *   GPIO models' PWM inputs ({@link BridgedSysfsPwm}).
 *
 * It plays the world's part the way `SimLinkPair` and the sim link do, so a driver meets the same
 * models through either: {@link MockTransportBridge.step} lets the models run up to a sim time, then
 * hands their output to the host in time order, moving the robot's clock to each one's stamp first
 * (the robot sees the time its bytes left the wire), and ends by moving the clock to the step's end
 * and waiting for the robot to go idle. What the host writes meanwhile reaches the models stamped
 * with the world's time, as the sim link's world stamps it.
 *
 * The backends handed to drivers are the real classes behind a transparent proxy that counts the
 * transport calls still running, so "idle" means: no call pending, no byte unread, nothing crossed a
 * wire for two turns of the event loop. {@link MockTransportBridge.close} must be called at the end.
 */
export class MockTransportBridge {
  readonly clock: VirtualClock;
  readonly backends: TransportBackends;
  private readonly serial: BridgedSerialBinding;
  private readonly i2c: BridgedI2cBusModule;
  private readonly gpio: BridgedOnoff;
  private activity = 0;
  private pendingCalls = 0;
  private worldTimeUs: number;

  constructor(devices: readonly SimDevice[], options: { startUs?: number } = {}) {
    this.worldTimeUs = options.startUs ?? 0;
    this.clock = new VirtualClock(this.worldTimeUs);
    const wire: BridgeWire = {
      worldUs: () => Math.max(this.worldTimeUs, this.clock.nowUs()),
      touch: () => {
        this.activity++;
      },
    };
    const gpioDevices = devices.filter((d): d is SimGpioDevice => d.kind === 'gpio');
    this.serial = new BridgedSerialBinding(
      devices.filter((d): d is SimSerialDevice => d.kind === 'serial'),
      wire,
    );
    this.i2c = new BridgedI2cBusModule(
      devices.filter((d): d is SimI2cDevice => d.kind === 'i2c'),
      wire,
    );
    this.gpio = new BridgedOnoff(gpioDevices, wire);
    const i2cModule = this.i2c;
    const onoffModule = this.gpio.module;
    this.backends = {
      serial: this.counted(new SerialportBackend({ binding: this.serial.binding })),
      i2c: this.counted(new I2cBusBackend(async () => i2cModule)),
      gpio: this.counted(new OnoffGpioBackend({ sysfsRoot: this.gpio.sysfsRoot, loadModule: async () => onoffModule })),
      pwm: this.counted(
        new SysfsPwmBackend({
          sysfsRoot: BRIDGED_SYSFS_ROOT,
          clock: this.clock,
          attributes: new BridgedSysfsPwm(gpioDevices, wire),
        }),
      ),
    };
  }

  /** Sim time of the last step, microseconds. */
  nowUs(): number {
    return this.worldTimeUs;
  }

  /**
   * One quantum ending at `toUs`: the I2C models sample the world, the serial and GPIO models'
   * output up to `toUs` goes to the host in time order (the robot clock moved to each stamp, the
   * robot left to go idle after each), then the clock moves to `toUs` and the robot goes idle.
   */
  async step(toUs: number, world: SimWorldView): Promise<void> {
    this.worldTimeUs = Math.max(this.worldTimeUs, toUs);
    this.i2c.advance(toUs, world);
    const deliveries: Delivery[] = [...this.serial.collect(toUs, world), ...this.gpio.collect(toUs, world)];
    deliveries.sort((a, b) => a.atUs - b.atUs);
    for (const delivery of deliveries) {
      this.clock.advanceTo(delivery.atUs);
      delivery.deliver();
      await this.idle();
    }
    this.clock.advanceTo(toUs);
    await this.idle();
  }

  /** Quanta of `stepUs` (default 5 ms, the simulator's default quantum) until `toUs`, the last one ending exactly there. */
  async runUntil(toUs: number, world: SimWorldView, stepUs = 5_000): Promise<void> {
    while (this.worldTimeUs < toUs) await this.step(Math.min(toUs, this.worldTimeUs + stepUs), world);
  }

  /** Resolves once no transport call is pending, no emitted byte is unread, and the wires have been quiet for a while. */
  async idle(): Promise<void> {
    let quiet = 0;
    let seen = this.activity;
    for (let turn = 0; turn < MAX_IDLE_TURNS && quiet < QUIET_TURNS; turn++) {
      await nextTurn();
      const busy = this.pendingCalls > 0 || this.serial.hasUnreadData() || this.activity !== seen;
      seen = this.activity;
      quiet = busy ? 0 : quiet + 1;
    }
  }

  /** Cuts (or mends) the wiring of GPIO lines: opening and reading them fail with EIO. */
  setGpioFault(lines: readonly SimGpioLine[], broken: boolean): void {
    this.gpio.setLineBroken(lines, broken);
  }

  close(): void {
    this.serial.close();
    this.gpio.close();
  }

  /**
   * `target` unchanged, except that every promise its methods return is counted while it runs,
   * and what an `open` resolves to (a port, bus, line or channel) is counted the same way.
   */
  private counted<T extends object>(target: T): T {
    return new Proxy(target, {
      get: (object, key) => {
        const value: unknown = Reflect.get(object, key, object);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(object, args);
          if (!(result instanceof Promise)) return result;
          this.pendingCalls++;
          return result.then(
            (resolved: unknown) => {
              this.pendingCalls--;
              return key === 'open' && typeof resolved === 'object' && resolved !== null
                ? this.counted(resolved)
                : resolved;
            },
            (error: unknown) => {
              this.pendingCalls--;
              throw error;
            },
          );
        };
      },
    });
  }
}
