import { bumperSwitchModel, estopSwitchModel } from './digital-input/switch/driver.js';
import { quadratureEncoderModel } from './encoder/quadrature/driver.js';
import { ld06Model } from './lidar/ld06/driver.js';
import { ld19Model } from './lidar/ld19/driver.js';
import { rplidarA1Model } from './lidar/rplidar-a1/driver.js';
import { roboclawModel } from './motor/roboclaw/driver.js';
import { l298nModel, tb6612GpioModel } from './motor/gpio-hbridge/driver.js';
import { mpu6050Model } from './imu/mpu6050/driver.js';
import { ina219Model } from './battery/ina219/driver.js';
import { adafruitMotorHatModel, waveshareMotorHatModel } from './motor/pca9685-tb6612/driver.js';
import { tfminiSI2cModel } from './range/tfmini-s/i2c-driver.js';
import { tfminiSSerialModel } from './range/tfmini-s/serial-driver.js';
import { DeviceRegistry } from './registry.js';

/** A registry holding every device model spinal ships. Add a model here to make its `compatible` usable in board configs. */
export function createBuiltinRegistry(): DeviceRegistry {
  const registry = new DeviceRegistry();
  registry.register(ld06Model);
  registry.register(ld19Model);
  registry.register(rplidarA1Model);
  registry.register(adafruitMotorHatModel);
  registry.register(waveshareMotorHatModel);
  registry.register(roboclawModel);
  registry.register(l298nModel);
  registry.register(tb6612GpioModel);
  registry.register(mpu6050Model);
  registry.register(ina219Model);
  registry.register(quadratureEncoderModel);
  registry.register(tfminiSSerialModel);
  registry.register(tfminiSI2cModel);
  registry.register(estopSwitchModel);
  registry.register(bumperSwitchModel);
  return registry;
}
