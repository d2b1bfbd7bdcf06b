/**
 * The LDROBOT LD06 (and LD19) wire format: a pure codec, no I/O and no timers.
 *
 * Source: LDROBOT "LD06 Development Manual" v1.0 (the LD19 manual has the same chapter),
 * chapter "Communication protocol": UART 230400 8N1, one-way, the sensor streams 47-byte packets
 * on its own as soon as the motor is stable; "Data packet format" table; CRC check with a 256-entry
 * table (polynomial 0x4D); chapter "Coordinate system": angles grow clockwise seen from above,
 * 0° is the sensor's forward mark.
 *
 * Packet layout (all multi-byte fields little-endian):
 *
 * | offset | size | field                                          |
 * |-------:|-----:|------------------------------------------------|
 * |      0 |    1 | header, 0x54                                   |
 * |      1 |    1 | VerLen, 0x2C (type 1 in bits 7..5, 12 points)  |
 * |      2 |    2 | speed, degrees per second                      |
 * |      4 |    2 | start angle, 0.01°                             |
 * |      6 | 12×3 | points: distance mm (u16), intensity (u8)      |
 * |     42 |    2 | end angle, 0.01°                               |
 * |     44 |    2 | timestamp, ms, wraps at 30000                  |
 * |     46 |    1 | CRC8 over bytes 0..45                          |
 */

/** Line speed, baud (manual, "Communication protocol": 230400, 8 data bits, no parity, 1 stop bit). */
export const LD06_BAUD_RATE = 230_400;
/** First byte of every packet (manual, "Data packet format": Header, fixed 0x54). */
export const LD06_HEADER = 0x54;
/** Second byte: packet type 1 (upper 3 bits) and 12 points (lower 5 bits) (manual, "Data packet format": VerLen, fixed 0x2C). */
export const LD06_VER_LEN = 0x2c;
/** Measurement points in one packet (manual, "Data packet format": POINT_PER_PACK 12). */
export const LD06_POINTS_PER_PACKET = 12;
/** Bytes in one packet, header to CRC (manual, "Data packet format": 1+1+2+2+12×3+2+2+1). */
export const LD06_PACKET_LENGTH = 47;
/** CRC8 generator polynomial, MSB first, initial value 0, no reflection, no final XOR (manual, "CRC check" table). */
export const LD06_CRC_POLYNOMIAL = 0x4d;
/** The timestamp field counts milliseconds modulo this (manual, "Data packet format": timestamp, max 30000). */
export const LD06_TIMESTAMP_WRAP_MS = 30_000;
/** Samples per second (manual, specification table: ranging frequency 4500 Hz). */
export const LD06_SAMPLES_PER_S = 4_500;
/** Nominal rotation, revolutions per second (manual, specification table: scan frequency 10 Hz typical). */
export const LD06_ROTATION_HZ = 10;
/** Nearest return the sensor measures, metres (manual, specification table: range 0.02–12 m). */
export const LD06_MIN_RANGE_M = 0.02;
/** Farthest return the sensor measures, metres (same table). */
export const LD06_MAX_RANGE_M = 12;

const OFFSET_SPEED = 2;
const OFFSET_START_ANGLE = 4;
const OFFSET_POINTS = 6;
const BYTES_PER_POINT = 3;
const OFFSET_END_ANGLE = 42;
const OFFSET_TIMESTAMP = 44;
const OFFSET_CRC = 46;
const CENTIDEGREES_PER_TURN = 36_000;

/** One measurement: distance 0 means "no return" (manual, "Data packet format"). */
export interface Ld06Point {
  /** Distance from the rotation centre, millimetres; 0 when the sensor saw nothing. */
  distanceMm: number;
  /** Return strength 0..255; about 200 for a white target within 6 m. */
  intensity: number;
}

/** One decoded packet. Angles are in the sensor's own frame: clockwise seen from above, 0° forward. */
export interface Ld06Packet {
  /** Rotation speed the sensor reports, degrees per second (3600 at 10 Hz). */
  speedDegPerS: number;
  /** Angle of the first point, degrees, 0.01° resolution, [0, 360). */
  startAngleDeg: number;
  /** Angle of the last point, degrees, 0.01° resolution, [0, 360); smaller than the start when the packet crosses 0°. */
  endAngleDeg: number;
  /** Sensor time, milliseconds, wraps at {@link LD06_TIMESTAMP_WRAP_MS}. */
  timestampMs: number;
  /** Exactly {@link LD06_POINTS_PER_PACKET} points, in scan order. */
  points: Ld06Point[];
}

