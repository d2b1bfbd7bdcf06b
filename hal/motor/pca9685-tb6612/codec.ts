/**
 * NXP PCA9685 (16-channel, 12-bit PWM over I2C) driving Toshiba TB6612FNG H-bridges, as on the
 * Adafruit DC & Stepper Motor HAT and the Waveshare Motor Driver HAT. Pure: it builds the exact
 * I2C write payloads (`[register, ...data]`) and models the chip's register file, with no I/O and
 * no timers. The driver sends these bytes; the simulator applies them to {@link Pca9685Registers}.
 *
 * References: PCA9685 product data sheet rev. 4 (16 April 2015), "§" below; TB6612FNG data
 * sheet (Toshiba, 2007-06-30), H-SW control function table on page 4.
 */
import { checkDuty } from '../bridge-codec.js';
import type { BridgeCommand, BridgeOutputState } from '../bridge-codec.js';

// ---------------------------------------------------------------------------------------------
// Registers (PCA9685 §7.3, Table 4 "Register summary")

/** Mode register 1 (§7.3.1, Table 5). Power-on value {@link MODE1_POWER_ON}. */
export const REG_MODE1 = 0x00;
/** Mode register 2 (§7.3.2, Table 6). Power-on value {@link MODE2_POWER_ON}. */
export const REG_MODE2 = 0x01;
/** LED0_ON_L; channel n's four registers are ON_L, ON_H, OFF_L, OFF_H at `0x06 + 4n` (§7.3.3, Table 7). */
export const REG_LED0_ON_L = 0x06;
/** Registers per channel (ON_L, ON_H, OFF_L, OFF_H). */
export const LED_REGISTERS_PER_CHANNEL = 4;
/** LED15_OFF_H, the last channel register; auto-increment past it goes to MODE1 (Table 4, remark). */
export const REG_LED15_OFF_H = 0x45;
/** ALL_LED_ON_L: a write loads every LEDn_ON_L; reads as zero (§7.3.4, Table 4). */
export const REG_ALL_LED_ON_L = 0xfa;
/** ALL_LED_ON_H: a write loads every LEDn_ON_H; reads as zero. */
export const REG_ALL_LED_ON_H = 0xfb;
/** ALL_LED_OFF_L: a write loads every LEDn_OFF_L; reads as zero. */
export const REG_ALL_LED_OFF_L = 0xfc;
/** ALL_LED_OFF_H: a write loads every LEDn_OFF_H; reads as zero. */
export const REG_ALL_LED_OFF_H = 0xfd;
/** PRE_SCALE: PWM frequency divider; writes are blocked while MODE1.SLEEP is 0 (§7.3.5, Table 4 note 1). */
export const REG_PRE_SCALE = 0xfe;
/** TestMode: reserved, "writes may cause unpredictable results" (Table 4 note 2); never written. */
export const REG_TEST_MODE = 0xff;

/** PWM outputs on one chip. */
export const PCA9685_CHANNEL_COUNT = 16;

// MODE1 bits (§7.3.1, Table 5)
/** MODE1 bit 7: reads 1 when PWM was running at sleep; writing 1 restarts the channels and clears it (§7.3.1.1). */
export const MODE1_RESTART = 0x80;
/** MODE1 bit 6: use the EXTCLK pin; sticky, only a power cycle or software reset clears it. */
export const MODE1_EXTCLK = 0x40;
/** MODE1 bit 5: register auto-increment after each data byte. */
export const MODE1_AI = 0x20;
/** MODE1 bit 4: low-power mode, oscillator off, outputs off. */
export const MODE1_SLEEP = 0x10;
/** MODE1 bit 0: respond to the LED All Call address. */
export const MODE1_ALLCALL = 0x01;
/** MODE1 at power-on: SLEEP and ALLCALL (Table 5). */
export const MODE1_POWER_ON = MODE1_SLEEP | MODE1_ALLCALL;

