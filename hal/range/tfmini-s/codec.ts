/**
 * The Benewake TFmini-S wire format: a pure codec, no I/O and no timers.
 *
 * Source: Benewake "TFmini-S Product Manual" SJ-PM-TFmini-S A01:
 * - §5.2, Table 6 (p. 11): UART 115200 baud, 8 data bits, 1 stop bit, no parity.
 * - §5.3, Table 7 (p. 11): the standard data frame, 9 bytes, sent on its own at the frame rate.
 * - §5.4, Table 8 (p. 12): distance in cm by default, strength 0..65535, chip temperature
 *   `Temp / 8 − 256` °C, and the abnormal distance values (−1, −2, −4).
 * - §5.5, Table 9 (p. 12): I2C slave, up to 400 kbit/s, default address 0x10.
 * - §5.6 (p. 12): in I2C mode the master sends a command frame, waits for it to be processed
 *   (100 ms suggested for configuration commands, 2 s for those that write flash), then reads the answer.
 * - §7, Table 12 (p. 17): command frames and their answers. A command frame is
 *   `0x5A Len ID Payload… Checksum`: Len counts the whole frame, head and checksum included;
 *   multi-byte payload fields are little-endian; the checksum is the low 8 bits of the sum of
 *   every byte before it.
 *
 * Data frame (Table 7; all 16-bit fields little-endian):
 *
 * | byte | field                                                        |
 * |-----:|--------------------------------------------------------------|
 * |  0,1 | header, 0x59 0x59                                            |
 * |  2,3 | Dist: cm (mm in the mm output format), signed: < 0 is a code |
 * |  4,5 | Strength                                                     |
 * |  6,7 | Temp: chip temperature, °C = Temp / 8 − 256                  |
 * |    8 | Checksum: low 8 bits of the sum of bytes 0..7                |
 *
 * Both kinds of frame travel on the same serial line (data frames, and the sensor's answers to
 * commands), so one decoder takes both apart.
 */

/** Line speed, baud (Table 6). */
export const TFMINI_S_BAUD_RATE = 115_200;
/** Both header bytes of a data frame (Table 7). */
export const TFMINI_S_FRAME_HEADER = 0x59;
/** Bytes in a data frame, header to checksum (Table 7). */
export const TFMINI_S_FRAME_LENGTH = 9;
/** First byte of every command frame and every answer to one (§7, command frame definition). */
export const TFMINI_S_COMMAND_HEADER = 0x5a;
/** Shortest command frame: head, Len, ID, checksum (Table 12, e.g. `5A 04 01 5F`). */
export const TFMINI_S_MIN_COMMAND_LENGTH = 4;
/** Longest command frame in Table 12 (the I/O mode command, `5A 09 3B …`). */
export const TFMINI_S_MAX_COMMAND_LENGTH = 9;
/** Default I2C slave address (Table 9). */
export const TFMINI_S_DEFAULT_I2C_ADDRESS = 0x10;
/** Factory frame rate, hertz (Table 12, frame rate: default 100 Hz). */
export const TFMINI_S_DEFAULT_FRAME_RATE_HZ = 100;
/** Frame rates are 1000/n Hz for a positive integer n (Table 12, note ①). */
export const TFMINI_S_FRAME_RATE_BASE_HZ = 1_000;
/** Below this strength the sensor reports distance −1 (§5.4). */
export const TFMINI_S_MIN_RELIABLE_STRENGTH = 100;
/** Nearest distance the sensor measures, centimetres (data sheet, operating range 0.1–12 m). */
export const TFMINI_S_MIN_RANGE_CM = 10;
/** Farthest distance the sensor measures, centimetres (data sheet, operating range 0.1–12 m). */
export const TFMINI_S_MAX_RANGE_CM = 1_200;

/** Abnormal distance values (Table 8). */
export const TFMINI_S_DIST_WEAK_SIGNAL = -1;
/** Signal strength saturation; the strength field then reads −1, i.e. 65535 (Table 8). */
export const TFMINI_S_DIST_SIGNAL_SATURATED = -2;
/** Ambient light saturation (Table 8). */
export const TFMINI_S_DIST_AMBIENT_SATURATED = -4;
/** The strength field when the signal saturates: −1 as an unsigned 16-bit value (Table 8). */
export const TFMINI_S_STRENGTH_SATURATED = 0xffff;

