/**
 * The Basicmicro RoboClaw "Packet Serial" protocol: a pure codec, no I/O and no timers.
 *
 * Source: Basicmicro "RoboClaw Series User Manual", chapter "Packet Serial": sections "Packet
 * Serial Mode" (addresses 0x80..0x87), "Packet Timeout" (a gap over 10 ms inside a packet makes
 * the controller discard it), "Packet Acknowledgement" (valid write-only packets are answered with
 * one 0xFF byte, invalid ones with nothing), "CRC16 Checksum Calculation" (CRC-16, polynomial
 * 0x1021, initial value 0, MSB first, over address, command and data; for replies over the
 * address and command sent plus the data received) and "Handling values larger than a byte"
 * (multi-byte values go most significant byte first); and the command reference for commands 14,
 * 16..21, 24 and 32..37.
 *
 * A packet from the host is `[address, command, data..., CRC16 high, CRC16 low]` for commands
 * that write, and just `[address, command]` for commands that read. The controller answers a
 * write with `0xFF` and a read with `[data..., CRC16 high, CRC16 low]`. Replies carry no start
 * marker and no address: the host knows what it asked, so the reply decoder is told what to
 * expect before each request ({@link RoboclawReplyDecoder.expect}), and that is where it
 * re-synchronises.
 */

/** Lowest packet serial address (manual, "Packet Serial Mode": mode 7 = 0x80). */
export const ROBOCLAW_ADDRESS_MIN = 0x80;
/** Highest packet serial address (manual, "Packet Serial Mode": mode 14 = 0x87). */
export const ROBOCLAW_ADDRESS_MAX = 0x87;
/** The acknowledgement of a valid write-only packet (manual, "Packet Acknowledgement"). */
export const ROBOCLAW_ACK = 0xff;
/** A gap longer than this between two bytes of one packet makes the controller drop it, ms (manual, "Packet Timeout"). */
export const ROBOCLAW_PACKET_TIMEOUT_MS = 10;
/** CRC-16 generator polynomial (manual, "CRC16 Checksum Calculation": CCITT 0x1021, init 0, MSB first, no final XOR). */
export const ROBOCLAW_CRC_POLYNOMIAL = 0x1021;
/** Full-scale duty value, ±100 % (manual, commands 32..34: signed 16-bit duty). */
export const ROBOCLAW_DUTY_FULL_SCALE = 32_767;
/** Longest firmware version reply before the CRC, terminator included, bytes (manual, command 21: "up to 48 bytes"). */
export const ROBOCLAW_FIRMWARE_MAX_BYTES = 48;
/** Largest serial timeout value, in 100 ms units (manual, command 14: 0..255, 0 to 25.5 s). */
export const ROBOCLAW_SERIAL_TIMEOUT_MAX = 255;

/** Command codes (manual, Packet Serial command reference). */
export const RoboclawCommand = {
  /** 14: set the serial timeout, 1 byte in 100 ms units; 0 disables it. Acknowledged. */
  setSerialTimeout: 14,
  /** 16: read M1 encoder: u32 count, status byte. */
  readEncoderM1: 16,
  /** 17: read M2 encoder: u32 count, status byte. */
  readEncoderM2: 17,
  /** 18: read M1 speed: s32 counts per second, direction byte. */
  readSpeedM1: 18,
  /** 19: read M2 speed: s32 counts per second, direction byte. */
  readSpeedM2: 19,
  /** 20: reset both quadrature encoder counters to zero. Acknowledged. */
  resetEncoders: 20,
  /** 21: read firmware version: text terminated by 10, 0 (line feed, NUL). */
  readFirmwareVersion: 21,
  /** 24: read main battery voltage: u16 in tenths of a volt. */
  readMainBatteryVoltage: 24,
  /** 32: drive M1 with a signed 16-bit duty. Acknowledged. */
  dutyM1: 32,
  /** 33: drive M2 with a signed 16-bit duty. Acknowledged. */
  dutyM2: 33,
  /** 34: drive M1 and M2 with signed 16-bit duties. Acknowledged. */
  dutyM1M2: 34,
  /** 35: drive M1 at a signed 32-bit speed, quadrature pulses per second. Acknowledged. */
  speedM1: 35,
  /** 36: drive M2 at a signed 32-bit speed, quadrature pulses per second. Acknowledged. */
  speedM2: 36,
  /** 37: drive M1 and M2 at signed 32-bit speeds. Acknowledged. */
  speedM1M2: 37,
} as const;

