/**
 * Texas Instruments INA219 current/power monitor over I2C: registers, the configuration and
 * calibration arithmetic, register decoding, and the chip's own register file and conversion
 * arithmetic (for the simulator and tests). Pure: no I/O, no timers. Section, table and equation
 * numbers refer to datasheet SBOS448G (rev G, December 2015); the worked example is the
 * "Configure/Measure/Calculate Example" (Table 3 in rev F, §9.2 in rev G).
 */

/** 7-bit address with A0 and A1 both tied to GND (§8.5.5.1); A0 and A1 select 0x40..0x4F. */
export const INA219_DEFAULT_ADDRESS = 0x40;
export const INA219_ADDRESS_MIN = 0x40;
export const INA219_ADDRESS_MAX = 0x4f;

/** Register pointers (§8.6.1). */
export const REG_CONFIG = 0x00;
export const REG_SHUNT_VOLTAGE = 0x01;
export const REG_BUS_VOLTAGE = 0x02;
export const REG_POWER = 0x03;
export const REG_CURRENT = 0x04;
export const REG_CALIBRATION = 0x05;

/** Configuration register after power-on or reset: 32 V, PGA /8, 12-bit, shunt and bus continuous (§8.6.2.1). */
export const CONFIG_POWER_ON = 0x399f;
/** Configuration bit 15: resets every register to its power-on value, then clears itself (§8.6.2.1). */
export const CONFIG_RESET = 0x8000;
/** Configuration bit 13: bus range 32 V (set) or 16 V (clear). */
export const CONFIG_BRNG = 0x2000;

/** ADC setting (BADC/SADC, 4 bits): one 12-bit conversion, 532 µs (§8.6.2.1). */
export const ADC_12_BIT = 0x3;
/** Operating modes (MODE, bits 2:0, §8.6.2.1). */
export const MODE_POWER_DOWN = 0x0;
export const MODE_ADC_OFF = 0x4;
export const MODE_SHUNT_AND_BUS_CONTINUOUS = 0x7;
/** MODE bit 0: the shunt voltage is converted; bit 1: the bus voltage; bit 2: continuously. */
const MODE_SHUNT = 0x1;
const MODE_BUS = 0x2;
const MODE_CONTINUOUS = 0x4;

/** Shunt voltage register LSB, volts (§8.6.3.1: 10 µV at every PGA setting). */
export const SHUNT_LSB_V = 10e-6;
/** Bus voltage register LSB, volts (§8.6.3.2: 4 mV, value in bits 15..3). */
export const BUS_LSB_V = 0.004;
/** Bus voltage register bit 1, CNVR: a conversion finished since the power register was last read. */
export const BUS_CNVR = 0x0002;
/** Bus voltage register bit 0, OVF: the current or power arithmetic overflowed. */
export const BUS_OVF = 0x0001;
/** The fixed value in the calibration equation (§8.5.1, Equation 1). */
export const CALIBRATION_SCALE = 0.04096;
/** Current = shunt × calibration / 4096; power = current × bus / 5000 (§8.5.1, Equations 4 and 5). */
export const CURRENT_DIVISOR = 4096;
export const POWER_DIVISOR = 5000;
/** Power_LSB = 20 × Current_LSB (§8.5.1, Equation 3). */
export const POWER_LSB_PER_CURRENT_LSB = 20;
/** Bit 0 of the calibration register is not used and reads as 0 (§8.6.4.1). */
export const CALIBRATION_MASK = 0xfffe;

/** Shunt ranges, ±millivolts, indexed by PG (bits 12:11, §8.6.2.1). */
export const SHUNT_RANGES_MV = [40, 80, 160, 320] as const;
export type ShuntRangeMv = (typeof SHUNT_RANGES_MV)[number];

/** The configuration register, field by field. */
export interface Ina219Config {
  /** Bus full-scale range, volts: 16 or 32. */
  busRangeV: 16 | 32;
  /** Shunt full-scale range, ±millivolts (PGA /1, /2, /4, /8). */
  shuntRangeMv: ShuntRangeMv;
  /** BADC, 4-bit resolution/averaging code (§8.6.2.1). */
  busAdc: number;
  /** SADC, 4-bit resolution/averaging code (§8.6.2.1). */
  shuntAdc: number;
  /** MODE, 3 bits (§8.6.2.1). */
  mode: number;
}

/** The setup spinal uses: 32 V, ±320 mV (PGA /8), 12-bit, shunt and bus continuous; equal to the power-on value. */
export const BATTERY_MONITOR_CONFIG: Readonly<Ina219Config> = Object.freeze({
  busRangeV: 32,
  shuntRangeMv: 320,
  busAdc: ADC_12_BIT,
  shuntAdc: ADC_12_BIT,
  mode: MODE_SHUNT_AND_BUS_CONTINUOUS,
});

