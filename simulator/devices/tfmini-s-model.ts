import createDebug from 'debug';
import {
  TFMINI_S_BAUD_RATE,
  TFMINI_S_COMMAND,
  TFMINI_S_COMMAND_HEADER,
  TFMINI_S_DEFAULT_FRAME_RATE_HZ,
  TFMINI_S_DIST_AMBIENT_SATURATED,
  TFMINI_S_DIST_SIGNAL_SATURATED,
  TFMINI_S_DIST_WEAK_SIGNAL,
  TFMINI_S_FRAME_HEADER,
  TFMINI_S_FRAME_RATE_BASE_HZ,
  TFMINI_S_MAX_RANGE_CM,
  TFMINI_S_MIN_RANGE_CM,
  TFMINI_S_MIN_RELIABLE_STRENGTH,
  TFMINI_S_OUTPUT_FORMAT,
  TFMINI_S_STRENGTH_SATURATED,
  TfminiSDecoder,
  encodeTfminiSCommand,
  encodeTfminiSFrame,
  encodeTfminiSStatusReply,
  payloadValue,
  type TfminiSCommandFrame,
} from '../../hal/range/tfmini-s/codec.js';
import type { TfminiSI2cParams, TfminiSSerialParams } from '../../hal/range/tfmini-s/params.js';
import {
  SimBusError,
  type SimI2cDevice,
  type SimSerialDevice,
  type SimStuckable,
  type SimWorldView,
  type TimedBytes,
} from './sim-device.js';

const log = createDebug('spinal:sim:tfmini-s');

/** Farthest the sensor sees, metres (data sheet: operating range 0.1–12 m). */
const MAX_RANGE_M = TFMINI_S_MAX_RANGE_CM / 100;
/**
 * Strength model: strength × distance² is constant, this many units at 1 m, capped below the
 * saturation value. It keeps every target within 12 m above the sensor's limit of 100 (§5.4).
 * A model figure, not a datasheet one.
 */
const STRENGTH_AT_1M = 20_000;
const STRENGTH_CAP = 60_000;
/** Time from a command's arrival to the first byte of its answer, microseconds. */
const REPLY_LATENCY_US = 1_000;
/** Firmware version the model reports: V3.2.1, as in Table 12's version row. */
const FIRMWARE_VERSION = { major: 3, minor: 2, patch: 1 };
const DEG_TO_RAD = Math.PI / 180;

/** How a simulated TFmini-S behaves beyond its mount. */
export interface TfminiSSimOptions {
  /** Standard deviation of the gaussian range noise, metres. Default 0.01 (the manual gives ±6 cm below 6 m). */
  rangeNoiseM?: number;
  /** Chip temperature the frames report, °C. Default 35. */
  temperatureC?: number;
}

/** Saturation a test or scenario can force: Table 8's −2 (signal) or −4 (ambient light), or none. */
export type TfminiSForcedSaturation = 'signal' | 'ambient' | null;

/** The sensor's settings: what the commands of Table 12 change and "save settings" keeps. */
interface Settings {
  frameRateHz: number;
  outputFormat: number;
  outputEnabled: boolean;
  baudRate: number;
}

const FACTORY_SETTINGS: Readonly<Settings> = {
  frameRateHz: TFMINI_S_DEFAULT_FRAME_RATE_HZ,
  outputFormat: TFMINI_S_OUTPUT_FORMAT.standardCm,
  outputEnabled: true,
  baudRate: TFMINI_S_BAUD_RATE,
};

/** One measurement: the distance to the target, metres (null: nothing within 12 m), and its strength. */
interface Measurement {
  distanceM: number | null;
  strength: number;
}

/** What a command does to the sensor: the answer to send (bytes, or a data frame), and whether streaming restarts. */
interface CommandEffect {
  reply?: Uint8Array | 'frame';
  restartStream?: boolean;
}