/** Command identifiers (Table 12). */
export const TFMINI_S_COMMAND = {
  /** I2C only: answer with one data frame; payload 0x01 (cm) or 0x06 (mm). */
  obtainDataFrame: 0x00,
  /** Answer `5A 07 01 V1 V2 V3 SU`, version V3.V2.V1. */
  version: 0x01,
  /** Answer `5A 05 02 STATUS SU`, status 0 when it succeeded. */
  systemReset: 0x02,
  /** Payload: frame rate, hertz, u16; 0 stops streaming (then `trigger` measures once). Echoed. */
  frameRate: 0x03,
  /** Measure once; the answer is a data frame. */
  trigger: 0x04,
  /** Payload: a {@link TFMINI_S_OUTPUT_FORMAT}. Echoed. */
  outputFormat: 0x05,
  /** Payload: baud rate, u32. Echoed. */
  baudRate: 0x06,
  /** Payload: 0 (stop sending frames) or 1 (send them). Echoed. */
  outputEnable: 0x07,
  /** Answer `5A 05 10 STATUS SU`. */
  restoreFactory: 0x10,
  /** Answer `5A 05 11 STATUS SU`; settings changed without it are lost at power-off. */
  saveSettings: 0x11,
} as const;

/** Output formats, the payload of the output format command (Table 12). */
export const TFMINI_S_OUTPUT_FORMAT = {
  /** Standard 9-byte frame, distance in centimetres (the factory setting). */
  standardCm: 0x01,
  /** Text, metres, `"1.21\r\n"` (§5.3, character string format). */
  pixhawk: 0x02,
  /** Standard 9-byte frame, distance in millimetres. */
  standardMm: 0x06,
} as const;

/**
 * Status answers whose printed checksum in Table 12 is one less than the sum of the bytes before
 * it (`5A 05 02 00 60`, `5A 05 10 00 6E`, `5A 05 11 00 6F` and their failure forms): the
 * decoder takes either value for these three, and {@link encodeTfminiSStatusReply} writes the
 * manual's form.
 */
const STATUS_REPLY_IDS: ReadonlySet<number> = new Set([
  TFMINI_S_COMMAND.systemReset,
  TFMINI_S_COMMAND.restoreFactory,
  TFMINI_S_COMMAND.saveSettings,
]);
const STATUS_REPLY_LENGTH = 5;

/** What the distance field says (Table 8). */
export type TfminiSFrameStatus =
  | 'ok'
  /** −1: strength too low (below 100) for a reliable distance. */
  | 'weak-signal'
  /** −2: the return is too strong. */
  | 'signal-saturated'
  /** −4: too much ambient light. */
  | 'ambient-saturated'
  /** Any other negative value: not a distance, for a reason the manual does not give. */
  | 'unknown-code';

/** One data frame. */
export interface TfminiSFrame {
  /** The distance field, signed: centimetres (millimetres in the mm format); negative values are codes. */
  distance: number;
  /** Signal strength, 0..65535 (65535 when saturated). */
  strength: number;
  /** Chip temperature, °C, 1/8 °C resolution. */
  temperatureC: number;
  status: TfminiSFrameStatus;
}

/** A command frame, or the sensor's answer to one: its identifier and payload (Len − 4 bytes). */
export interface TfminiSCommandFrame {
  id: number;
  payload: Uint8Array;
}

/** One thing taken off the wire. */
export type TfminiSMessage = { kind: 'frame'; frame: TfminiSFrame } | { kind: 'command'; command: TfminiSCommandFrame };

/** What a decoder has seen so far; all counters only grow. */
export interface TfminiSDecoderCounters {
  /** Data frames that passed the checksum. */
  frames: number;
  /** Command frames (or answers) that passed the checksum. */
  commands: number;
  /** Frames of either kind that failed the checksum. */
  badChecksums: number;
  /** Bytes thrown away while looking for a frame start (garbage, and headers of frames that failed). */
  droppedBytes: number;
}

/** Low 8 bits of the sum of the first `length` bytes (default: all of them). */
export function tfminiSChecksum(bytes: Uint8Array, length: number = bytes.length): number {
  const end = Math.min(Math.max(0, length), bytes.length);
  let sum = 0;
  for (let i = 0; i < end; i++) sum += bytes[i] as number;
  return sum & 0xff;
}