/** A RoboClaw motor channel. */
export type RoboclawMotor = 'M1' | 'M2';

/** Encoder status bits (manual, command 16). */
export const ENCODER_STATUS_UNDERFLOW = 0x01;
/** Encoder status bit 1: the counter last moved backwards. */
export const ENCODER_STATUS_BACKWARD = 0x02;
/** Encoder status bit 2: the counter overflowed since the last read. */
export const ENCODER_STATUS_OVERFLOW = 0x04;

/** What the host asks; values are in wire units (raw duty, pulses per second, 100 ms steps). */
export type RoboclawRequest =
  | { kind: 'set-serial-timeout'; tenthsOfSecond: number }
  | { kind: 'read-encoder'; motor: RoboclawMotor }
  | { kind: 'read-speed'; motor: RoboclawMotor }
  | { kind: 'reset-encoders' }
  | { kind: 'read-firmware' }
  | { kind: 'read-main-battery' }
  /** `duty`: -32768..32767, ±32767 is ±100 %. */
  | { kind: 'duty'; motor: RoboclawMotor; duty: number }
  | { kind: 'duty-both'; dutyM1: number; dutyM2: number }
  /** `speedQpps`: signed quadrature pulses per second, 32-bit. */
  | { kind: 'speed'; motor: RoboclawMotor; speedQpps: number }
  | { kind: 'speed-both'; speedM1Qpps: number; speedM2Qpps: number };

/** One packet from the host: who it is for and what it asks. */
export interface RoboclawPacket {
  /** 0x80..0x87. */
  address: number;
  request: RoboclawRequest;
}

/** What the controller answers. */
export type RoboclawReply =
  | { kind: 'ack' }
  /** `count`: the raw 32-bit counter, 0..4294967295 (it wraps); `status`: ENCODER_STATUS_* bits. */
  | { kind: 'encoder'; motor: RoboclawMotor; count: number; status: number }
  /** `speedQpps`: signed pulses per second; `status`: 0 forward, 1 backward. */
  | { kind: 'speed'; motor: RoboclawMotor; speedQpps: number; status: number }
  | { kind: 'firmware'; version: string }
  /** `voltageDecivolts`: main battery voltage in tenths of a volt (300 = 30 V). */
  | { kind: 'main-battery'; voltageDecivolts: number };

/** The reply kind each request gets. */
export type RoboclawReplyKind = RoboclawReply['kind'];

// ---------------------------------------------------------------------------------------------
// CRC

const CRC_TABLE = buildCrcTable(ROBOCLAW_CRC_POLYNOMIAL);

function buildCrcTable(polynomial: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ polynomial) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
}

/**
 * CRC-16 as the RoboClaw computes it (CCITT polynomial 0x1021, MSB first, no reflection, no
 * final XOR; the CRC-16/XMODEM of the CRC catalogues). `initial` lets a reply's CRC continue from
 * the CRC of the address and command that were sent. Default initial value 0.
 */
export function crc16Roboclaw(bytes: Uint8Array, initial = 0, length: number = bytes.length): number {
  const end = Math.min(Math.max(0, length), bytes.length);
  let crc = initial & 0xffff;
  for (let i = 0; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ (CRC_TABLE[((crc >>> 8) ^ (bytes[i] as number)) & 0xff] as number);
  }
  return crc;
}

// ---------------------------------------------------------------------------------------------
// Field helpers (big-endian, manual "Handling values larger than a byte")

function readU16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
}

function readU32(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] as number) << 24) |
      ((bytes[at + 1] as number) << 16) |
      ((bytes[at + 2] as number) << 8) |
      (bytes[at + 3] as number)) >>>
    0
  );
}

function toInt16(value: number): number {
  return (value << 16) >> 16;
}

function writeU16(bytes: number[], value: number): void {
  bytes.push((value >>> 8) & 0xff, value & 0xff);
}