// MODE2 bits (§7.3.2, Table 6); bits 7..5 are reserved and read 0.
/** MODE2 bit 4: invert the output logic. */
export const MODE2_INVRT = 0x10;
/** MODE2 bit 3: outputs change on ACK instead of on STOP. */
export const MODE2_OCH = 0x08;
/** MODE2 bit 2: totem-pole outputs (open-drain when 0). The HATs drive TB6612 inputs directly: keep it set. */
export const MODE2_OUTDRV = 0x04;
/** MODE2 at power-on: OUTDRV (Table 6). */
export const MODE2_POWER_ON = MODE2_OUTDRV;
const MODE2_WRITABLE = 0x1f;

/** Bit 4 of LEDn_ON_H: output always on (§7.3.3). */
export const LED_FULL_ON = 0x10;
/** Bit 4 of LEDn_OFF_H: output always off; wins over full on (§7.3.3, Table 7 remark). */
export const LED_FULL_OFF = 0x10;
/** LEDn_ON_H / LEDn_OFF_H bits 7..5 are reserved and non-writable (Table 7). */
const LED_HIGH_WRITABLE = 0x1f;

/** Counter steps per PWM period (12 bits, §7.3.3). */
export const PWM_STEPS = 4096;
/** Internal oscillator, hertz (§7.3.5). */
export const INTERNAL_OSCILLATOR_HZ = 25_000_000;
/** Smallest PRE_SCALE the hardware accepts; lower values are forced to 3 (§7.3.5): about 1526 Hz. */
export const PRESCALE_MIN = 3;
/** Largest PRE_SCALE: about 24 Hz. */
export const PRESCALE_MAX = 0xff;
/** PRE_SCALE at power-on: 0x1E, 200 Hz (§7.3.5). */
export const PRESCALE_POWER_ON = 0x1e;
/** SLEEP must be 0 at least this long before RESTART is written: oscillator start-up, microseconds (§7.3.1.1). */
export const OSCILLATOR_SETTLE_US = 500;

// ---------------------------------------------------------------------------------------------
// Frequency

/**
 * PRE_SCALE for a PWM frequency: `round(oscillatorHz / (4096 * hz)) - 1` (§7.3.5, equation 1).
 * 50 Hz gives 121 (0x79), 200 Hz gives 30 (0x1E), 1600 Hz gives 3.
 * @param hz Wanted PWM frequency, hertz.
 * @param oscillatorHz Clock, hertz. Default the 25 MHz internal oscillator.
 * @throws RangeError when the result falls outside 3..255 (about 24..1526 Hz at 25 MHz).
 */
export function prescaleForFrequency(hz: number, oscillatorHz: number = INTERNAL_OSCILLATOR_HZ): number {
  if (!Number.isFinite(hz) || hz <= 0)
    throw new RangeError(`PWM frequency must be a positive number of hertz, got ${hz}`);
  const prescale = Math.round(oscillatorHz / (PWM_STEPS * hz)) - 1;
  if (prescale < PRESCALE_MIN || prescale > PRESCALE_MAX) {
    throw new RangeError(
      `PCA9685 cannot make ${hz} Hz from a ${oscillatorHz} Hz clock: prescale would be ${prescale}, ` +
        `the chip takes ${PRESCALE_MIN}..${PRESCALE_MAX} ` +
        `(${frequencyForPrescale(PRESCALE_MAX, oscillatorHz).toFixed(1)}..${frequencyForPrescale(PRESCALE_MIN, oscillatorHz).toFixed(1)} Hz)`,
    );
  }
  return prescale;
}

/** The PWM frequency a PRE_SCALE value actually produces, hertz. */
export function frequencyForPrescale(prescale: number, oscillatorHz: number = INTERNAL_OSCILLATOR_HZ): number {
  return oscillatorHz / (PWM_STEPS * (prescale + 1));
}

// ---------------------------------------------------------------------------------------------
// Write payloads. Every payload is one I2C write transaction: [register, ...data]. Payloads with
// more than one data byte rely on MODE1.AI, which the restart sequence sets.

/** A one-byte write that only moves the register pointer; the read that follows starts there. */
export function pointerWrite(register: number): Uint8Array {
  checkByte(register, 'register');
  return Uint8Array.of(register);
}

