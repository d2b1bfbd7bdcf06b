/**
 * InvenSense MPU-6050 over I2C: register numbers and bits, the 14-byte measurement burst, scaling
 * to SI units, the mount rotation, and the chip's register file (for the simulator and tests).
 * Pure: no I/O, no timers. Section numbers refer to the MPU-6000/MPU-6050 Register Map and
 * Descriptions (RM-MPU-6000A-00, rev 4.2, "RM") and the Product Specification (PS-MPU-6000A-00,
 * rev 3.4, "PS").
 */

/** 7-bit address with AD0 low (RM §4.32: WHO_AM_I holds the upper six bits; AD0 is bit 0). */
export const MPU6050_ADDRESS_AD0_LOW = 0x68;
/** 7-bit address with AD0 high. */
export const MPU6050_ADDRESS_AD0_HIGH = 0x69;

/** Register 25, sample rate divider (RM §4.2). */
export const REG_SMPLRT_DIV = 0x19;
/** Register 26, EXT_SYNC_SET and DLPF_CFG (RM §4.3). */
export const REG_CONFIG = 0x1a;
/** Register 27, gyro self-test and FS_SEL in bits 4:3 (RM §4.4). */
export const REG_GYRO_CONFIG = 0x1b;
/** Register 28, accelerometer self-test and AFS_SEL in bits 4:3 (RM §4.5). */
export const REG_ACCEL_CONFIG = 0x1c;
/** Register 59, first of the 14 measurement registers: accel XYZ, temperature, gyro XYZ (RM §4.17–4.19). */
export const REG_ACCEL_XOUT_H = 0x3b;
/** Register 65, temperature high byte (RM §4.18). */
export const REG_TEMP_OUT_H = 0x41;
/** Register 67, gyro X high byte (RM §4.19). */
export const REG_GYRO_XOUT_H = 0x43;
/** Register 107, power management 1 (RM §4.28). */
export const REG_PWR_MGMT_1 = 0x6b;
/** Register 108, power management 2: per-axis standby (RM §4.29). */
export const REG_PWR_MGMT_2 = 0x6c;
/** Register 117, WHO_AM_I (RM §4.32). */
export const REG_WHO_AM_I = 0x75;

/** What WHO_AM_I reads on a genuine MPU-6050, whatever AD0 is (RM §4.32). */
export const MPU6050_WHO_AM_I = 0x68;

/** PWR_MGMT_1 bit 7: resets every register to its default, then clears itself (RM §4.28). */
export const PWR_MGMT_1_DEVICE_RESET = 0x80;
/** PWR_MGMT_1 bit 6: sleep mode. */
export const PWR_MGMT_1_SLEEP = 0x40;
/** PWR_MGMT_1 bit 5: cycle between sleep and single samples. */
export const PWR_MGMT_1_CYCLE = 0x20;
/** PWR_MGMT_1 bit 3: temperature sensor off. */
export const PWR_MGMT_1_TEMP_DIS = 0x08;
/** PWR_MGMT_1 bits 2:0, CLKSEL. */
export const PWR_MGMT_1_CLKSEL_MASK = 0x07;
/** CLKSEL 1: PLL with the X gyro as reference, the one the RM recommends over the internal oscillator (§4.28). */
export const CLKSEL_PLL_X_GYRO = 0x01;
/** PWR_MGMT_1 after power-on or reset: asleep, internal 8 MHz oscillator (RM §3: "Register 107: 0x40"). */
export const PWR_MGMT_1_RESET_VALUE = 0x40;

/** Bytes in one measurement burst from ACCEL_XOUT_H: three accel, temperature, three gyro, each big-endian int16. */
export const MPU6050_BURST_LENGTH = 14;

/** Wait after DEVICE_RESET before the chip is written again, microseconds (RM §4.28 note: 100 ms). */
export const MPU6050_RESET_WAIT_US = 100_000;

/** Standard gravity, m/s² (the unit the accelerometer sensitivity is given in). */
export const STANDARD_GRAVITY_MPS2 = 9.80665;