/** What a distance field value means (Table 8). */
export function frameStatusOf(distance: number): TfminiSFrameStatus {
  if (distance >= 0) return 'ok';
  if (distance === TFMINI_S_DIST_WEAK_SIGNAL) return 'weak-signal';
  if (distance === TFMINI_S_DIST_SIGNAL_SATURATED) return 'signal-saturated';
  if (distance === TFMINI_S_DIST_AMBIENT_SATURATED) return 'ambient-saturated';
  return 'unknown-code';
}

function readU16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] as number) | ((bytes[offset + 1] as number) << 8);
}

function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
}

function clampInt(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** Reads the fields of a data frame already checked for header and checksum. */
function parseFrame(bytes: Uint8Array): TfminiSFrame {
  const rawDistance = readU16(bytes, 2);
  const distance = rawDistance >= 0x8000 ? rawDistance - 0x10000 : rawDistance;
  return {
    distance,
    strength: readU16(bytes, 4),
    temperatureC: readU16(bytes, 6) / 8 - 256,
    status: frameStatusOf(distance),
  };
}

/**
 * One data frame read whole (an I2C read of 9 bytes): the frame, or `undefined` when the
 * header or the checksum is wrong. Never throws.
 */
export function decodeTfminiSFrame(bytes: Uint8Array): TfminiSFrame | undefined {
  if (bytes.length < TFMINI_S_FRAME_LENGTH) return undefined;
  if (bytes[0] !== TFMINI_S_FRAME_HEADER || bytes[1] !== TFMINI_S_FRAME_HEADER) return undefined;
  if (tfminiSChecksum(bytes, TFMINI_S_FRAME_LENGTH - 1) !== bytes[TFMINI_S_FRAME_LENGTH - 1]) return undefined;
  return parseFrame(bytes);
}

/**
 * The 9 bytes of a data frame (used by the simulator). The distance is rounded and clamped to a
 * signed 16-bit value, the strength to 0..65535, the temperature to its 1/8 °C field.
 */
export function encodeTfminiSFrame(frame: Pick<TfminiSFrame, 'distance' | 'strength' | 'temperatureC'>): Uint8Array {
  const bytes = new Uint8Array(TFMINI_S_FRAME_LENGTH);
  bytes[0] = TFMINI_S_FRAME_HEADER;
  bytes[1] = TFMINI_S_FRAME_HEADER;
  writeU16(bytes, 2, clampInt(frame.distance, -0x8000, 0x7fff) & 0xffff);
  writeU16(bytes, 4, clampInt(frame.strength, 0, 0xffff));
  writeU16(bytes, 6, clampInt((frame.temperatureC + 256) * 8, 0, 0xffff));
  bytes[8] = tfminiSChecksum(bytes, 8);
  return bytes;
}

/**
 * A command frame: `0x5A Len ID payload… checksum`. The sensor's answers have the same shape.
 * Throws a RangeError when the payload does not fit a frame of {@link TFMINI_S_MAX_COMMAND_LENGTH}.
 */
export function encodeTfminiSCommand(id: number, payload: ArrayLike<number> = []): Uint8Array {
  const length = payload.length + TFMINI_S_MIN_COMMAND_LENGTH;
  if (length > TFMINI_S_MAX_COMMAND_LENGTH) {
    throw new RangeError(`a TFmini-S command frame has at most ${TFMINI_S_MAX_COMMAND_LENGTH} bytes, got ${length}`);
  }
  const bytes = new Uint8Array(length);
  bytes[0] = TFMINI_S_COMMAND_HEADER;
  bytes[1] = length;
  bytes[2] = id & 0xff;
  for (let i = 0; i < payload.length; i++) bytes[3 + i] = (payload[i] as number) & 0xff;
  bytes[length - 1] = tfminiSChecksum(bytes, length - 1);
  return bytes;
}

/** The answer to system reset, restore factory settings or save settings, checksum as Table 12 prints it. */
export function encodeTfminiSStatusReply(id: number, succeeded: boolean): Uint8Array {
  const bytes = encodeTfminiSCommand(id, [succeeded ? 0 : 1]);
  if (STATUS_REPLY_IDS.has(id))
    bytes[STATUS_REPLY_LENGTH - 1] = (tfminiSChecksum(bytes, STATUS_REPLY_LENGTH - 1) - 1) & 0xff;
  return bytes;
}

/** Throws a RangeError unless `hz` is an integer 0..1000 (0: measure only on trigger). */
function checkFrameRateField(hz: number): void {
  if (!Number.isInteger(hz) || hz < 0 || hz > TFMINI_S_FRAME_RATE_BASE_HZ) {
    throw new RangeError(`TFmini-S frame rate must be an integer 0..${TFMINI_S_FRAME_RATE_BASE_HZ} Hz, got ${hz}`);
  }
}

/** Set the frame rate, hertz (`5A 06 03 LL HH SU`); 0 stops streaming. The sensor echoes it. */
export function frameRateCommand(hz: number): Uint8Array {
  checkFrameRateField(hz);
  return encodeTfminiSCommand(TFMINI_S_COMMAND.frameRate, [hz & 0xff, (hz >>> 8) & 0xff]);
}

/** Choose the output format (`5A 05 05 FMT SU`). The sensor echoes it. */
export function outputFormatCommand(format: number): Uint8Array {
  return encodeTfminiSCommand(TFMINI_S_COMMAND.outputFormat, [format]);
}

/** Start or stop sending data frames (`5A 05 07 01 67` / `5A 05 07 00 66`). The sensor echoes it. */
export function outputEnableCommand(enabled: boolean): Uint8Array {
  return encodeTfminiSCommand(TFMINI_S_COMMAND.outputEnable, [enabled ? 1 : 0]);
}

/** I2C mode: ask for one data frame (`5A 05 00 01 60` in cm, `5A 05 00 06 65` in mm). */
export function obtainDataFrameCommand(unit: 'cm' | 'mm' = 'cm'): Uint8Array {
  const format = unit === 'mm' ? TFMINI_S_OUTPUT_FORMAT.standardMm : TFMINI_S_OUTPUT_FORMAT.standardCm;
  return encodeTfminiSCommand(TFMINI_S_COMMAND.obtainDataFrame, [format]);
}

/** Measure once (`5A 04 04 62`); the answer is a data frame. */
export function triggerCommand(): Uint8Array {
  return encodeTfminiSCommand(TFMINI_S_COMMAND.trigger);
}

/** Ask for the firmware version (`5A 04 01 5F`). */
export function versionCommand(): Uint8Array {
  return encodeTfminiSCommand(TFMINI_S_COMMAND.version);
}

/** Write the current settings to flash (`5A 04 11 6F`). */
export function saveSettingsCommand(): Uint8Array {
  return encodeTfminiSCommand(TFMINI_S_COMMAND.saveSettings);
}

/** Restart the sensor (`5A 04 02 60`). */
export function systemResetCommand(): Uint8Array {
  return encodeTfminiSCommand(TFMINI_S_COMMAND.systemReset);
}

/** Back to the factory settings (`5A 04 10 6E`). */
export function restoreFactoryCommand(): Uint8Array {
  return encodeTfminiSCommand(TFMINI_S_COMMAND.restoreFactory);
}

/** Set the baud rate (`5A 08 06 H1 H2 H3 H4 SU`, little-endian). The sensor echoes it. */
export function baudRateCommand(baud: number): Uint8Array {
  const value = clampInt(baud, 0, 0xffffffff);
  return encodeTfminiSCommand(TFMINI_S_COMMAND.baudRate, [
    value & 0xff,
    (value >>> 8) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 24) & 0xff,
  ]);
}