/** MODE1 with SLEEP set, RESTART written as 0 (writing 1 would clear it, §7.3.1.1), the other bits kept. */
export function sleepWrite(mode1: number): Uint8Array {
  checkByte(mode1, 'MODE1');
  return Uint8Array.of(REG_MODE1, (mode1 & ~MODE1_RESTART) | MODE1_SLEEP);
}

/** PRE_SCALE; the chip takes it only while asleep (§7.3.5). */
export function prescaleWrite(prescale: number): Uint8Array {
  if (!Number.isInteger(prescale) || prescale < PRESCALE_MIN || prescale > PRESCALE_MAX) {
    throw new RangeError(`prescale must be an integer in ${PRESCALE_MIN}..${PRESCALE_MAX}, got ${prescale}`);
  }
  return Uint8Array.of(REG_PRE_SCALE, prescale);
}

/** MODE2 (only bits 4..0 are writable). Default OUTDRV: totem-pole outputs, as the HATs need. */
export function mode2Write(mode2: number = MODE2_OUTDRV): Uint8Array {
  checkByte(mode2, 'MODE2');
  return Uint8Array.of(REG_MODE2, mode2 & MODE2_WRITABLE);
}

/** MODE1 with SLEEP cleared (oscillator on), RESTART written as 0, the other bits kept. */
export function wakeWrite(mode1: number): Uint8Array {
  checkByte(mode1, 'MODE1');
  return Uint8Array.of(REG_MODE1, mode1 & ~(MODE1_SLEEP | MODE1_RESTART));
}

/**
 * MODE1 with RESTART and AI set and SLEEP clear: restarts the PWM channels (§7.3.1.1 step 3) and
 * turns on auto-increment. Send it at least {@link OSCILLATOR_SETTLE_US} after {@link wakeWrite}.
 */
export function restartWrite(mode1: number): Uint8Array {
  checkByte(mode1, 'MODE1');
  return Uint8Array.of(REG_MODE1, ((mode1 & ~MODE1_SLEEP) | MODE1_RESTART | MODE1_AI) & 0xff);
}

/** The datasheet restart sequence, split where the host must wait {@link OSCILLATOR_SETTLE_US}. */
export interface RestartSequence {
  /** Sleep, PRE_SCALE, MODE2, wake: send in order. */
  beforeSettle: Uint8Array[];
  /** Wait at least this long after the last `beforeSettle` write, microseconds. */
  settleUs: number;
  /** Restart with auto-increment. */
  afterSettle: Uint8Array[];
}

/**
 * Sets the PWM frequency and (re)starts the chip (§7.3.1.1, §7.3.5): given MODE1 as just read,
 * set SLEEP, write PRE_SCALE (and MODE2, while the outputs are still off), clear SLEEP, wait for
 * the oscillator, write RESTART with AI.
 * @param mode1 MODE1 as read from the chip.
 * @param prescale From {@link prescaleForFrequency}.
 * @param mode2 MODE2 to write. Default OUTDRV.
 */
export function restartSequence(mode1: number, prescale: number, mode2: number = MODE2_OUTDRV): RestartSequence {
  return {
    beforeSettle: [sleepWrite(mode1), prescaleWrite(prescale), mode2Write(mode2), wakeWrite(mode1)],
    settleUs: OSCILLATOR_SETTLE_US,
    afterSettle: [restartWrite(mode1)],
  };
}

/** One channel's four register values: ON_L, ON_H, OFF_L, OFF_H. */
type LedRegisters = [number, number, number, number];

/** Channel n's PWM: output goes high at count `onCount` and low at `offCount` (0..4095 each, §7.3.3). */
export function ledWrite(channel: number, onCount: number, offCount: number): Uint8Array {
  checkChannel(channel);
  checkCount(onCount, 'onCount');
  checkCount(offCount, 'offCount');
  return ledPayload(channel, [onCount & 0xff, onCount >> 8, offCount & 0xff, offCount >> 8]);
}

/** Channel n always high: LEDn_ON_H bit 4, LEDn_OFF_H bit 4 clear (§7.3.3). */
export function ledFullOn(channel: number): Uint8Array {
  checkChannel(channel);
  return ledPayload(channel, FULL_ON);
}