/** A standard normal sample from two uniform ones (Box–Muller). */
function gaussian(random: () => number): number {
  const u1 = 1 - random();
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** The measuring part shared by the serial and the I2C model: settings, the raycast, frame bytes. */
class TfminiSSimCore {
  saved: Settings = { ...FACTORY_SETTINGS };
  active: Settings = { ...FACTORY_SETTINGS };
  /** The line rate the UART runs at now; a baud rate command changes it only after save and restart. */
  lineBaud = FACTORY_SETTINGS.baudRate;
  stuck = false;
  forced: TfminiSForcedSaturation = null;
  last: Measurement = { distanceM: null, strength: 0 };

  private readonly rangeNoiseM: number;
  private readonly temperatureC: number;

  constructor(
    private readonly mount: TfminiSSerialParams['mount'],
    options: TfminiSSimOptions,
  ) {
    this.rangeNoiseM = options.rangeNoiseM ?? 0.01;
    this.temperatureC = options.temperatureC ?? 35;
    if (!(this.rangeNoiseM >= 0)) throw new RangeError(`rangeNoiseM must be >= 0, got ${this.rangeNoiseM}`);
    if (!Number.isFinite(this.temperatureC))
      throw new RangeError(`temperatureC must be finite, got ${this.temperatureC}`);
  }

  /** A raycast along the beam from the sensor's world pose (robot pose ⊕ mount); while stuck, the last one. */
  measure(world: SimWorldView): Measurement {
    if (this.stuck) return this.last;
    const pose = world.robotPose();
    const cosYaw = Math.cos(pose.yawRad);
    const sinYaw = Math.sin(pose.yawRad);
    const xM = pose.xM + cosYaw * this.mount.xM - sinYaw * this.mount.yM;
    const yM = pose.yM + sinYaw * this.mount.xM + cosYaw * this.mount.yM;
    const hitM = world.raycast(xM, yM, pose.yawRad + this.mount.yawDeg * DEG_TO_RAD, MAX_RANGE_M);
    if (!Number.isFinite(hitM) || hitM > MAX_RANGE_M) {
      this.last = { distanceM: null, strength: 0 };
    } else {
      const noisyM = this.rangeNoiseM > 0 ? hitM + this.rangeNoiseM * gaussian(() => world.random()) : hitM;
      const strength = Math.round(Math.min(STRENGTH_CAP, STRENGTH_AT_1M / Math.max(hitM, 0.1) ** 2));
      this.last = { distanceM: noisyM, strength };
    }
    return this.last;
  }

  /** The bytes the sensor sends for `m` in output format `format` (active format by default). */
  frameBytes(m: Measurement, format = this.active.outputFormat): Uint8Array {
    let distanceCm: number;
    let strength = m.strength;
    if (this.forced === 'signal') {
      distanceCm = TFMINI_S_DIST_SIGNAL_SATURATED;
      strength = TFMINI_S_STRENGTH_SATURATED;
    } else if (this.forced === 'ambient') {
      distanceCm = TFMINI_S_DIST_AMBIENT_SATURATED;
    } else if (m.distanceM === null || m.strength < TFMINI_S_MIN_RELIABLE_STRENGTH) {
      distanceCm = TFMINI_S_DIST_WEAK_SIGNAL;
    } else {
      distanceCm = clamp(m.distanceM * 100, TFMINI_S_MIN_RANGE_CM, TFMINI_S_MAX_RANGE_CM);
    }
    if (format === TFMINI_S_OUTPUT_FORMAT.pixhawk) {
      return new TextEncoder().encode(`${(Math.round(distanceCm) / 100).toFixed(2)}\r\n`);
    }
    const distance =
      format === TFMINI_S_OUTPUT_FORMAT.standardMm && distanceCm >= 0
        ? Math.round(distanceCm * 10)
        : Math.round(distanceCm);
    return encodeTfminiSFrame({ distance, strength, temperatureC: this.temperatureC });
  }

  /** Applies one command of Table 12. Commands it does not know, or with a payload that does not fit, are ignored. */
  command(command: TfminiSCommandFrame): CommandEffect {
    const { id, payload } = command;
    const echo = (): Uint8Array => encodeTfminiSCommand(id, payload);
    switch (id) {
      case TFMINI_S_COMMAND.version:
        return {
          reply: encodeTfminiSCommand(id, [FIRMWARE_VERSION.patch, FIRMWARE_VERSION.minor, FIRMWARE_VERSION.major]),
        };
      case TFMINI_S_COMMAND.systemReset:
        this.restart();
        return { reply: encodeTfminiSStatusReply(id, true), restartStream: true };
      case TFMINI_S_COMMAND.frameRate: {
        const hz = payloadValue(payload);
        if (payload.length !== 2 || hz > TFMINI_S_FRAME_RATE_BASE_HZ) return {};
        this.active.frameRateHz = hz;
        return { reply: echo(), restartStream: true };
      }
      case TFMINI_S_COMMAND.trigger:
        return { reply: 'frame' };
      case TFMINI_S_COMMAND.outputFormat: {
        const format = payload[0];
        const known: readonly number[] = Object.values(TFMINI_S_OUTPUT_FORMAT);
        if (payload.length !== 1 || format === undefined || !known.includes(format)) return {};
        this.active.outputFormat = format;
        return { reply: echo() };
      }
      case TFMINI_S_COMMAND.baudRate:
        if (payload.length !== 4) return {};
        this.active.baudRate = payloadValue(payload);
        return { reply: echo() };
      case TFMINI_S_COMMAND.outputEnable:
        if (payload.length !== 1 || (payload[0] !== 0 && payload[0] !== 1)) return {};
        this.active.outputEnabled = payload[0] === 1;
        return { reply: echo(), restartStream: true };
      case TFMINI_S_COMMAND.restoreFactory:
        this.saved = { ...FACTORY_SETTINGS };
        this.active = { ...FACTORY_SETTINGS };
        return { reply: encodeTfminiSStatusReply(id, true), restartStream: true };
      case TFMINI_S_COMMAND.saveSettings:
        this.saved = { ...this.active };
        return { reply: encodeTfminiSStatusReply(id, true) };
      default:
        return {};
    }
  }

  /** Power-on or reset: the saved settings come back, the UART takes the saved baud rate. */
  restart(): void {
    this.active = { ...this.saved };
    this.lineBaud = this.saved.baudRate;
  }
}

/** Bytes that look like nothing: what a UART at the wrong baud rate reads (never 0x59 or 0x5A). */
function garbage(length: number, world: SimWorldView): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    let byte = Math.floor(world.random() * 256) & 0xff;
    if (byte === TFMINI_S_FRAME_HEADER || byte === TFMINI_S_COMMAND_HEADER) byte = 0x00;
    bytes[i] = byte;
  }
  return bytes;
}