/** The little-endian unsigned value of a payload (frame rate, baud rate), or NaN for an empty one. */
export function payloadValue(payload: Uint8Array): number {
  if (payload.length === 0) return NaN;
  let value = 0;
  for (let i = payload.length - 1; i >= 0; i--) value = value * 256 + (payload[i] as number);
  return value;
}

/** The firmware version in a version answer (`5A 07 01 V1 V2 V3 SU` is V3.V2.V1), or undefined. */
export function firmwareVersionOf(answer: TfminiSCommandFrame): string | undefined {
  if (answer.id !== TFMINI_S_COMMAND.version || answer.payload.length !== 3) return undefined;
  return `${answer.payload[2]}.${answer.payload[1]}.${answer.payload[0]}`;
}

/** Whether the checksum byte `checksum` closes the `length`-byte command frame in `bytes`. */
function commandChecksumOk(bytes: Uint8Array, length: number): boolean {
  const sum = tfminiSChecksum(bytes, length - 1);
  const checksum = bytes[length - 1];
  if (checksum === sum) return true;
  return length === STATUS_REPLY_LENGTH && STATUS_REPLY_IDS.has(bytes[2] as number) && checksum === ((sum - 1) & 0xff);
}

/**
 * A byte-fed state machine that takes a TFmini-S byte stream apart: data frames (0x59 0x59, 9
 * bytes) and command frames (0x5A, Len bytes) in any mix. Chunk boundaries carry no meaning:
 * any split of the same stream gives the same messages. It hunts for a header, collects the
 * frame and checks its checksum; after a bad checksum it counts the frame and looks again from
 * the byte after the header, because the real header may sit inside the bad frame. A Len
 * outside 4..9 means the 0x5A was not a header. It never throws.
 */