/** Channel n always low: LEDn_OFF_H bit 4 (§7.3.3). */
export function ledFullOff(channel: number): Uint8Array {
  checkChannel(channel);
  return ledPayload(channel, FULL_OFF);
}

/** Every channel off with one byte: ALL_LED_OFF_H bit 4, the datasheet's "orderly shutdown" (§7.3.1.1, Fig 24). */
export function allLedFullOffWrite(): Uint8Array {
  return Uint8Array.of(REG_ALL_LED_OFF_H, LED_FULL_OFF);
}

const FULL_ON: LedRegisters = [0x00, LED_FULL_ON, 0x00, 0x00];
const FULL_OFF: LedRegisters = [0x00, 0x00, 0x00, LED_FULL_OFF];

/** Duty 0..1 as channel registers: 0 is full off, 1 full on, anything else ON=0, OFF=round(duty*4096). */
function dutyRegisters(duty: number): LedRegisters {
  const offCount = Math.round(duty * PWM_STEPS);
  if (offCount <= 0) return FULL_OFF;
  if (offCount >= PWM_STEPS) return FULL_ON;
  return [0x00, 0x00, offCount & 0xff, offCount >> 8];
}

function ledPayload(channel: number, registers: LedRegisters): Uint8Array {
  return Uint8Array.of(REG_LED0_ON_L + LED_REGISTERS_PER_CHANNEL * channel, ...registers);
}

// ---------------------------------------------------------------------------------------------
// TB6612FNG on PCA9685 channels

/** The three PCA9685 channels wired to one TB6612 bridge: PWM (speed), IN1 and IN2 (direction). */
export interface Tb6612Pins {
  readonly pwm: number;
  readonly in1: number;
  readonly in2: number;
}

/** Motor name (`M1`, `MA`, ...) to its channels. Plain data, one per HAT. */
export type Tb6612PinMap = Readonly<Record<string, Tb6612Pins>>;

/**
 * Adafruit DC & Stepper Motor HAT (product 2348), default I2C address 0x60. Channels from the
 * HAT's schematic and Adafruit's Motor HAT library: M1 PWM=8 IN2=9 IN1=10, and so on.
 */
export const ADAFRUIT_DC_MOTOR_HAT_PINS: Tb6612PinMap = Object.freeze({
  M1: Object.freeze({ pwm: 8, in1: 10, in2: 9 }),
  M2: Object.freeze({ pwm: 13, in1: 11, in2: 12 }),
  M3: Object.freeze({ pwm: 2, in1: 4, in2: 3 }),
  M4: Object.freeze({ pwm: 7, in1: 5, in2: 6 }),
});

/** Adafruit DC & Stepper Motor HAT: address with no address jumpers bridged. */
export const ADAFRUIT_DC_MOTOR_HAT_DEFAULT_ADDRESS = 0x60;

/**
 * Waveshare Motor Driver HAT, default I2C address 0x40. Channels from Waveshare's schematic and
 * demo code: PWMA=0 AIN1=1 AIN2=2, PWMB=5 BIN1=3 BIN2=4.
 */
export const WAVESHARE_MOTOR_DRIVER_HAT_PINS: Tb6612PinMap = Object.freeze({
  MA: Object.freeze({ pwm: 0, in1: 1, in2: 2 }),
  MB: Object.freeze({ pwm: 5, in1: 3, in2: 4 }),
});

/** Waveshare Motor Driver HAT: address with A0..A4 open. */
export const WAVESHARE_MOTOR_DRIVER_HAT_DEFAULT_ADDRESS = 0x40;

/**
 * The writes that put one bridge in `command`, following the TB6612 truth table: forward =
 * IN1 high IN2 low, reverse = IN1 low IN2 high, PWM = |duty|; brake (short) = IN1 and IN2 high
 * (PWM full on); coast (stop, outputs off) = IN1 and IN2 low (PWM full off). The three channels
 * are written in as few transactions as possible: one block write per run of adjacent channels,
 * which on both HATs is always a single write.
 * @throws RangeError for an unknown motor or a duty outside -1..1.
 */
