import type { ZodType, ZodTypeDef } from 'zod';
import type { BusConfig } from '../config/board-schema.js';
import type { Clock } from '../time/clock.js';
import type { Device, DeviceKind } from './device-api.js';
import type { AddressDeclaration, NodeWiring, PinDeclaration, WiringProblem } from './device-wiring.js';
import type { GpioBackend } from './transport/gpio/api.js';
import type { I2cBackend } from './transport/i2c/api.js';
import type { PwmBackend } from './transport/pwm/api.js';
import type { SerialBackend } from './transport/serial/api.js';

/** The transports a device can be bound to; real or simulated, the device cannot tell. */
export interface TransportBackends {
  serial: SerialBackend;
  i2c: I2cBackend;
  gpio: GpioBackend;
  pwm: PwmBackend;
}

/** Everything a model's `create` gets: its node from the board config (params already validated). */
export interface DeviceCreateContext<TParams> {
  id: string;
  bus: BusConfig;
  address: number | undefined;
  pins: Record<string, number>;
  params: TParams;
  clock: Clock;
  backends: TransportBackends;
}

/** One device model (one chip or product), joined to the board config by its `compatible` string. */
export interface DeviceModel<TParams = unknown, TDevice extends Device = Device> {
  compatible: string;
  kind: DeviceKind;
  /** One line for docs and `spinal doctor`. */
  description: string;
  busKind: BusConfig['kind'];
  /** Whether the node gives an I2C `address`: `required` exactly when `busKind` is `i2c`. */
  address: AddressDeclaration;
  /** The GPIO lines the node names in `pins`; `none` unless `busKind` is `gpio`. */
  pins: PinDeclaration;
  /** Validates and defaults the device node's `params`. */
  paramsSchema: ZodType<TParams, ZodTypeDef, unknown>;
  /**
   * Rules joining the node's wiring and its validated params that the declarations cannot state
   * (an H-bridge in software PWM needs each bridge's PWM pin); optional. Returns the first problem,
   * its field relative to the node (`pins.ena`, `params.pwm.channels.A`).
   */
  checkWiring?(wiring: NodeWiring, params: TParams): WiringProblem | undefined;
  /**
   * Builds the device. Its node has passed every check above (`resolveDevices`), so `create` and
   * the constructor behind it only assert what they rely on.
   */
  create(context: DeviceCreateContext<TParams>): TDevice;
}

/**
 * Compatible string -> model. Models register themselves when their module is imported. Registering
 * a model twice, without `create`, or with wiring declarations that contradict its bus kind throws.
 */
export class DeviceRegistry {
  private readonly models = new Map<string, DeviceModel<unknown>>();

  register<TParams, TDevice extends Device>(model: DeviceModel<TParams, TDevice>): void {
    if (typeof model.create !== 'function') {
      throw new Error(`device model "${model.compatible}" has no create()`);
    }
    if ((model.address === 'required') !== (model.busKind === 'i2c')) {
      throw new Error(`device model "${model.compatible}": an address is required exactly for I2C models`);
    }
    if (model.pins?.kind === undefined || (model.pins.kind !== 'none' && model.busKind !== 'gpio')) {
      throw new Error(`device model "${model.compatible}": declare its pins (and only a GPIO model has any)`);
    }
    if (this.models.has(model.compatible)) {
      throw new Error(`device model "${model.compatible}" is registered twice`);
    }
    this.models.set(model.compatible, model as unknown as DeviceModel<unknown>);
  }

  get(compatible: string): DeviceModel<unknown> | undefined {
    return this.models.get(compatible);
  }

  list(): DeviceModel<unknown>[] {
    return [...this.models.values()].sort((a, b) =>
      a.compatible < b.compatible ? -1 : a.compatible > b.compatible ? 1 : 0,
    );
  }
}