/** The 16-bit configuration value. @throws RangeError for a field out of range. */
export function encodeConfig(config: Ina219Config): number {
  const pg = SHUNT_RANGES_MV.indexOf(config.shuntRangeMv);
  if (pg < 0)
    throw new RangeError(`shunt range must be one of ${SHUNT_RANGES_MV.join(', ')} mV, got ${config.shuntRangeMv}`);
  if (config.busRangeV !== 16 && config.busRangeV !== 32)
    throw new RangeError(`bus range must be 16 or 32 V, got ${config.busRangeV}`);
  for (const [name, value, max] of [
    ['busAdc', config.busAdc, 15],
    ['shuntAdc', config.shuntAdc, 15],
    ['mode', config.mode, 7],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > max)
      throw new RangeError(`${name} must be an integer in 0..${max}, got ${value}`);
  }
  return (
    (config.busRangeV === 32 ? CONFIG_BRNG : 0) |
    (pg << 11) |
    (config.busAdc << 7) |
    (config.shuntAdc << 3) |
    config.mode
  );
}

/** The fields of a configuration value (bits 15 and 14 ignored). */
export function decodeConfig(value: number): Ina219Config {
  return {
    busRangeV: value & CONFIG_BRNG ? 32 : 16,
    shuntRangeMv: SHUNT_RANGES_MV[(value >> 11) & 0x3] ?? 320,
    busAdc: (value >> 7) & 0xf,
    shuntAdc: (value >> 3) & 0xf,
    mode: value & 0x7,
  };
}

/** Conversion time of one BADC/SADC setting, microseconds (§7.5 and §8.6.2.1). */
export function adcConversionTimeUs(adc: number): number {
  const code = adc & 0xf;
  if ((code & 0x8) === 0) return [84, 148, 276, 532][code & 0x3] ?? 532;
  return [532, 1_060, 2_130, 4_260, 8_510, 17_020, 34_050, 68_100][code & 0x7] ?? 532;
}

/** A register write: `[pointer, MSB, LSB]` (§8.5.6, Figure 15). */
export function registerWrite(register: number, value: number): Uint8Array {
  return Uint8Array.of(register & 0xff, (value >> 8) & 0xff, value & 0xff);
}

/** Sets the register pointer; the reads that follow return that register (§8.5.6, Figure 16). */
export function pointerWrite(register: number): Uint8Array {
  return Uint8Array.of(register & 0xff);
}

/** A register read: two bytes, MSB first. Anything but two bytes is not a register value: null, never an exception. */
export function decodeRegister(bytes: Uint8Array): number | null {
  if (bytes.length !== 2) return null;
  return ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
}

/** A 16-bit register value read as two's complement. */
export function toSigned16(value: number): number {
  const v = value & 0xffff;
  return v >= 0x8000 ? v - 0x10000 : v;
}

/**
 * Equation 1 (§8.5.1): Cal = trunc(0.04096 / (Current_LSB × R_SHUNT)). The quotient is nudged up
 * by one part in 10¹² before truncating so that exact datasheet values (1 mA, 2 mΩ → 20480) do not
 * fall one short through binary rounding.
 * @throws RangeError unless both are positive and finite.
 */
export function calibrationValue(currentLsbA: number, shuntOhms: number): number {
  if (!(currentLsbA > 0) || !Number.isFinite(currentLsbA))
    throw new RangeError(`current LSB must be > 0 A, got ${currentLsbA}`);
  if (!(shuntOhms > 0) || !Number.isFinite(shuntOhms)) throw new RangeError(`shunt must be > 0 Ω, got ${shuntOhms}`);
  return Math.trunc((CALIBRATION_SCALE / (currentLsbA * shuntOhms)) * (1 + 1e-12));
}

/** The current LSB a calibration value gives with a shunt, amperes: the inverse of Equation 1, exact. */
export function currentLsbForCalibration(calibration: number, shuntOhms: number): number {
  return CALIBRATION_SCALE / ((calibration & CALIBRATION_MASK) * shuntOhms);
}

/** A calibration and the LSBs it gives. */
export interface Ina219Calibration {
  /** What to write to the calibration register (even, 2..0xFFFE). */
  calibration: number;
  /** Current register LSB, amperes. */
  currentLsbA: number;
  /** Power register LSB, watts (20 × currentLsbA). */
  powerLsbW: number;
}

/**
 * The calibration for a shunt and the largest current expected: Current_LSB starts at the
 * minimum, maxCurrentA / 2¹⁵ (Equation 2), so the current register uses its whole range;
 * Equation 1 gives the register value, kept even (bit 0 is void) and within 2..0xFFFE; the LSBs
 * are then worked back from the value the chip will use, so readings carry no truncation error.
 * @throws RangeError unless both are positive and finite.
 */