/** A simulated TFmini-S on a UART, plus the hooks tests and scenarios use. */
export interface TfminiSSerialSimDevice extends SimSerialDevice, SimStuckable {
  /** Every frame carries Table 8's saturation code (−2 with strength 65535, or −4) until cleared with null. */
  forceSaturation(kind: TfminiSForcedSaturation): void;
  /** The sensor loses power and comes back: unsaved settings are lost, streaming starts over. */
  powerCycle(): void;
  /** The frame rate it runs at now, hertz (0: a frame only on trigger). */
  frameRateHz(): number;
  /** Valid commands it has taken from the host so far. */
  commandsReceived(): number;
}

type Pending = { dueUs: number; bytes: Uint8Array } | { dueUs: number; bytes: 'frame' };

/**
 * A simulated Benewake TFmini-S at `path`, speaking the real UART protocol with the driver's own
 * codec. From the moment the host opens the port it streams 9-byte frames at the frame rate
 * (factory 100 Hz), the first one period after the open: each is a raycast from the sensor's
 * world pose (robot pose ⊕ `params.mount`) along its beam, out to 12 m, with gaussian noise.
 * Nothing within 12 m reads as distance −1 (weak signal, strength 0); a target inside the
 * 0.1 m blind zone reads 10 cm. Saturation happens only when forced.
 *
 * It answers the commands of Table 12 1 ms after they arrive: version, system reset, frame rate
 * (0 stops streaming; the stream restarts one new period after the command), trigger (a frame),
 * output format (cm, mm, or Pixhawk text), baud rate (applied after save and a reset or power
 * cycle), output on/off, restore factory settings, save. Settings survive closing the port; only
 * saved ones survive {@link TfminiSSerialSimDevice.powerCycle}. Opened at a rate other than the
 * line rate, it sends random bytes (never 0x59 or 0x5A) in place of every frame and answer, and
 * ignores what the host writes, as a mismatched UART would.
 */