function writeU32(bytes: number[], value: number): void {
  bytes.push((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

function checkInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${value}`);
  }
}

/** Throws a RangeError unless `address` is a packet serial address, 0x80..0x87. */
export function checkRoboclawAddress(address: number): void {
  if (!Number.isInteger(address) || address < ROBOCLAW_ADDRESS_MIN || address > ROBOCLAW_ADDRESS_MAX) {
    throw new RangeError(
      `a RoboClaw address is 0x80..0x87, got ${Number.isInteger(address) ? `0x${address.toString(16)}` : address}`,
    );
  }
}

/** Duty -1..1 to the wire's signed 16-bit duty, ±32767 at ±100 %, rounded. Out-of-range duties are clamped. */
export function dutyToRaw(duty: number): number {
  if (!Number.isFinite(duty)) return 0;
  return Math.round(Math.min(1, Math.max(-1, duty)) * ROBOCLAW_DUTY_FULL_SCALE);
}

/** The wire's signed 16-bit duty to -1..1 (-32768 reads as -1). */
export function rawToDuty(raw: number): number {
  return Math.min(1, Math.max(-1, raw / ROBOCLAW_DUTY_FULL_SCALE));
}

// ---------------------------------------------------------------------------------------------
// Requests (host -> controller)

/** The command code a request is sent with. */
export function commandCode(request: RoboclawRequest): number {
  switch (request.kind) {
    case 'set-serial-timeout':
      return RoboclawCommand.setSerialTimeout;
    case 'read-encoder':
      return request.motor === 'M1' ? RoboclawCommand.readEncoderM1 : RoboclawCommand.readEncoderM2;
    case 'read-speed':
      return request.motor === 'M1' ? RoboclawCommand.readSpeedM1 : RoboclawCommand.readSpeedM2;
    case 'reset-encoders':
      return RoboclawCommand.resetEncoders;
    case 'read-firmware':
      return RoboclawCommand.readFirmwareVersion;
    case 'read-main-battery':
      return RoboclawCommand.readMainBatteryVoltage;
    case 'duty':
      return request.motor === 'M1' ? RoboclawCommand.dutyM1 : RoboclawCommand.dutyM2;
    case 'duty-both':
      return RoboclawCommand.dutyM1M2;
    case 'speed':
      return request.motor === 'M1' ? RoboclawCommand.speedM1 : RoboclawCommand.speedM2;
    case 'speed-both':
      return RoboclawCommand.speedM1M2;
  }
}

/** The kind of reply a request gets: `ack` for writes. */
export function replyKindOf(request: RoboclawRequest): RoboclawReplyKind {
  switch (request.kind) {
    case 'read-encoder':
      return 'encoder';
    case 'read-speed':
      return 'speed';
    case 'read-firmware':
      return 'firmware';
    case 'read-main-battery':
      return 'main-battery';
    default:
      return 'ack';
  }
}

/**
 * The bytes of one request packet. Reads are `[address, command]`; writes carry their data and
 * the CRC16 of address, command and data, high byte first. Throws a RangeError for an address
 * outside 0x80..0x87 or a value that does not fit its field (duty -32768..32767, speed 32-bit
 * signed, serial timeout 0..255).
 */
export function encodeRoboclawRequest(address: number, request: RoboclawRequest): Uint8Array {
  checkRoboclawAddress(address);
  const bytes: number[] = [address, commandCode(request)];
  switch (request.kind) {
    case 'read-encoder':
    case 'read-speed':
    case 'read-firmware':
    case 'read-main-battery':
      return Uint8Array.from(bytes);
    case 'reset-encoders':
      break;
    case 'set-serial-timeout':
      checkInt('serial timeout', request.tenthsOfSecond, 0, ROBOCLAW_SERIAL_TIMEOUT_MAX);
      bytes.push(request.tenthsOfSecond);
      break;
    case 'duty':
      checkInt('duty', request.duty, -32_768, 32_767);
      writeU16(bytes, request.duty);
      break;
    case 'duty-both':
      checkInt('duty M1', request.dutyM1, -32_768, 32_767);
      checkInt('duty M2', request.dutyM2, -32_768, 32_767);
      writeU16(bytes, request.dutyM1);
      writeU16(bytes, request.dutyM2);
      break;
    case 'speed':
      checkInt('speed', request.speedQpps, -2_147_483_648, 2_147_483_647);
      writeU32(bytes, request.speedQpps);
      break;
    case 'speed-both':
      checkInt('speed M1', request.speedM1Qpps, -2_147_483_648, 2_147_483_647);
      checkInt('speed M2', request.speedM2Qpps, -2_147_483_648, 2_147_483_647);
      writeU32(bytes, request.speedM1Qpps);
      writeU32(bytes, request.speedM2Qpps);
      break;
  }
  const body = Uint8Array.from(bytes);
  writeU16(bytes, crc16Roboclaw(body));
  return Uint8Array.from(bytes);
}

/** Data bytes after the command byte, and whether a CRC follows, per known command. */
const REQUEST_LAYOUT = new Map<number, { dataBytes: number; crc: boolean }>([
  [RoboclawCommand.setSerialTimeout, { dataBytes: 1, crc: true }],
  [RoboclawCommand.readEncoderM1, { dataBytes: 0, crc: false }],
  [RoboclawCommand.readEncoderM2, { dataBytes: 0, crc: false }],
  [RoboclawCommand.readSpeedM1, { dataBytes: 0, crc: false }],
  [RoboclawCommand.readSpeedM2, { dataBytes: 0, crc: false }],
  [RoboclawCommand.resetEncoders, { dataBytes: 0, crc: true }],
  [RoboclawCommand.readFirmwareVersion, { dataBytes: 0, crc: false }],
  [RoboclawCommand.readMainBatteryVoltage, { dataBytes: 0, crc: false }],
  [RoboclawCommand.dutyM1, { dataBytes: 2, crc: true }],
  [RoboclawCommand.dutyM2, { dataBytes: 2, crc: true }],
  [RoboclawCommand.dutyM1M2, { dataBytes: 4, crc: true }],
  [RoboclawCommand.speedM1, { dataBytes: 4, crc: true }],
  [RoboclawCommand.speedM2, { dataBytes: 4, crc: true }],
  [RoboclawCommand.speedM1M2, { dataBytes: 8, crc: true }],
]);

/** Longest request this codec knows: command 37, 2 + 8 + 2 bytes. */
const MAX_REQUEST_BYTES = 12;

/** Reads the request out of a packet already checked for layout and CRC. */
function parseRequest(bytes: Uint8Array): RoboclawRequest {
  const command = bytes[1] as number;
  switch (command) {
    case RoboclawCommand.setSerialTimeout:
      return { kind: 'set-serial-timeout', tenthsOfSecond: bytes[2] as number };
    case RoboclawCommand.readEncoderM1:
    case RoboclawCommand.readEncoderM2:
      return { kind: 'read-encoder', motor: command === RoboclawCommand.readEncoderM1 ? 'M1' : 'M2' };
    case RoboclawCommand.readSpeedM1:
    case RoboclawCommand.readSpeedM2:
      return { kind: 'read-speed', motor: command === RoboclawCommand.readSpeedM1 ? 'M1' : 'M2' };
    case RoboclawCommand.resetEncoders:
      return { kind: 'reset-encoders' };
    case RoboclawCommand.readFirmwareVersion:
      return { kind: 'read-firmware' };
    case RoboclawCommand.readMainBatteryVoltage:
      return { kind: 'read-main-battery' };
    case RoboclawCommand.dutyM1:
    case RoboclawCommand.dutyM2:
      return {
        kind: 'duty',
        motor: command === RoboclawCommand.dutyM1 ? 'M1' : 'M2',
        duty: toInt16(readU16(bytes, 2)),
      };
    case RoboclawCommand.dutyM1M2:
      return { kind: 'duty-both', dutyM1: toInt16(readU16(bytes, 2)), dutyM2: toInt16(readU16(bytes, 4)) };
    case RoboclawCommand.speedM1:
    case RoboclawCommand.speedM2:
      return {
        kind: 'speed',
        motor: command === RoboclawCommand.speedM1 ? 'M1' : 'M2',
        speedQpps: readU32(bytes, 2) | 0,
      };
    default:
      return { kind: 'speed-both', speedM1Qpps: readU32(bytes, 2) | 0, speedM2Qpps: readU32(bytes, 6) | 0 };
  }
}

/** What a request decoder has seen so far; all counters only grow. */
export interface RoboclawRequestDecoderCounters {
  /** Packets returned (any address). */
  packets: number;
  /** Write packets whose CRC did not match (the controller ignores them: no acknowledgement). */
  badCrc: number;
  /** Bytes thrown away while looking for a packet start (garbage, unknown commands, headers of bad packets). */
  droppedBytes: number;
}

/**
 * The controller's side: turns the host's byte stream into packets, for the simulator. It hunts
 * for an address byte (0x80..0x87) followed by a known command, collects the command's data and
 * CRC, and checks it; after a bad CRC it counts the packet and looks again from the byte after the
 * address, so a real packet hidden inside the bad one is still found. Reads carry no CRC, so two
 * bytes `[address, read command]` are a packet wherever they appear. Any split of the same stream
 * gives the same packets; it never throws.
 */
export class RoboclawRequestDecoder {
  private readonly buffer = new Uint8Array(MAX_REQUEST_BYTES);
  private filled = 0;
  private needed = 0;
  private packets = 0;
  private badCrc = 0;
  private droppedBytes = 0;

  /** Feeds bytes as they arrive; returns the packets they completed, in order. */
  push(chunk: Uint8Array): RoboclawPacket[] {
    const out: RoboclawPacket[] = [];
    for (let i = 0; i < chunk.length; i++) this.step(chunk[i] as number, out);
    return out;
  }

  /**
   * Forgets a partly received packet, as the controller does after a gap of more than 10 ms
   * (manual, "Packet Timeout"); its bytes count as dropped.
   */
  reset(): void {
    this.droppedBytes += this.filled;
    this.filled = 0;
    this.needed = 0;
  }

  /** Bytes held towards the next packet. */
  pendingBytes(): number {
    return this.filled;
  }

  counters(): RoboclawRequestDecoderCounters {
    return { packets: this.packets, badCrc: this.badCrc, droppedBytes: this.droppedBytes };
  }

  private step(byte: number, out: RoboclawPacket[]): void {
    if (this.filled === 0) {
      if (byte >= ROBOCLAW_ADDRESS_MIN && byte <= ROBOCLAW_ADDRESS_MAX) this.buffer[this.filled++] = byte;
      else this.droppedBytes++;
      return;
    }
    if (this.filled === 1) {
      const layout = REQUEST_LAYOUT.get(byte);
      if (!layout) {
        // Not a command after all: the address byte is dropped; this byte may start a packet.
        this.droppedBytes++;
        this.filled = 0;
        this.step(byte, out);
        return;
      }
      this.buffer[this.filled++] = byte;
      this.needed = 2 + layout.dataBytes + (layout.crc ? 2 : 0);
    } else {
      this.buffer[this.filled++] = byte;
    }
    if (this.filled < this.needed) return;

    const length = this.needed;
    const hasCrc = REQUEST_LAYOUT.get(this.buffer[1] as number)?.crc ?? false;
    if (!hasCrc || crc16Roboclaw(this.buffer, 0, length - 2) === readU16(this.buffer, length - 2)) {
      this.filled = 0;
      this.needed = 0;
      this.packets++;
      out.push({ address: this.buffer[0] as number, request: parseRequest(this.buffer) });
      return;
    }
    this.badCrc++;
    this.resyncAfterAddress(length, out);
  }

  /** Drops the address byte of a bad packet and hunts again through the bytes after it. */
  private resyncAfterAddress(length: number, out: RoboclawPacket[]): void {
    const replay = this.buffer.slice(1, length);
    this.filled = 0;
    this.needed = 0;
    this.droppedBytes++;
    for (let i = 0; i < replay.length; i++) this.step(replay[i] as number, out);
  }
}

// ---------------------------------------------------------------------------------------------
// Replies (controller -> host)

function withReplyCrc(address: number, command: number, data: number[]): Uint8Array {
  const crc = crc16Roboclaw(Uint8Array.from(data), crc16Roboclaw(Uint8Array.of(address, command)));
  writeU16(data, crc);
  return Uint8Array.from(data);
}

/**
 * The bytes the controller at `address` sends back for `request` (used by the simulator): `0xFF`
 * for a write; for a read its data and the CRC16 of address, command and data. Throws a
 * RangeError when the reply does not fit the request (an encoder count for a battery read) or a
 * value does not fit its field.
 */
export function encodeRoboclawReply(address: number, request: RoboclawRequest, reply: RoboclawReply): Uint8Array {
  checkRoboclawAddress(address);
  const expected = replyKindOf(request);
  if (reply.kind !== expected)
    throw new RangeError(`a ${request.kind} request gets a ${expected} reply, not ${reply.kind}`);
  const command = commandCode(request);
  const data: number[] = [];
  switch (reply.kind) {
    case 'ack':
      return Uint8Array.of(ROBOCLAW_ACK);
    case 'encoder':
      checkInt('encoder count', reply.count, 0, 0xffff_ffff);
      checkInt('encoder status', reply.status, 0, 0xff);
      writeU32(data, reply.count);
      data.push(reply.status);
      break;
    case 'speed':
      checkInt('speed', reply.speedQpps, -2_147_483_648, 2_147_483_647);
      checkInt('speed status', reply.status, 0, 0xff);
      writeU32(data, reply.speedQpps);
      data.push(reply.status);
      break;
    case 'main-battery':
      checkInt('battery voltage', reply.voltageDecivolts, 0, 0xffff);
      writeU16(data, reply.voltageDecivolts);
      break;
    case 'firmware': {
      const text = Array.from(reply.version, (ch) => ch.charCodeAt(0) & 0xff).filter((b) => b !== 0 && b !== 10);
      if (text.length + 2 > ROBOCLAW_FIRMWARE_MAX_BYTES) {
        throw new RangeError(`a firmware version is at most ${ROBOCLAW_FIRMWARE_MAX_BYTES - 2} characters`);
      }
      data.push(...text, 10, 0);
      break;
    }
  }
  return withReplyCrc(address, command, data);
}

/** Bytes of each fixed-length reply, data and CRC (manual, commands 16..19 and 24). */
const FIXED_REPLY_BYTES: Partial<Record<RoboclawReplyKind, number>> = {
  ack: 1,
  encoder: 7,
  speed: 7,
  'main-battery': 4,
};

/** One outcome of a request, as the reply decoder sees it. */
export type RoboclawReplyResult =
  | { ok: true; reply: RoboclawReply }
  /** The reply arrived but is not valid: a bad CRC, not 0xFF where an acknowledgement was due, or no terminator. */
  | { ok: false; reason: string };

/** What a reply decoder has seen so far; all counters only grow. */
export interface RoboclawReplyDecoderCounters {
  /** Valid replies returned. */
  replies: number;
  /** Replies whose CRC did not match. */
  badCrc: number;
  /** Other invalid replies: a byte other than 0xFF as an acknowledgement, a version text with no terminator. */
  badReplies: number;
  /** Bytes that arrived while no reply was expected (late or stray bytes), or were left over when a new request began. */
  droppedBytes: number;
}

/**
 * The host's side: turns the bytes after one request into that request's reply. Replies have no
 * start marker, so framing comes from the request: {@link expect} before sending, then
 * {@link push} the bytes as they arrive. The first bytes after the request are the reply: exactly
 * its length for fixed-size replies (1 for an acknowledgement, 7 for encoder and speed reads, 4
 * for the battery voltage), up to the `10, 0` terminator and the CRC for the firmware version
 * (at most 48 + 2 bytes). A reply that fails its check is reported once as `ok: false`; bytes
 * that arrive while nothing is expected are dropped and counted. A new `expect` starts clean,
 * so the decoder is back in step at every request whatever came before. Any split of the same
 * bytes gives the same results; it never throws.
 */
export class RoboclawReplyDecoder {
  private readonly buffer = new Uint8Array(ROBOCLAW_FIRMWARE_MAX_BYTES + 2);
  private filled = 0;
  private expected: { address: number; request: RoboclawRequest; kind: RoboclawReplyKind } | undefined;
  private replies = 0;
  private badCrc = 0;
  private badReplies = 0;
  private droppedBytes = 0;

  /** The next bytes are the reply to `request` sent to `address`. Anything held so far is dropped. */
  expect(address: number, request: RoboclawRequest): void {
    this.droppedBytes += this.filled;
    this.filled = 0;
    this.expected = { address, request, kind: replyKindOf(request) };
  }

  /** Stops expecting a reply (the request timed out); later bytes are dropped. */
  cancel(): void {
    this.droppedBytes += this.filled;
    this.filled = 0;
    this.expected = undefined;
  }

  /** Whether a reply is still awaited. */
  awaiting(): boolean {
    return this.expected !== undefined;
  }

  /** Feeds bytes as they arrive; returns the outcome of the expected reply once it is complete (at most one per `expect`). */
  push(chunk: Uint8Array): RoboclawReplyResult[] {
    const out: RoboclawReplyResult[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const result = this.step(chunk[i] as number);
      if (result) out.push(result);
    }
    return out;
  }

  counters(): RoboclawReplyDecoderCounters {
    return {
      replies: this.replies,
      badCrc: this.badCrc,
      badReplies: this.badReplies,
      droppedBytes: this.droppedBytes,
    };
  }

  private step(byte: number): RoboclawReplyResult | undefined {
    const expected = this.expected;
    if (!expected) {
      this.droppedBytes++;
      return undefined;
    }
    if (expected.kind === 'ack') {
      this.expected = undefined;
      if (byte === ROBOCLAW_ACK) {
        this.replies++;
        return { ok: true, reply: { kind: 'ack' } };
      }
      this.badReplies++;
      return { ok: false, reason: `expected the acknowledgement 0xFF, got 0x${hex(byte)}` };
    }
    this.buffer[this.filled++] = byte;
    const length = this.replyLength(expected.kind);
    if (length === undefined) {
      if (this.filled < ROBOCLAW_FIRMWARE_MAX_BYTES) return undefined;
      this.finish();
      this.badReplies++;
      return {
        ok: false,
        reason: `firmware version longer than ${ROBOCLAW_FIRMWARE_MAX_BYTES} bytes with no terminator`,
      };
    }
    if (this.filled < length) return undefined;

    const command = commandCode(expected.request);
    const crc = crc16Roboclaw(this.buffer, crc16Roboclaw(Uint8Array.of(expected.address, command)), length - 2);
    const sent = readU16(this.buffer, length - 2);
    const reply = crc === sent ? parseReply(expected.request, this.buffer, length) : undefined;
    this.finish();
    if (reply) {
      this.replies++;
      return { ok: true, reply };
    }
    this.badCrc++;
    return {
      ok: false,
      reason: `bad CRC in the reply to command ${command}: got 0x${hex(sent, 4)}, computed 0x${hex(crc, 4)}`,
    };
  }

  /** Total reply length once it is known; for the firmware version, after its `10, 0` terminator. */
  private replyLength(kind: RoboclawReplyKind): number | undefined {
    const fixed = FIXED_REPLY_BYTES[kind];
    if (fixed !== undefined) return fixed;
    for (let i = 1; i < this.filled; i++) {
      if (this.buffer[i - 1] === 10 && this.buffer[i] === 0) return i + 3;
    }
    return undefined;
  }

  private finish(): void {
    this.filled = 0;
    this.expected = undefined;
  }
}

function parseReply(request: RoboclawRequest, bytes: Uint8Array, length: number): RoboclawReply | undefined {
  switch (request.kind) {
    case 'read-encoder':
      return { kind: 'encoder', motor: request.motor, count: readU32(bytes, 0), status: bytes[4] as number };
    case 'read-speed':
      return { kind: 'speed', motor: request.motor, speedQpps: readU32(bytes, 0) | 0, status: bytes[4] as number };
    case 'read-main-battery':
      return { kind: 'main-battery', voltageDecivolts: readU16(bytes, 0) };
    case 'read-firmware':
      return { kind: 'firmware', version: String.fromCharCode(...bytes.subarray(0, length - 4)) };
    default:
      return undefined;
  }
}

function hex(value: number, digits = 2): string {
  return value.toString(16).toUpperCase().padStart(digits, '0');
}