/** Accelerometer full-scale ranges, ±g, indexed by AFS_SEL (RM §4.5). */
export const ACCEL_RANGES_G = [2, 4, 8, 16] as const;
/** Accelerometer sensitivity, LSB per g, indexed by AFS_SEL (PS §6.2). */
export const ACCEL_LSB_PER_G = [16384, 8192, 4096, 2048] as const;
/** Gyro full-scale ranges, ±°/s, indexed by FS_SEL (RM §4.4). */
export const GYRO_RANGES_DPS = [250, 500, 1000, 2000] as const;
/** Gyro sensitivity, LSB per °/s, indexed by FS_SEL (PS §6.1). */
export const GYRO_LSB_PER_DPS = [131, 65.5, 32.8, 16.4] as const;

export type AccelRangeG = (typeof ACCEL_RANGES_G)[number];
export type GyroRangeDps = (typeof GYRO_RANGES_DPS)[number];

/** Temperature: °C = raw / 340 + 36.53 (RM §4.18). */
export const TEMP_LSB_PER_C = 340;
export const TEMP_OFFSET_C = 36.53;

/**
 * Digital low-pass filter bandwidths, hertz, indexed by DLPF_CFG 0..6 (RM §4.3). DLPF_CFG 7 is
 * reserved.
 */
export const DLPF_ACCEL_BANDWIDTH_HZ = [260, 184, 94, 44, 21, 10, 5] as const;
export const DLPF_GYRO_BANDWIDTH_HZ = [256, 188, 98, 42, 20, 10, 5] as const;

const DEG_TO_RAD = Math.PI / 180;

/** A one-byte register write: `[register, value]`. */
export function registerWrite(register: number, value: number): Uint8Array {
  return Uint8Array.of(register & 0xff, value & 0xff);
}

/** Sets the register pointer for the read that follows (a register read is this write, then a read). */
export function pointerWrite(register: number): Uint8Array {
  return Uint8Array.of(register & 0xff);
}

/** GYRO_CONFIG for a range: FS_SEL in bits 4:3, self-test off. @throws RangeError for another range. */
export function gyroConfigValue(rangeDps: number): number {
  const fsSel = GYRO_RANGES_DPS.indexOf(rangeDps as GyroRangeDps);
  if (fsSel < 0) throw new RangeError(`gyro range must be one of ${GYRO_RANGES_DPS.join(', ')} °/s, got ${rangeDps}`);
  return fsSel << 3;
}

/** ACCEL_CONFIG for a range: AFS_SEL in bits 4:3, self-test off. @throws RangeError for another range. */
export function accelConfigValue(rangeG: number): number {
  const afsSel = ACCEL_RANGES_G.indexOf(rangeG as AccelRangeG);
  if (afsSel < 0)
    throw new RangeError(`accelerometer range must be one of ${ACCEL_RANGES_G.join(', ')} g, got ${rangeG}`);
  return afsSel << 3;
}

/** Gyro output rate for a DLPF_CFG, hertz: 8 kHz with the filter off (0 or 7), else 1 kHz (RM §4.2). */
export function gyroOutputRateHz(dlpfCfg: number): number {
  const cfg = dlpfCfg & 0x07;
  return cfg === 0 || cfg === 7 ? 8000 : 1000;
}

/** Sample rate = gyro output rate / (1 + SMPLRT_DIV), hertz (RM §4.2). */
export function chipSampleRateHz(dlpfCfg: number, divider: number): number {
  return gyroOutputRateHz(dlpfCfg) / (1 + (divider & 0xff));
}

/** How the chip is set up for one polling rate. */
export interface Mpu6050Setup {
  /** DLPF_CFG, 1..6. */
  dlpfCfg: number;
  /** SMPLRT_DIV, 0..255. */
  sampleRateDivider: number;
  accelRangeG: AccelRangeG;
  gyroRangeDps: GyroRangeDps;
}

/**
 * The chip setup for polling at `pollHz`: the widest low-pass filter whose gyro bandwidth is at
 * most half the polling rate (so polling does not alias; the narrowest, 5 Hz, below 10 Hz), and
 * the divider that makes the chip sample at least as fast as it is polled (from the filter's
 * 1 kHz gyro output rate).
 * @throws RangeError for a rate that is not a positive finite number, or an unsupported range.
 */