export function createTfminiSSimDevice(
  path: string,
  params: Pick<TfminiSSerialParams, 'mount'>,
  options: TfminiSSimOptions = {},
): TfminiSSerialSimDevice {
  const core = new TfminiSSimCore(params.mount, options);
  const decoder = new TfminiSDecoder();
  let openedAtUs: number | undefined;
  let hostBaud = 0;
  let streamAnchorUs = 0;
  let streamIndex = 0;
  let pending: Pending[] = [];
  let latestUs = 0;
  let commands = 0;

  function restartStream(atUs: number): void {
    streamAnchorUs = atUs;
    streamIndex = 0;
  }

  function nextStreamUs(): number {
    const { frameRateHz, outputEnabled } = core.active;
    if (!outputEnabled || frameRateHz <= 0) return Infinity;
    return streamAnchorUs + Math.round(((streamIndex + 1) * 1e6) / frameRateHz);
  }

  return {
    kind: 'serial',
    path,
    open(baudRate: number, simTimeUs: number): void {
      openedAtUs = simTimeUs;
      latestUs = Math.max(latestUs, simTimeUs);
      hostBaud = baudRate;
      pending = [];
      decoder.reset();
      restartStream(simTimeUs);
      if (baudRate !== core.lineBaud)
        log('%s opened at %d baud; the sensor sends at %d: garbage', path, baudRate, core.lineBaud);
    },
    close(): void {
      openedAtUs = undefined;
      pending = [];
    },
    write(bytes: Uint8Array, simTimeUs: number): void {
      if (openedAtUs === undefined || hostBaud !== core.lineBaud) return;
      latestUs = Math.max(latestUs, simTimeUs);
      for (const message of decoder.push(bytes)) {
        if (message.kind !== 'command') continue;
        commands++;
        const dueUs = simTimeUs + REPLY_LATENCY_US;
        const effect = core.command(message.command);
        if (effect.restartStream) restartStream(dueUs);
        if (effect.reply) pending.push({ dueUs, bytes: effect.reply });
      }
    },
    setSignals(): void {},
    advance(toUs: number, world: SimWorldView): TimedBytes[] {
      latestUs = Math.max(latestUs, toUs);
      if (openedAtUs === undefined) return [];
      const out: TimedBytes[] = [];
      for (;;) {
        const streamUs = nextStreamUs();
        const queued = pending[0];
        const queuedUs = queued?.dueUs ?? Infinity;
        const dueUs = Math.min(streamUs, queuedUs);
        if (dueUs > toUs) break;
        let bytes: Uint8Array;
        if (queued && queuedUs <= streamUs) {
          pending.shift();
          bytes = queued.bytes === 'frame' ? core.frameBytes(core.measure(world)) : queued.bytes;
        } else {
          streamIndex++;
          bytes = core.frameBytes(core.measure(world));
        }
        out.push({ simTimeUs: dueUs, bytes: hostBaud === core.lineBaud ? bytes : garbage(bytes.length, world) });
      }
      return out;
    },
    setStuck(stuck: boolean): void {
      log('%s: %s', path, stuck ? 'stuck' : 'measuring');
      core.stuck = stuck;
    },
    forceSaturation(kind: TfminiSForcedSaturation): void {
      log('%s: saturation forced: %s', path, kind ?? 'none');
      core.forced = kind;
    },
    powerCycle(): void {
      log('%s: power cycle', path);
      core.restart();
      pending = [];
      decoder.reset();
      restartStream(latestUs);
    },
    frameRateHz: () => core.active.frameRateHz,
    commandsReceived: () => commands,
  };
}