export class TfminiSDecoder {
  private readonly buffer = new Uint8Array(Math.max(TFMINI_S_FRAME_LENGTH, TFMINI_S_MAX_COMMAND_LENGTH));
  private filled = 0;
  /** Bytes the frame being collected will have; 0 while a command frame's Len is not yet known. */
  private expected = 0;
  private readonly stats: TfminiSDecoderCounters = { frames: 0, commands: 0, badChecksums: 0, droppedBytes: 0 };

  /** Feeds bytes as they arrive; returns the messages they completed, in order (often none). */
  push(chunk: Uint8Array): TfminiSMessage[] {
    const out: TfminiSMessage[] = [];
    for (let i = 0; i < chunk.length; i++) this.step(chunk[i] as number, out);
    return out;
  }

  /** Forgets a partly collected frame (after the port was reopened); its bytes count as dropped. */
  reset(): void {
    this.stats.droppedBytes += this.filled;
    this.filled = 0;
    this.expected = 0;
  }

  /** Bytes held towards the next frame, 0..8. */
  pendingBytes(): number {
    return this.filled;
  }

  counters(): TfminiSDecoderCounters {
    return { ...this.stats };
  }

  private step(byte: number, out: TfminiSMessage[]): void {
    if (this.filled === 0) {
      if (byte === TFMINI_S_FRAME_HEADER) {
        this.expected = TFMINI_S_FRAME_LENGTH;
      } else if (byte === TFMINI_S_COMMAND_HEADER) {
        this.expected = 0;
      } else {
        this.stats.droppedBytes++;
        return;
      }
      this.buffer[this.filled++] = byte;
      return;
    }
    if (this.filled === 1) {
      const isFrame = this.buffer[0] === TFMINI_S_FRAME_HEADER;
      const fits = isFrame
        ? byte === TFMINI_S_FRAME_HEADER
        : byte >= TFMINI_S_MIN_COMMAND_LENGTH && byte <= TFMINI_S_MAX_COMMAND_LENGTH;
      if (!fits) {
        this.stats.droppedBytes++;
        this.filled = 0;
        this.step(byte, out);
        return;
      }
      if (!isFrame) this.expected = byte;
    }
    this.buffer[this.filled++] = byte;
    if (this.filled < this.expected) return;

    const isFrame = this.buffer[0] === TFMINI_S_FRAME_HEADER;
    const length = this.filled;
    const good = isFrame
      ? tfminiSChecksum(this.buffer, length - 1) === this.buffer[length - 1]
      : commandChecksumOk(this.buffer, length);
    if (!good) {
      this.stats.badChecksums++;
      this.resyncAfterHeader(out);
      return;
    }
    this.filled = 0;
    if (isFrame) {
      this.stats.frames++;
      out.push({ kind: 'frame', frame: parseFrame(this.buffer) });
    } else {
      this.stats.commands++;
      out.push({
        kind: 'command',
        command: { id: this.buffer[2] as number, payload: this.buffer.slice(3, length - 1) },
      });
    }
  }

  /** Drops the header of a frame that failed its checksum and hunts again through the bytes after it. */
  private resyncAfterHeader(out: TfminiSMessage[]): void {
    const replay = this.buffer.slice(1, this.filled);
    this.filled = 0;
    this.stats.droppedBytes++;
    for (let i = 0; i < replay.length; i++) this.step(replay[i] as number, out);
  }
}