export function calibrationFor(shuntOhms: number, maxCurrentA: number): Ina219Calibration {
  if (!(maxCurrentA > 0) || !Number.isFinite(maxCurrentA))
    throw new RangeError(`max current must be > 0 A, got ${maxCurrentA}`);
  const wanted = calibrationValue(maxCurrentA / 32768, shuntOhms);
  const calibration = Math.min(CALIBRATION_MASK, Math.max(2, wanted)) & CALIBRATION_MASK;
  const currentLsbA = currentLsbForCalibration(calibration, shuntOhms);
  return { calibration, currentLsbA, powerLsbW: currentLsbA * POWER_LSB_PER_CURRENT_LSB };
}

/** The bus voltage register, decoded (§8.6.3.2). */
export interface BusVoltageReading {
  voltageV: number;
  /** CNVR: a conversion finished since the power register was last read. */
  conversionReady: boolean;
  /** OVF: the current or power arithmetic overflowed; those readings mean nothing. */
  overflow: boolean;
}

export function decodeBusVoltage(value: number): BusVoltageReading {
  return {
    voltageV: ((value & 0xffff) >> 3) * BUS_LSB_V,
    conversionReady: (value & BUS_CNVR) !== 0,
    overflow: (value & BUS_OVF) !== 0,
  };
}

/** Shunt voltage register to volts (signed, 10 µV LSB at every PGA setting, §8.6.3.1). */
export function decodeShuntVoltageV(value: number): number {
  return toSigned16(value) * SHUNT_LSB_V;
}

/** Current register to amperes (signed, §8.6.3.4). */
export function decodeCurrentA(value: number, currentLsbA: number): number {
  return toSigned16(value) * currentLsbA;
}

/** Power register to watts (unsigned, Power_LSB = 20 × Current_LSB, §8.6.3.3). */
export function decodePowerW(value: number, currentLsbA: number): number {
  return (value & 0xffff) * currentLsbA * POWER_LSB_PER_CURRENT_LSB;
}

/** One conversion's register values, as the chip computes them. */
export interface Ina219Conversion {
  /** Shunt voltage register (two's complement, 16 bits). */
  shunt: number;
  /** Bus voltage in 4 mV counts (before the shift into bits 15..3). */
  busCount: number;
  /** Current register (two's complement, 16 bits). */
  current: number;
  /** Power register. */
  power: number;
  /** The current or power arithmetic went out of range. */
  overflow: boolean;
}

/**
 * What the chip stores for a shunt voltage and a bus voltage: the shunt rounded to 10 µV and
 * limited to the PGA range, the bus rounded to 4 mV and limited to its range, then
 * current = trunc(shunt × Cal / 4096) and power = trunc(|current| × bus / 5000) (Equations 4, 5),
 * each saturated with OVF set when out of range. A zero calibration gives zero current and power
 * (§8.6.1, note to the register summary).
 */
