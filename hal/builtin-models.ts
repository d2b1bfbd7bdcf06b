import { ld06Model } from './lidar/ld06/driver.js';
import { adafruitMotorHatModel, waveshareMotorHatModel } from './motor/pca9685-tb6612/driver.js';
import { DeviceRegistry } from './registry.js';

/** A registry holding every device model spinal ships. Add a model here to make its `compatible` usable in board configs. */
export function createBuiltinRegistry(): DeviceRegistry {
  const registry = new DeviceRegistry();
  registry.register(ld06Model);
  registry.register(adafruitMotorHatModel);
  registry.register(waveshareMotorHatModel);
  return registry;
}