export function setupForPollRate(pollHz: number, accelRangeG: number, gyroRangeDps: number): Mpu6050Setup {
  if (!(pollHz > 0) || !Number.isFinite(pollHz)) throw new RangeError(`poll rate must be > 0 Hz, got ${pollHz}`);
  accelConfigValue(accelRangeG);
  gyroConfigValue(gyroRangeDps);
  let dlpfCfg = DLPF_GYRO_BANDWIDTH_HZ.length - 1;
  for (let cfg = 1; cfg < DLPF_GYRO_BANDWIDTH_HZ.length; cfg++) {
    if ((DLPF_GYRO_BANDWIDTH_HZ[cfg] ?? 0) <= pollHz / 2) {
      dlpfCfg = cfg;
      break;
    }
  }
  const divider = Math.floor(gyroOutputRateHz(dlpfCfg) / pollHz) - 1;
  return {
    dlpfCfg,
    sampleRateDivider: Math.min(255, Math.max(0, divider)),
    accelRangeG: accelRangeG as AccelRangeG,
    gyroRangeDps: gyroRangeDps as GyroRangeDps,
  };
}

/**
 * One write that sets SMPLRT_DIV, CONFIG, GYRO_CONFIG and ACCEL_CONFIG (registers 25..28, in a
 * row: the register address increments after each byte, PS §9.3).
 */
export function setupWrite(setup: Mpu6050Setup): Uint8Array {
  return Uint8Array.of(
    REG_SMPLRT_DIV,
    setup.sampleRateDivider & 0xff,
    setup.dlpfCfg & 0x07,
    gyroConfigValue(setup.gyroRangeDps),
    accelConfigValue(setup.accelRangeG),
  );
}

/** What registers 25..28 read back after {@link setupWrite}, in order. */
export function setupReadback(setup: Mpu6050Setup): Uint8Array {
  return setupWrite(setup).subarray(1);
}

/** A three-axis reading. */
export interface Vector3 {
  x: number;
  y: number;
  z: number;
}

/** One measurement burst as the chip stores it: signed 16-bit counts. */
export interface Mpu6050RawSample {
  accel: Vector3;
  temperature: number;
  gyro: Vector3;
}

/** One measurement in SI units, sensor axes. */
export interface Mpu6050Sample {
  accelMps2: Vector3;
  gyroRadps: Vector3;
  temperatureC: number;
}

/**
 * Decodes the 14 bytes read from ACCEL_XOUT_H on: accel X, Y, Z, temperature, gyro X, Y, Z, each
 * high byte first, two's complement (RM §4.17–4.19). Anything but exactly 14 bytes is not a
 * sample: the answer is null, never an exception.
 */
export function decodeBurst(bytes: Uint8Array): Mpu6050RawSample | null {
  if (bytes.length !== MPU6050_BURST_LENGTH) return null;
  const word = (offset: number): number => {
    const value = ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
    return value >= 0x8000 ? value - 0x10000 : value;
  };
  return {
    accel: { x: word(0), y: word(2), z: word(4) },
    temperature: word(6),
    gyro: { x: word(8), y: word(10), z: word(12) },
  };
}

/** The 14 burst bytes for a raw sample; counts are clamped to int16 and rounded, as the ADC saturates. */
export function encodeBurst(raw: Mpu6050RawSample): Uint8Array {
  const out = new Uint8Array(MPU6050_BURST_LENGTH);
  const values = [raw.accel.x, raw.accel.y, raw.accel.z, raw.temperature, raw.gyro.x, raw.gyro.y, raw.gyro.z];
  values.forEach((value, i) => {
    const count = toInt16(value) & 0xffff;
    out[2 * i] = count >> 8;
    out[2 * i + 1] = count & 0xff;
  });
  return out;
}

/** Counts to SI units for the configured ranges. @throws RangeError for an unsupported range. */
export function scaleSample(raw: Mpu6050RawSample, accelRangeG: number, gyroRangeDps: number): Mpu6050Sample {
  const accelScale = STANDARD_GRAVITY_MPS2 / accelLsbPerG(accelRangeG);
  const gyroScale = DEG_TO_RAD / gyroLsbPerDps(gyroRangeDps);
  return {
    accelMps2: { x: raw.accel.x * accelScale, y: raw.accel.y * accelScale, z: raw.accel.z * accelScale },
    gyroRadps: { x: raw.gyro.x * gyroScale, y: raw.gyro.y * gyroScale, z: raw.gyro.z * gyroScale },
    temperatureC: raw.temperature / TEMP_LSB_PER_C + TEMP_OFFSET_C,
  };
}