export function tb6612Writes(pinMap: Tb6612PinMap, motor: string, command: BridgeCommand): Uint8Array[] {
  const pins = pinsOf(pinMap, motor);
  const values = new Map<number, LedRegisters>();
  switch (command.mode) {
    case 'drive': {
      const { duty } = command;
      checkDuty(duty);
      const reverse = duty < 0;
      values.set(pins.pwm, dutyRegisters(Math.abs(duty)));
      values.set(pins.in1, reverse ? FULL_OFF : FULL_ON);
      values.set(pins.in2, reverse ? FULL_ON : FULL_OFF);
      break;
    }
    case 'brake':
      values.set(pins.pwm, FULL_ON);
      values.set(pins.in1, FULL_ON);
      values.set(pins.in2, FULL_ON);
      break;
    case 'coast':
      values.set(pins.pwm, FULL_OFF);
      values.set(pins.in1, FULL_OFF);
      values.set(pins.in2, FULL_OFF);
      break;
  }
  return blockWrites(values);
}

/** Groups channel settings into one auto-increment write per run of adjacent channels. */
function blockWrites(values: Map<number, LedRegisters>): Uint8Array[] {
  const channels = [...values.keys()].sort((a, b) => a - b);
  const writes: Uint8Array[] = [];
  let run: number[] = [];
  const flush = (): void => {
    const first = run[0];
    if (first === undefined) return;
    const bytes = [REG_LED0_ON_L + LED_REGISTERS_PER_CHANNEL * first];
    for (const channel of run) bytes.push(...(values.get(channel) ?? FULL_OFF));
    writes.push(Uint8Array.from(bytes));
    run = [];
  };
  for (const channel of channels) {
    const last = run[run.length - 1];
    if (last !== undefined && channel !== last + 1) flush();
    run.push(channel);
  }
  flush();
  return writes;
}

/** Anything that can say what fraction of the time a PWM output is high. */
export interface PwmOutputs {
  channelDuty(channel: number): number;
}

/**
 * A bridge's state from its three channel outputs. An input counts as high when its channel is
 * high at least half the period. Both high: brake; both low: coast (also what a sleeping chip
 * gives); one high: drive, signed by direction, with the PWM channel's duty.
 * @throws RangeError for a motor name the pin map does not have.
 */
export function decodeTb6612(outputs: PwmOutputs, pinMap: Tb6612PinMap, motor: string): BridgeOutputState {
  const pins = pinsOf(pinMap, motor);
  const in1 = outputs.channelDuty(pins.in1) >= 0.5;
  const in2 = outputs.channelDuty(pins.in2) >= 0.5;
  if (in1 && in2) return { duty: 0, mode: 'brake' };
  if (!in1 && !in2) return { duty: 0, mode: 'coast' };
  const speed = outputs.channelDuty(pins.pwm);
  return { duty: in1 || speed === 0 ? speed : -speed, mode: 'drive' };
}

function pinsOf(pinMap: Tb6612PinMap, motor: string): Tb6612Pins {
  const pins = Object.hasOwn(pinMap, motor) ? pinMap[motor] : undefined;
  if (!pins) throw new RangeError(`unknown motor "${motor}"; this HAT has ${Object.keys(pinMap).join(', ')}`);
  return pins;
}

// ---------------------------------------------------------------------------------------------
// Register file

/**
 * The register after `register` when auto-increment is on: 0x00..0x45 then back to MODE1, and
 * 0xFA..0xFE then back to MODE1 (Table 4 remark). Reserved registers step by one.
 */
export function nextRegister(register: number): number {
  if (register === REG_LED15_OFF_H || register >= REG_PRE_SCALE) return REG_MODE1;
  return register + 1;
}