/** What a decoder has seen so far; all counters only grow. */
export interface Ld06DecoderCounters {
  /** Packets that passed the CRC and were returned. */
  packets: number;
  /** Packets that started with 0x54 0x2C but failed the CRC. */
  badCrc: number;
  /** Bytes thrown away while looking for a packet start (garbage, and headers of packets that failed the CRC). */
  droppedBytes: number;
}

const CRC_TABLE = buildCrcTable(LD06_CRC_POLYNOMIAL);

function buildCrcTable(polynomial: number): Uint8Array {
  const table = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ polynomial) & 0xff : (crc << 1) & 0xff;
    table[byte] = crc;
  }
  return table;
}

/**
 * The LD06 CRC8 of the first `length` bytes (default: all of them). For a whole packet, pass
 * `LD06_PACKET_LENGTH - 1` and compare with the last byte.
 */
export function crc8Ld06(bytes: Uint8Array, length: number = bytes.length): number {
  const end = Math.min(Math.max(0, length), bytes.length);
  let crc = 0;
  for (let i = 0; i < end; i++) crc = CRC_TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number;
  return crc;
}

function readU16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] as number) | ((bytes[offset + 1] as number) << 8);
}

function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
}

/** Reads the fields of a packet already checked for header and CRC. */
function parsePacket(bytes: Uint8Array): Ld06Packet {
  const points: Ld06Point[] = new Array<Ld06Point>(LD06_POINTS_PER_PACKET);
  for (let i = 0; i < LD06_POINTS_PER_PACKET; i++) {
    const at = OFFSET_POINTS + i * BYTES_PER_POINT;
    points[i] = { distanceMm: readU16(bytes, at), intensity: bytes[at + 2] as number };
  }
  return {
    speedDegPerS: readU16(bytes, OFFSET_SPEED),
    startAngleDeg: readU16(bytes, OFFSET_START_ANGLE) / 100,
    endAngleDeg: readU16(bytes, OFFSET_END_ANGLE) / 100,
    timestampMs: readU16(bytes, OFFSET_TIMESTAMP),
    points,
  };
}

/**
 * A byte-fed state machine that turns the LD06 stream into packets. Chunk boundaries carry no
 * meaning: any split of the same stream gives the same packets. It hunts for 0x54 0x2C, collects
 * 47 bytes and checks the CRC; after a bad CRC it counts the packet and looks again from the byte
 * after the header, because the real header may sit inside the bad packet. It never throws.
 */
export class Ld06Decoder {
  private readonly buffer = new Uint8Array(LD06_PACKET_LENGTH);
  private readonly replay = new Uint8Array(LD06_PACKET_LENGTH - 1);
  private filled = 0;
  private packets = 0;
  private badCrc = 0;
  private droppedBytes = 0;

  /** Feeds bytes as they arrive; returns the packets they completed, in order (often none). */
  push(chunk: Uint8Array): Ld06Packet[] {
    const out: Ld06Packet[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const packet = this.step(chunk[i] as number);
      if (packet) out.push(packet);
    }
    return out;
  }

  /** Forgets a partly collected packet (after the port was reopened); its bytes count as dropped. */
  reset(): void {
    this.droppedBytes += this.filled;
    this.filled = 0;
  }

  /** Bytes held towards the next packet, 0..46. */
  pendingBytes(): number {
    return this.filled;
  }

  counters(): Ld06DecoderCounters {
    return { packets: this.packets, badCrc: this.badCrc, droppedBytes: this.droppedBytes };
  }

