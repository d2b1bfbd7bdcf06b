import type { BusConfig } from '../../config/board-schema.js';
import type { DeviceCreateContext, TransportBackends } from '../../hal/registry.js';
import type { Clock } from '../../time/clock.js';
import { unusedBackends } from './unused-backends.js';

/** What {@link deviceContext} builds a create context from. */
export interface DeviceContextOptions<TParams> {
  id: string;
  bus: BusConfig;
  /** Already validated by the model's params schema. */
  params: TParams;
  clock: Clock;
  /** The backends the device uses; every other transport rejects (see {@link unusedBackends}). */
  backends: Partial<TransportBackends>;
  /** Default: none (the model's own default applies). */
  address?: number;
  /** Default: no pins. */
  pins?: Record<string, number>;
}

/** The create context of a device under test, as the board loader would hand it to the model. */
export function deviceContext<TParams>(options: DeviceContextOptions<TParams>): DeviceCreateContext<TParams> {
  return {
    id: options.id,
    bus: options.bus,
    address: options.address,
    pins: options.pins ?? {},
    params: options.params,
    clock: options.clock,
    backends: unusedBackends(options.backends),
  };
}