/**
 * The PCA9685's registers as the chip keeps them, for the simulator and for tests. It applies
 * write transactions the way the chip does: the first byte sets the register pointer, each data
 * byte goes to the pointer, which moves on only while MODE1.AI is set (checked after every byte,
 * so a MODE1 write that sets AI takes effect for the rest of the transaction); ALL_LED writes
 * load all sixteen channels and read back as zero; PRE_SCALE is ignored unless asleep; reserved
 * bits and registers ignore writes and read as zero; EXTCLK is sticky; RESTART is set when the
 * chip is put to sleep with a channel running, and is cleared by writing 1 to it while awake or
 * by writing a PWM register (§7.3.1.1). Outputs are off while asleep and, awake, until that
 * restart. Not modelled: time (the 500 µs oscillator start-up), MODE2's output options, the
 * sub-addresses and the software reset. Never throws on any input.
 */
export class Pca9685Registers {
  private readonly file = new Uint8Array(256);
  private pointerRegister = REG_MODE1;

  constructor() {
    this.powerOn();
  }

  /** Back to the power-on values (Tables 5..7): asleep, 200 Hz, every channel full off. */
  powerOn(): void {
    this.file.fill(0);
    this.file[REG_MODE1] = MODE1_POWER_ON;
    this.file[REG_MODE2] = MODE2_POWER_ON;
    this.file[0x02] = 0xe2; // SUBADR1
    this.file[0x03] = 0xe4; // SUBADR2
    this.file[0x04] = 0xe8; // SUBADR3
    this.file[0x05] = 0xe0; // ALLCALLADR
    for (let channel = 0; channel < PCA9685_CHANNEL_COUNT; channel++) {
      this.file[REG_LED0_ON_L + LED_REGISTERS_PER_CHANNEL * channel + 3] = LED_FULL_OFF;
    }
    this.file[REG_PRE_SCALE] = PRESCALE_POWER_ON;
    this.pointerRegister = REG_MODE1;
  }