/**
 * SI units to the counts the chip would store: rounded, saturated at the int16 limits like the
 * ADC. The inverse of {@link scaleSample} to within half a count.
 */
export function rawFromSample(sample: Mpu6050Sample, accelRangeG: number, gyroRangeDps: number): Mpu6050RawSample {
  const accelScale = accelLsbPerG(accelRangeG) / STANDARD_GRAVITY_MPS2;
  const gyroScale = gyroLsbPerDps(gyroRangeDps) / DEG_TO_RAD;
  const { accelMps2: a, gyroRadps: g } = sample;
  return {
    accel: { x: toInt16(a.x * accelScale), y: toInt16(a.y * accelScale), z: toInt16(a.z * accelScale) },
    temperature: toInt16((sample.temperatureC - TEMP_OFFSET_C) * TEMP_LSB_PER_C),
    gyro: { x: toInt16(g.x * gyroScale), y: toInt16(g.y * gyroScale), z: toInt16(g.z * gyroScale) },
  };
}

/** Accelerometer sensitivity for a range, LSB/g. @throws RangeError for an unsupported range. */
export function accelLsbPerG(rangeG: number): number {
  return ACCEL_LSB_PER_G[accelConfigValue(rangeG) >> 3] ?? ACCEL_LSB_PER_G[0];
}

/** Gyro sensitivity for a range, LSB/(°/s). @throws RangeError for an unsupported range. */
export function gyroLsbPerDps(rangeDps: number): number {
  return GYRO_LSB_PER_DPS[gyroConfigValue(rangeDps) >> 3] ?? GYRO_LSB_PER_DPS[0];
}

/**
 * How the sensor sits on the robot: its X axis turned `yawDeg` counter-clockwise from the robot's
 * forward axis, and, when `upsideDown`, the board flipped about its own X axis (chip facing down,
 * sensor Z pointing at the floor).
 */
export interface Mpu6050Mount {
  yawDeg: number;
  upsideDown: boolean;
}

/** A sensor-frame vector in the robot frame (x forward, y left, z up). */
export function robotFromSensor(v: Vector3, mount: Mpu6050Mount): Vector3 {
  const flip = mount.upsideDown ? -1 : 1;
  const y = v.y * flip;
  const z = v.z * flip;
  const yawRad = mount.yawDeg * DEG_TO_RAD;
  const c = Math.cos(yawRad);
  const s = Math.sin(yawRad);
  return { x: c * v.x - s * y, y: s * v.x + c * y, z };
}

/** A robot-frame vector in the sensor frame: the inverse of {@link robotFromSensor}. */
export function sensorFromRobot(v: Vector3, mount: Mpu6050Mount): Vector3 {
  const yawRad = mount.yawDeg * DEG_TO_RAD;
  const c = Math.cos(yawRad);
  const s = Math.sin(yawRad);
  const flip = mount.upsideDown ? -1 : 1;
  return { x: c * v.x + s * v.y, y: (-s * v.x + c * v.y) * flip, z: v.z * flip };
}

function toInt16(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(0x7fff, Math.max(-0x8000, Math.round(value)));
}

// ---------------------------------------------------------------------------------------------
// Register file

/** Registers the host cannot write: INT_STATUS, the measurement and external-sensor data, WHO_AM_I (RM §3). */
function isReadOnly(register: number): boolean {
  return (register >= 0x3a && register <= 0x60) || register === REG_WHO_AM_I;
}

/** Writable bits of registers with reserved bits (RM §4.3–4.5, §4.28). */
const WRITABLE_MASK: Readonly<Record<number, number>> = {
  [REG_CONFIG]: 0x3f,
  [REG_GYRO_CONFIG]: 0xf8,
  [REG_ACCEL_CONFIG]: 0xf8,
  [REG_PWR_MGMT_1]: 0x6f,
};

/**
 * The MPU-6050's registers as the chip keeps them, for the simulator and for tests. A write
 * transaction's first byte sets the register pointer and each further byte goes to the pointer,
 * which then moves on (PS §9.3, burst write); a read transaction returns bytes from the pointer
 * on, moving it likewise. DEVICE_RESET puts every register back to its default (asleep) and ends
 * the transaction; measurement registers and WHO_AM_I ignore writes; reserved bits read as zero.
 * Measurements change only through {@link Mpu6050Registers.latch}, and only while the chip is
 * awake. Not modelled: the FIFO, interrupts, the auxiliary I2C master, self-test, cycle mode and
 * standby axes; registers past 0x75 read as zero and the pointer wraps at 0x7F. Never throws on
 * any input.
 */