export function convert(config: Ina219Config, calibration: number, shuntV: number, busV: number): Ina219Conversion {
  const shuntLimit = config.shuntRangeMv * 100;
  const busLimit = config.busRangeV * 250;
  const shuntCount = clamp(Math.round(finite(shuntV) / SHUNT_LSB_V), -shuntLimit, shuntLimit);
  const busCount = clamp(Math.round(finite(busV) / BUS_LSB_V), 0, busLimit);
  const currentRaw = Math.trunc((shuntCount * (calibration & CALIBRATION_MASK)) / CURRENT_DIVISOR);
  const current = clamp(currentRaw, -0x8000, 0x7fff);
  const powerRaw = Math.trunc((Math.abs(current) * busCount) / POWER_DIVISOR);
  const power = clamp(powerRaw, 0, 0xffff);
  return {
    shunt: shuntCount & 0xffff,
    busCount,
    current: current & 0xffff,
    power,
    overflow: current !== currentRaw || power !== powerRaw,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

// ---------------------------------------------------------------------------------------------
// Register file

/**
 * The INA219's registers as the chip keeps them, for the simulator and for tests. A write's first
 * byte is the register pointer; a write of three bytes or more stores the next two, MSB first, in
 * the configuration or calibration register (the others are read-only; further bytes are
 * ignored); a read returns the pointed register MSB first and leaves the pointer where it is
 * (§8.5.6). Reading the power register clears CNVR, as does writing a configuration whose mode
 * converts (§8.6.3.2). RST restores every power-on value. Conversions happen only when
 * {@link Ina219Registers.convert} is called, which the simulator does at the conversion rate.
 * Not modelled: the resolution of 9-, 10- and 11-bit conversions and averaging (they only change
 * the conversion time), and the 4 µs register update delay. Reads past two bytes repeat the
 * register. Never throws on any input.
 */
export class Ina219Registers {
  private readonly file = new Uint16Array(6);
  private pointerRegister = REG_CONFIG;
  private triggerPending = false;

  constructor() {
    this.powerOn();
  }

  /** Power-on values (§8.6.1). */
  powerOn(): void {
    this.file.fill(0);
    this.file[REG_CONFIG] = CONFIG_POWER_ON;
    this.pointerRegister = REG_CONFIG;
    this.triggerPending = false;
  }

  /** One write transaction. An empty write (an address probe) changes nothing. */
  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pointerRegister = bytes[0] ?? REG_CONFIG;
    if (bytes.length < 3) return;
    const value = ((bytes[1] ?? 0) << 8) | (bytes[2] ?? 0);
    if (this.pointerRegister === REG_CONFIG) this.writeConfig(value);
    else if (this.pointerRegister === REG_CALIBRATION) this.file[REG_CALIBRATION] = value & CALIBRATION_MASK;
  }

  /** A read transaction: the pointed register, MSB first, repeated for longer reads; 0 past register 5. */
  readFromPointer(length: number): Uint8Array {
    const count = Number.isInteger(length) && length > 0 ? length : 0;
    const value = this.value(this.pointerRegister);
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = i % 2 === 0 ? value >> 8 : value & 0xff;
    if (count > 0 && this.pointerRegister === REG_POWER) {
      this.file[REG_BUS_VOLTAGE] = (this.file[REG_BUS_VOLTAGE] ?? 0) & ~BUS_CNVR;
    }
    return out;
  }

  /** A register's value now, without the side effects of a read. */
  value(register: number): number {
    return register >= 0 && register < this.file.length ? (this.file[register] ?? 0) : 0;
  }

  get pointer(): number {
    return this.pointerRegister;
  }

  get config(): Ina219Config {
    return decodeConfig(this.value(REG_CONFIG));
  }

  get calibration(): number {
    return this.value(REG_CALIBRATION);
  }

  /** Whether the chip converts by itself, over and over (MODE 5, 6, 7). */
  get continuous(): boolean {
    const mode = this.config.mode;
    return (mode & MODE_CONTINUOUS) !== 0 && (mode & (MODE_SHUNT | MODE_BUS)) !== 0;
  }

  /** Whether a triggered conversion was asked for (MODE 1, 2, 3 written) and has not happened yet. */
  get triggered(): boolean {
    return this.triggerPending;
  }

  /** How long one conversion takes in the current mode, microseconds (shunt then bus). */
  get conversionTimeUs(): number {
    const config = this.config;
    let us = 0;
    if (config.mode & MODE_SHUNT) us += adcConversionTimeUs(config.shuntAdc);
    if (config.mode & MODE_BUS) us += adcConversionTimeUs(config.busAdc);
    return us;
  }

  /**
   * One conversion finishes with these inputs: the shunt and/or bus registers take the new
   * readings (as the mode says), current and power are computed from them and the calibration,
   * CNVR is set and OVF follows the arithmetic. Does nothing in power-down or ADC-off modes.
   */
  convert(shuntV: number, busV: number): void {
    const config = this.config;
    if ((config.mode & (MODE_SHUNT | MODE_BUS)) === 0) return;
    this.triggerPending = false;
    const shuntInV = config.mode & MODE_SHUNT ? shuntV : decodeShuntVoltageV(this.value(REG_SHUNT_VOLTAGE));
    const busInV = config.mode & MODE_BUS ? busV : decodeBusVoltage(this.value(REG_BUS_VOLTAGE)).voltageV;
    const result = convert(config, this.calibration, shuntInV, busInV);
    this.file[REG_SHUNT_VOLTAGE] = result.shunt;
    this.file[REG_CURRENT] = result.current;
    this.file[REG_POWER] = result.power;
    this.file[REG_BUS_VOLTAGE] = (result.busCount << 3) | BUS_CNVR | (result.overflow ? BUS_OVF : 0);
  }

  private writeConfig(value: number): void {
    if (value & CONFIG_RESET) {
      this.powerOn();
      return;
    }
    this.file[REG_CONFIG] = value & 0x3fff;
    const mode = value & 0x7;
    if (mode !== MODE_POWER_DOWN && mode !== MODE_ADC_OFF) {
      this.file[REG_BUS_VOLTAGE] = (this.file[REG_BUS_VOLTAGE] ?? 0) & ~BUS_CNVR;
    }
    this.triggerPending = (mode & MODE_CONTINUOUS) === 0 && (mode & (MODE_SHUNT | MODE_BUS)) !== 0;
  }
}