  /** One write transaction: `[register, ...data]`. An empty write (an address probe) changes nothing. */
  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    let register = bytes[0] ?? REG_MODE1;
    let wrotePwm = false;
    for (let i = 1; i < bytes.length; i++) {
      wrotePwm = this.store(register, bytes[i] ?? 0) || wrotePwm;
      if (this.autoIncrement) register = nextRegister(register);
    }
    this.pointerRegister = register;
    // MODE2.OCH = 0: outputs update at STOP, and a PWM register write clears RESTART (§7.3.1.1).
    if (wrotePwm) this.file[REG_MODE1] = this.mode1 & ~MODE1_RESTART;
  }

  /** `length` bytes from `register` on, as a read would return them; does not move the pointer. */
  read(register: number, length: number): Uint8Array {
    const count = Number.isInteger(length) && length > 0 ? length : 0;
    const out = new Uint8Array(count);
    let at = register & 0xff;
    for (let i = 0; i < count; i++) {
      out[i] = this.load(at);
      if (this.autoIncrement) at = nextRegister(at);
    }
    return out;
  }

  /** A read transaction: `length` bytes from the register pointer, which moves on while AI is set. */
  readFromPointer(length: number): Uint8Array {
    const out = this.read(this.pointerRegister, length);
    if (this.autoIncrement)
      for (let i = 0; i < out.length; i++) this.pointerRegister = nextRegister(this.pointerRegister);
    return out;
  }

  /** Where the next read starts: the last register written, plus auto-increment. */
  get pointer(): number {
    return this.pointerRegister;
  }

  get sleeping(): boolean {
    return (this.mode1 & MODE1_SLEEP) !== 0;
  }

  get autoIncrement(): boolean {
    return (this.mode1 & MODE1_AI) !== 0;
  }

  /** The PWM frequency the chip runs at with its internal oscillator, hertz. */
  get frequencyHz(): number {
    return frequencyForPrescale(this.file[REG_PRE_SCALE] ?? PRESCALE_POWER_ON);
  }

  /**
   * Fraction of each PWM period channel n's output is high, 0..1, from its ON/OFF counts and
   * full-on/full-off bits (full off wins). 0 while asleep or waiting for a restart, and 0 for a
   * channel number outside 0..15.
   */
  channelDuty(channel: number): number {
    if (!Number.isInteger(channel) || channel < 0 || channel >= PCA9685_CHANNEL_COUNT) return 0;
    if (this.sleeping || (this.mode1 & MODE1_RESTART) !== 0) return 0;
    const base = REG_LED0_ON_L + LED_REGISTERS_PER_CHANNEL * channel;
    const onH = this.load(base + 1);
    const offH = this.load(base + 3);
    if (offH & LED_FULL_OFF) return 0;
    if (onH & LED_FULL_ON) return 1;
    const onCount = this.load(base) | ((onH & 0x0f) << 8);
    const offCount = this.load(base + 2) | ((offH & 0x0f) << 8);
    return ((offCount - onCount + PWM_STEPS) % PWM_STEPS) / PWM_STEPS;
  }

  private get mode1(): number {
    return this.file[REG_MODE1] ?? 0;
  }

  private load(register: number): number {
    if (register >= REG_ALL_LED_ON_L && register <= REG_ALL_LED_OFF_H) return 0;
    return this.file[register] ?? 0;
  }

  /** Stores one data byte the way the chip would; true when it was a PWM register. */
  private store(register: number, value: number): boolean {
    if (register === REG_MODE1) {
      this.storeMode1(value);
      return false;
    }
    if (register === REG_MODE2) {
      this.file[REG_MODE2] = value & MODE2_WRITABLE;
      return false;
    }
    if (register < REG_LED0_ON_L) {
      this.file[register] = value;
      return false;
    }
    if (register <= REG_LED15_OFF_H) {
      const high = (register - REG_LED0_ON_L) % 2 === 1;
      this.file[register] = high ? value & LED_HIGH_WRITABLE : value;
      return true;
    }
    if (register >= REG_ALL_LED_ON_L && register <= REG_ALL_LED_OFF_H) {
      const offset = register - REG_ALL_LED_ON_L;
      const masked = offset % 2 === 1 ? value & LED_HIGH_WRITABLE : value;
      for (let channel = 0; channel < PCA9685_CHANNEL_COUNT; channel++) {
        this.file[REG_LED0_ON_L + LED_REGISTERS_PER_CHANNEL * channel + offset] = masked;
      }
      return true;
    }
    if (register === REG_PRE_SCALE) {
      if (this.sleeping) this.file[REG_PRE_SCALE] = Math.max(PRESCALE_MIN, value);
      return false;
    }
    return false;
  }

  private storeMode1(value: number): void {
    const old = this.mode1;
    const wasSleeping = (old & MODE1_SLEEP) !== 0;
    const sleeping = (value & MODE1_SLEEP) !== 0;
    let next = value & ~(MODE1_RESTART | MODE1_EXTCLK);
    next |= old & MODE1_EXTCLK;
    if (wasSleeping) next |= value & MODE1_EXTCLK;
    const restartPending = (old & MODE1_RESTART) !== 0;
    const restartNow = (value & MODE1_RESTART) !== 0 && !sleeping;
    if (restartPending && !restartNow) next |= MODE1_RESTART;
    if (!wasSleeping && sleeping && this.anyChannelRunning()) next |= MODE1_RESTART;
    this.file[REG_MODE1] = next;
  }

  private anyChannelRunning(): boolean {
    for (let channel = 0; channel < PCA9685_CHANNEL_COUNT; channel++) {
      if (((this.file[REG_LED0_ON_L + LED_REGISTERS_PER_CHANNEL * channel + 3] ?? 0) & LED_FULL_OFF) === 0) return true;
    }
    return false;
  }
}

function checkByte(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff)
    throw new RangeError(`${what} must be a byte, got ${value}`);
}

function checkChannel(channel: number): void {
  if (!Number.isInteger(channel) || channel < 0 || channel >= PCA9685_CHANNEL_COUNT) {
    throw new RangeError(`PCA9685 channel must be an integer in 0..${PCA9685_CHANNEL_COUNT - 1}, got ${channel}`);
  }
}

function checkCount(count: number, what: string): void {
  if (!Number.isInteger(count) || count < 0 || count >= PWM_STEPS) {
    throw new RangeError(`${what} must be an integer in 0..${PWM_STEPS - 1}, got ${count}`);
  }
}