export class Mpu6050Registers {
  private readonly file = new Uint8Array(0x80);
  private pointerRegister = 0;

  /** @param whoAmI What WHO_AM_I reads; default 0x68, a genuine MPU-6050 (clones read other values). */
  constructor(private readonly whoAmI = MPU6050_WHO_AM_I) {
    this.powerOn();
  }

  /** Power-on values (RM §3): everything 0 but PWR_MGMT_1 (asleep) and WHO_AM_I. */
  powerOn(): void {
    this.file.fill(0);
    this.file[REG_PWR_MGMT_1] = PWR_MGMT_1_RESET_VALUE;
    this.file[REG_WHO_AM_I] = this.whoAmI & 0xff;
    this.pointerRegister = 0;
  }

  /** One write transaction: `[register, ...data]`. An empty write (an address probe) changes nothing. */
  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    let register = (bytes[0] ?? 0) & 0x7f;
    for (let i = 1; i < bytes.length; i++) {
      const value = bytes[i] ?? 0;
      if (register === REG_PWR_MGMT_1 && (value & PWR_MGMT_1_DEVICE_RESET) !== 0) {
        this.powerOn();
        return;
      }
      if (!isReadOnly(register)) this.file[register] = value & (WRITABLE_MASK[register] ?? 0xff);
      register = (register + 1) & 0x7f;
    }
    this.pointerRegister = register;
  }

  /** A read transaction: `length` bytes from the pointer on; the pointer moves past them. */
  readFromPointer(length: number): Uint8Array {
    const count = Number.isInteger(length) && length > 0 ? length : 0;
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.file[this.pointerRegister] ?? 0;
      this.pointerRegister = (this.pointerRegister + 1) & 0x7f;
    }
    return out;
  }

  /** `length` bytes from `register` on, without moving the pointer (for inspection). */
  read(register: number, length: number): Uint8Array {
    const count = Number.isInteger(length) && length > 0 ? length : 0;
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = this.file[(register + i) & 0x7f] ?? 0;
    return out;
  }

  /**
   * A new measurement reaches the output registers, as at each sample-rate tick (RM §4.17). Ignored
   * while asleep (the registers keep their last values); the temperature register keeps its value
   * while TEMP_DIS is set. Returns whether the registers changed.
   */
  latch(raw: Mpu6050RawSample): boolean {
    if (this.sleeping) return false;
    const bytes = encodeBurst(raw);
    const keepTemperature = ((this.file[REG_PWR_MGMT_1] ?? 0) & PWR_MGMT_1_TEMP_DIS) !== 0;
    for (let i = 0; i < bytes.length; i++) {
      const register = REG_ACCEL_XOUT_H + i;
      if (keepTemperature && (register === REG_TEMP_OUT_H || register === REG_TEMP_OUT_H + 1)) continue;
      this.file[register] = bytes[i] ?? 0;
    }
    return true;
  }

  get pointer(): number {
    return this.pointerRegister;
  }

  get sleeping(): boolean {
    return ((this.file[REG_PWR_MGMT_1] ?? 0) & PWR_MGMT_1_SLEEP) !== 0;
  }

  /** CLKSEL, 0..7. */
  get clockSource(): number {
    return (this.file[REG_PWR_MGMT_1] ?? 0) & PWR_MGMT_1_CLKSEL_MASK;
  }

  get accelRangeG(): AccelRangeG {
    return ACCEL_RANGES_G[((this.file[REG_ACCEL_CONFIG] ?? 0) >> 3) & 0x03] ?? 2;
  }

  get gyroRangeDps(): GyroRangeDps {
    return GYRO_RANGES_DPS[((this.file[REG_GYRO_CONFIG] ?? 0) >> 3) & 0x03] ?? 250;
  }

  /** The rate at which {@link latch} should be called, hertz (RM §4.2). */
  get sampleRateHz(): number {
    return chipSampleRateHz(this.file[REG_CONFIG] ?? 0, this.file[REG_SMPLRT_DIV] ?? 0);
  }
}