/** A simulated TFmini-S in I2C mode, plus the hooks tests and scenarios use. */
export interface TfminiSI2cSimDevice extends SimI2cDevice, SimStuckable {
  /**
   * Measures at the frame rate up to `toUs`. A bus transaction carries no view of the world, so
   * whoever steps the world calls this each step, as it streams serial devices' output.
   */
  advance(toUs: number, world: SimWorldView): void;
  /** While false the sensor acknowledges nothing: every transfer fails with EREMOTEIO. Default true. */
  setResponding(responding: boolean): void;
  /** Every frame carries Table 8's saturation code (−2 with strength 65535, or −4) until cleared with null. */
  forceSaturation(kind: TfminiSForcedSaturation): void;
  /** The sensor loses power and comes back: unsaved settings are lost, nothing is waiting to be read. */
  powerCycle(): void;
  /** The frame rate it measures at now, hertz. */
  frameRateHz(): number;
}

/**
 * A simulated Benewake TFmini-S in I2C mode at `address` on `busPath` (manual §5.5–5.6). It
 * measures on its own at the frame rate ({@link TfminiSI2cSimDevice.advance}), as the real one
 * does, and answers only what it is asked: a write carries one command frame of Table 12, and the
 * next read returns that command's answer: for obtain-data-frame (`5A 05 00 01 60`, or `… 06 65`
 * in mm) and trigger, a 9-byte frame of the latest measurement; for the others, the same answers
 * as on the UART. An answer is read once. A read with no answer waiting (no command before it,
 * or the answer already read) is not acknowledged (EREMOTEIO): this model's choice where the
 * manual says nothing, so that a master that skips the command sees an error, never a stale
 * frame. Before its first measurement the frame reads distance −1, strength 0.
 */
export function createTfminiSI2cSimDevice(
  busPath: string,
  address: number,
  params: Pick<TfminiSI2cParams, 'mount'>,
  options: TfminiSSimOptions = {},
): TfminiSI2cSimDevice {
  const core = new TfminiSSimCore(params.mount, options);
  let responding = true;
  let answer: Uint8Array | undefined;
  let lastMeasuredUs = -Infinity;
  const where = `0x${address.toString(16)} on ${busPath}`;

  function handle(command: TfminiSCommandFrame): void {
    if (command.id === TFMINI_S_COMMAND.obtainDataFrame) {
      const format = command.payload[0];
      if (format === TFMINI_S_OUTPUT_FORMAT.standardCm || format === TFMINI_S_OUTPUT_FORMAT.standardMm) {
        answer = core.frameBytes(core.last, format);
      }
      return;
    }
    const effect = core.command(command);
    if (effect.reply === 'frame') answer = core.frameBytes(core.last);
    else if (effect.reply) answer = effect.reply;
  }

  return {
    kind: 'i2c',
    busPath,
    address,
    transfer(write: Uint8Array | null, readLength: number): Uint8Array {
      if (!responding) throw new SimBusError('EREMOTEIO', `no acknowledge from ${where}`);
      if (write && write.length > 0) {
        for (const message of new TfminiSDecoder().push(write)) {
          if (message.kind === 'command') handle(message.command);
        }
      }
      if (readLength <= 0) return new Uint8Array(0);
      if (!answer) throw new SimBusError('EREMOTEIO', `${where} has nothing to send: no command before this read`);
      const out = new Uint8Array(readLength);
      out.set(answer.subarray(0, readLength));
      answer = undefined;
      return out;
    },
    advance(toUs: number, world: SimWorldView): void {
      const hz = core.active.frameRateHz;
      if (hz <= 0) return;
      if (toUs - lastMeasuredUs < 1e6 / hz) return;
      core.measure(world);
      lastMeasuredUs = toUs;
    },
    setResponding(value: boolean): void {
      log('%s: %s', where, value ? 'responding' : 'not responding');
      responding = value;
    },
    setStuck(stuck: boolean): void {
      log('%s: %s', where, stuck ? 'stuck' : 'measuring');
      core.stuck = stuck;
    },
    forceSaturation(kind: TfminiSForcedSaturation): void {
      log('%s: saturation forced: %s', where, kind ?? 'none');
      core.forced = kind;
    },
    powerCycle(): void {
      log('%s: power cycle', where);
      core.restart();
      answer = undefined;
    },
    frameRateHz: () => core.active.frameRateHz,
  };
}