  private step(byte: number): Ld06Packet | undefined {
    if (this.filled === 0) {
      if (byte === LD06_HEADER) this.buffer[this.filled++] = byte;
      else this.droppedBytes++;
      return undefined;
    }
    if (this.filled === 1) {
      if (byte === LD06_VER_LEN) {
        this.buffer[this.filled++] = byte;
      } else if (byte === LD06_HEADER) {
        this.droppedBytes++;
      } else {
        this.droppedBytes += 2;
        this.filled = 0;
      }
      return undefined;
    }
    this.buffer[this.filled++] = byte;
    if (this.filled < LD06_PACKET_LENGTH) return undefined;

    if (crc8Ld06(this.buffer, OFFSET_CRC) === this.buffer[OFFSET_CRC]) {
      this.filled = 0;
      this.packets++;
      return parsePacket(this.buffer);
    }
    this.badCrc++;
    this.resyncAfterHeader();
    return undefined;
  }

  /**
   * Drops the header of a packet that failed its CRC and hunts again through the 46 bytes after
   * it. Those bytes cannot complete a packet on their own (46 < 47), so this never recurses.
   */
  private resyncAfterHeader(): void {
    this.replay.set(this.buffer.subarray(1));
    this.filled = 0;
    this.droppedBytes++;
    for (let i = 0; i < this.replay.length; i++) this.step(this.replay[i] as number);
  }
}

function clampInt(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.round(value)));
}

function toCentidegrees(angleDeg: number): number {
  if (!Number.isFinite(angleDeg)) return 0;
  const centi = Math.round(angleDeg * 100) % CENTIDEGREES_PER_TURN;
  return centi < 0 ? centi + CENTIDEGREES_PER_TURN : centi;
}

/**
 * The 47 bytes the sensor would send for `packet` (used by the simulator). Angles are wrapped to
 * [0, 360) and rounded to 0.01°, the timestamp is taken modulo 30000 ms, distances and
 * intensities are rounded and clamped to their field widths. Throws a RangeError unless there
 * are exactly 12 points.
 */
export function encodeLd06Packet(packet: Ld06Packet): Uint8Array {
  if (packet.points.length !== LD06_POINTS_PER_PACKET) {
    throw new RangeError(`an LD06 packet has ${LD06_POINTS_PER_PACKET} points, got ${packet.points.length}`);
  }
  const bytes = new Uint8Array(LD06_PACKET_LENGTH);
  bytes[0] = LD06_HEADER;
  bytes[1] = LD06_VER_LEN;
  writeU16(bytes, OFFSET_SPEED, clampInt(packet.speedDegPerS, 0, 0xffff));
  writeU16(bytes, OFFSET_START_ANGLE, toCentidegrees(packet.startAngleDeg));
  for (let i = 0; i < LD06_POINTS_PER_PACKET; i++) {
    const point = packet.points[i] as Ld06Point;
    const at = OFFSET_POINTS + i * BYTES_PER_POINT;
    writeU16(bytes, at, clampInt(point.distanceMm, 0, 0xffff));
    bytes[at + 2] = clampInt(point.intensity, 0, 0xff);
  }
  writeU16(bytes, OFFSET_END_ANGLE, toCentidegrees(packet.endAngleDeg));
  const timestampMs = Number.isFinite(packet.timestampMs) ? Math.round(packet.timestampMs) : 0;
  const wrappedMs = ((timestampMs % LD06_TIMESTAMP_WRAP_MS) + LD06_TIMESTAMP_WRAP_MS) % LD06_TIMESTAMP_WRAP_MS;
  writeU16(bytes, OFFSET_TIMESTAMP, wrappedMs);
  bytes[OFFSET_CRC] = crc8Ld06(bytes, OFFSET_CRC);
  return bytes;
}

/**
 * The sensor-frame angle of each point, degrees in [0, 360) (clockwise, 0° forward): the points
 * are spread evenly from the start to the end angle, `start + (end - start) * i / 11`, always
 * turning clockwise: an end angle smaller than the start means the packet crossed 0°.
 */
export function pointAnglesDeg(packet: Pick<Ld06Packet, 'startAngleDeg' | 'endAngleDeg'>): number[] {
  let spanDeg = packet.endAngleDeg - packet.startAngleDeg;
  if (spanDeg < 0) spanDeg += 360;
  const angles = new Array<number>(LD06_POINTS_PER_PACKET);
  for (let i = 0; i < LD06_POINTS_PER_PACKET; i++) {
    const angle = (packet.startAngleDeg + (spanDeg * i) / (LD06_POINTS_PER_PACKET - 1)) % 360;
    angles[i] = angle < 0 ? angle + 360 : angle;
  }
  return angles;
}
