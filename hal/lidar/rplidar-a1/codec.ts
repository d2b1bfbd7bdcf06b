/**
 * The Slamtec RPLIDAR A1 serial protocol (legacy SCAN mode): a pure codec, no I/O and no timers.
 *
 * Source: Slamtec "RPLIDAR Interface Protocol and Application Notes" (applies to A1 and A2),
 * chapter 2 "Protocol basics" (Figure 2-4 request packet format, Figures 2-5 to 2-8 response
 * descriptor and send modes) and chapter 4 "Requests and responses" (Figure 4-1 the requests,
 * Figures 4-4/4-5 the measurement node, 4-16/4-17 device info, 4-19/4-20 device health);
 * "RPLIDAR A1 Introduction and Datasheet" (A1M8), Figure 2-1 performance and the UART table.
 *
 * Host to sensor, a request: `0xA5 cmd` (commands ≥ 0x80 add `size payload… checksum`, the
 * checksum the XOR of every byte before it). Sensor to host, a response: a 7-byte descriptor
 * `0xA5 0x5A len0 len1 len2 len3|mode<<6 type` (30-bit little-endian length of each data packet,
 * 2-bit send mode: 0 one packet, 1 packets until the next request), then the data packets.
 *
 * Measurement node (SCAN, data type 0x81, 5 bytes, multiple-response mode):
 *
 * | offset | bits | field                                                    |
 * |-------:|------|----------------------------------------------------------|
 * |      0 | 7..2 | quality (reflected pulse strength, 0..63)                |
 * |      0 |    1 | !S, the inverse of S (a check bit)                       |
 * |      0 |    0 | S, start of a new 360° scan                              |
 * |      1 | 7..1 | angle_q6 bits 6..0                                       |
 * |      1 |    0 | C, check bit, always 1                                   |
 * |      2 | 7..0 | angle_q6 bits 14..7; heading = angle_q6 / 64 degrees     |
 * |    3–4 |   16 | distance_q2, little-endian; distance = distance_q2 / 4 mm, 0 = invalid |
 *
 * Headings grow clockwise seen from above, from the sensor's 0° mark (Figure 4-6).
 */

/** Line speed, baud (A1 datasheet, UART table: 115200, 8N1). */
export const RPLIDAR_A1_BAUD_RATE = 115_200;
/** First byte of every request, and of every response descriptor (Figures 2-4, 2-5). */
export const RPLIDAR_SYNC_BYTE = 0xa5;
/** Second byte of a response descriptor (Figure 2-5). */
export const RPLIDAR_DESCRIPTOR_SYNC_BYTE = 0x5a;
/** Bytes in a response descriptor (Figure 2-5: 2 sync, 4 length and mode, 1 type). */
export const RPLIDAR_DESCRIPTOR_LENGTH = 7;
/** Commands at or above this carry a payload, its size and a checksum (Figure 2-4). */
export const RPLIDAR_PAYLOAD_COMMAND_FLAG = 0x80;

/** Request commands (Figure 4-1). STOP and RESET get no response. */
export const RplidarCommand = {
  /** Leave scanning, idle; no response; wait ≥ 1 ms before the next request. */
  STOP: 0x25,
  /** Reboot the core (escapes a protection stop); no response; wait ≥ 2 ms. */
  RESET: 0x40,
  /** Start scanning: descriptor, then a measurement node per sample until the next request. */
  SCAN: 0x20,
  /** Model, firmware, hardware and serial number. */
  GET_INFO: 0x50,
  /** Health status and error code. */
  GET_HEALTH: 0x52,
} as const;

/** Send modes of a response descriptor (Figure 2-8). */
export const RplidarSendMode = {
  /** One data packet, then the session ends. */
  SINGLE: 0,
  /** Data packets of the same format until the host sends another request. */
  MULTIPLE: 1,
} as const;

/** Data types of the responses this codec knows (Figures 4-4, 4-16, 4-19). */
export const RplidarDataType = {
  DEVICE_INFO: 0x04,
  DEVICE_HEALTH: 0x06,
  MEASUREMENT: 0x81,
} as const;

/** Bytes in one data packet of each known type (Figures 4-4, 4-16, 4-19). */
export const RPLIDAR_INFO_LENGTH = 20;
export const RPLIDAR_HEALTH_LENGTH = 3;
export const RPLIDAR_NODE_LENGTH = 5;

/** The responses the decoder accepts: any other descriptor is taken for garbage. */
const KNOWN_RESPONSES: ReadonlyArray<{ dataType: number; length: number; sendMode: number }> = [
  { dataType: RplidarDataType.DEVICE_INFO, length: RPLIDAR_INFO_LENGTH, sendMode: RplidarSendMode.SINGLE },
  { dataType: RplidarDataType.DEVICE_HEALTH, length: RPLIDAR_HEALTH_LENGTH, sendMode: RplidarSendMode.SINGLE },
  { dataType: RplidarDataType.MEASUREMENT, length: RPLIDAR_NODE_LENGTH, sendMode: RplidarSendMode.MULTIPLE },
];

const LENGTH_MASK = 0x3fff_ffff;
const ANGLE_Q6_PER_DEG = 64;
const DISTANCE_Q2_PER_MM = 4;
const MAX_ANGLE_Q6 = 0x7fff;
const MAX_DISTANCE_Q2 = 0xffff;
const MAX_QUALITY = 0x3f;

/** One request, as the host sends it. */
export interface RplidarRequest {
  command: number;
  /** Only for commands ≥ 0x80; empty otherwise. */
  payload: Uint8Array;
}

/** A response descriptor: what the data packets after it look like. */
export interface RplidarDescriptor {
  /** Bytes in each data packet, 0 .. 2^30 − 1. */
  length: number;
  /** {@link RplidarSendMode}. */
  sendMode: number;
  /** {@link RplidarDataType}. */
  dataType: number;
}

/** Health status values (Figure 4-20). */
export type RplidarHealthStatus = 'good' | 'warning' | 'error';

/** GET_HEALTH data (Figure 4-20). */
export interface RplidarHealth {
  /** `warning`: a risk of failure, still working; `error`: protection stop, a RESET may clear it. */
  status: RplidarHealthStatus;
  /** The code of the warning or error, 0 when good. */
  errorCode: number;
}

/** GET_INFO data (Figure 4-17). */
export interface RplidarDeviceInfo {
  /** Model id: the A1M8 reports 0x18 (upper nibble the series, lower the model). */
  model: number;
  firmwareMajor: number;
  firmwareMinor: number;
  hardware: number;
  /** 128-bit serial number, 32 hex digits, least significant byte first (as the protocol prints it). */
  serialNumber: string;
}

/** One measurement (Figure 4-5). */
export interface RplidarScanNode {
  /** This sample begins a new 360° scan. */
  startFlag: boolean;
  /** Reflected pulse strength, 0..63; 0 with an invalid distance. */
  quality: number;
  /** Heading, degrees in [0, 360), 1/64° resolution, clockwise from the sensor's 0° mark. */
  angleDeg: number;
  /** Distance from the rotation centre, millimetres, 0.25 mm resolution; 0 when invalid. */
  distanceMm: number;
}

/** What the response decoder returns, in stream order. */
export type RplidarResponse =
  | { kind: 'descriptor'; descriptor: RplidarDescriptor }
  | { kind: 'health'; health: RplidarHealth }
  | { kind: 'info'; info: RplidarDeviceInfo }
  | { kind: 'node'; node: RplidarScanNode };

/** What a response decoder has seen so far; all counters only grow. */
export interface RplidarResponseDecoderCounters {
  /** Descriptors of a known response that were accepted. */
  descriptors: number;
  /** 0xA5 0x5A starts whose descriptor was not a known response (garbage, or a reply not asked for). */
  badDescriptors: number;
  /** Health and info packets decoded. */
  responses: number;
  /** Measurement nodes that passed both check bits. */
  nodes: number;
  /** 5-byte windows in a scan stream that failed a check bit (the decoder then slides one byte). */
  badNodes: number;
  /** Bytes thrown away: outside any response, in bad descriptors, or skipped to realign nodes. */
  droppedBytes: number;
}

/** Request checksum: XOR of every byte before it, start flag included (Figure 2-4). */
export function rplidarChecksum(bytes: Uint8Array, length: number = bytes.length): number {
  const end = Math.min(Math.max(0, length), bytes.length);
  let sum = 0;
  for (let i = 0; i < end; i++) sum ^= bytes[i] as number;
  return sum;
}

/**
 * The bytes of a request: `0xA5 command`, and for commands ≥ 0x80 the payload size, the payload
 * and the checksum. Throws a RangeError for a command outside 0..255, a payload on a command
 * below 0x80, or a payload over 255 bytes.
 */
export function encodeRplidarRequest(command: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!Number.isInteger(command) || command < 0 || command > 0xff) {
    throw new RangeError(`an RPLIDAR command is one byte, got ${command}`);
  }
  if (command < RPLIDAR_PAYLOAD_COMMAND_FLAG) {
    if (payload.length > 0) throw new RangeError(`command 0x${command.toString(16)} carries no payload`);
    return Uint8Array.of(RPLIDAR_SYNC_BYTE, command);
  }
  if (payload.length > 0xff) throw new RangeError(`an RPLIDAR payload is at most 255 bytes, got ${payload.length}`);
  const bytes = new Uint8Array(3 + payload.length + 1);
  bytes[0] = RPLIDAR_SYNC_BYTE;
  bytes[1] = command;
  bytes[2] = payload.length;
  bytes.set(payload, 3);
  bytes[bytes.length - 1] = rplidarChecksum(bytes, bytes.length - 1);
  return bytes;
}

/** The 7 bytes of a response descriptor. Length is masked to 30 bits, the mode to 2. */
export function encodeRplidarDescriptor(descriptor: RplidarDescriptor): Uint8Array {
  const length = Math.max(0, Math.trunc(descriptor.length)) & LENGTH_MASK;
  const word = (length | ((descriptor.sendMode & 0x3) << 30)) >>> 0;
  return Uint8Array.of(
    RPLIDAR_SYNC_BYTE,
    RPLIDAR_DESCRIPTOR_SYNC_BYTE,
    word & 0xff,
    (word >>> 8) & 0xff,
    (word >>> 16) & 0xff,
    (word >>> 24) & 0xff,
    descriptor.dataType & 0xff,
  );
}

const HEALTH_CODES: readonly RplidarHealthStatus[] = ['good', 'warning', 'error'];

/** The 3 data bytes of a GET_HEALTH response: status, error code (u16 little-endian). */
export function encodeRplidarHealth(health: RplidarHealth): Uint8Array {
  const code = clampInt(health.errorCode, 0, 0xffff);
  return Uint8Array.of(HEALTH_CODES.indexOf(health.status), code & 0xff, code >>> 8);
}

/**
 * The 20 data bytes of a GET_INFO response. The serial number is 32 hex digits, least
 * significant byte first; missing digits read as 0.
 */
export function encodeRplidarDeviceInfo(info: RplidarDeviceInfo): Uint8Array {
  const bytes = new Uint8Array(RPLIDAR_INFO_LENGTH);
  bytes[0] = clampInt(info.model, 0, 0xff);
  bytes[1] = clampInt(info.firmwareMinor, 0, 0xff);
  bytes[2] = clampInt(info.firmwareMajor, 0, 0xff);
  bytes[3] = clampInt(info.hardware, 0, 0xff);
  for (let i = 0; i < 16; i++) {
    const pair = info.serialNumber.slice(i * 2, i * 2 + 2);
    const value = parseInt(pair, 16);
    bytes[4 + i] = Number.isFinite(value) ? value & 0xff : 0;
  }
  return bytes;
}

/**
 * The 5 bytes of a measurement node. The angle is wrapped to [0, 360) and rounded to 1/64°, the
 * distance rounded to 0.25 mm and clamped to 16383.75 mm, the quality clamped to 0..63.
 */
export function encodeRplidarScanNode(node: RplidarScanNode): Uint8Array {
  const quality = clampInt(node.quality, 0, MAX_QUALITY);
  const turnQ6 = 360 * ANGLE_Q6_PER_DEG;
  const rawAngle = Number.isFinite(node.angleDeg) ? Math.round(node.angleDeg * ANGLE_Q6_PER_DEG) % turnQ6 : 0;
  const angleQ6 = Math.min(MAX_ANGLE_Q6, rawAngle < 0 ? rawAngle + turnQ6 : rawAngle);
  const distanceQ2 = clampInt(node.distanceMm * DISTANCE_Q2_PER_MM, 0, MAX_DISTANCE_Q2);
  const start = node.startFlag ? 1 : 0;
  return Uint8Array.of(
    (quality << 2) | ((start ^ 1) << 1) | start,
    ((angleQ6 & 0x7f) << 1) | 1,
    angleQ6 >>> 7,
    distanceQ2 & 0xff,
    distanceQ2 >>> 8,
  );
}

/** Whether 5 bytes pass both check bits of a node: S ≠ !S, and C = 1. */
function nodeChecksPass(byte0: number, byte1: number): boolean {
  return (byte0 & 1) !== ((byte0 >>> 1) & 1) && (byte1 & 1) === 1;
}

function parseNode(bytes: Uint8Array): RplidarScanNode {
  const byte0 = bytes[0] as number;
  const angleQ6 = ((bytes[1] as number) >>> 1) | ((bytes[2] as number) << 7);
  const distanceQ2 = (bytes[3] as number) | ((bytes[4] as number) << 8);
  return {
    startFlag: (byte0 & 1) === 1,
    quality: byte0 >>> 2,
    angleDeg: angleQ6 / ANGLE_Q6_PER_DEG,
    distanceMm: distanceQ2 / DISTANCE_Q2_PER_MM,
  };
}

function parseHealth(bytes: Uint8Array): RplidarHealth {
  const status = HEALTH_CODES[bytes[0] as number] ?? 'error';
  return { status, errorCode: (bytes[1] as number) | ((bytes[2] as number) << 8) };
}

function parseInfo(bytes: Uint8Array): RplidarDeviceInfo {
  let serialNumber = '';
  for (let i = 4; i < RPLIDAR_INFO_LENGTH; i++) serialNumber += (bytes[i] as number).toString(16).padStart(2, '0');
  return {
    model: bytes[0] as number,
    firmwareMinor: bytes[1] as number,
    firmwareMajor: bytes[2] as number,
    hardware: bytes[3] as number,
    serialNumber: serialNumber.toUpperCase(),
  };
}

function parseDescriptor(bytes: Uint8Array): RplidarDescriptor {
  const word =
    ((bytes[2] as number) |
      ((bytes[3] as number) << 8) |
      ((bytes[4] as number) << 16) |
      ((bytes[5] as number) << 24)) >>>
    0;
  return { length: word & LENGTH_MASK, sendMode: word >>> 30, dataType: bytes[6] as number };
}

function isKnownResponse(descriptor: RplidarDescriptor): boolean {
  return KNOWN_RESPONSES.some(
    (known) =>
      known.dataType === descriptor.dataType &&
      known.length === descriptor.length &&
      known.sendMode === descriptor.sendMode,
  );
}

/**
 * A byte-fed state machine that turns what the sensor sends into responses. Chunk boundaries
 * carry no meaning. It hunts for a descriptor (`0xA5 0x5A`) and accepts only the three it knows
 * (info, health, scan); a bad one is counted and the hunt goes on from the byte after its 0xA5,
 * because the real descriptor may start inside it. After an info or health descriptor it returns
 * the one data packet that follows, then hunts again. After a scan descriptor it returns nodes
 * until {@link RplidarResponseDecoder.expectResponse} is called (the host does so with every new
 * request: only then can a new descriptor come); a 5-byte window that fails a check bit is
 * counted, its first byte dropped and the window slid on. Two check bits per node can let a
 * misaligned window pass now and then; the next failing window realigns it. It never throws.
 */
export class RplidarResponseDecoder {
  private readonly buffer = new Uint8Array(Math.max(RPLIDAR_DESCRIPTOR_LENGTH, RPLIDAR_INFO_LENGTH));
  private filled = 0;
  /** What the bytes in `buffer` are: a descriptor being hunted, or a data packet of the current response. */
  private reading: 'descriptor' | 'data' = 'descriptor';
  private current: RplidarDescriptor | undefined;
  private readonly stats: RplidarResponseDecoderCounters = {
    descriptors: 0,
    badDescriptors: 0,
    responses: 0,
    nodes: 0,
    badNodes: 0,
    droppedBytes: 0,
  };

  /** Feeds bytes as they arrive; returns the responses they completed, in order (often none). */
  push(chunk: Uint8Array): RplidarResponse[] {
    const out: RplidarResponse[] = [];
    for (let i = 0; i < chunk.length; i++) this.step(chunk[i] as number, out);
    return out;
  }

  /**
   * A new request went out: whatever comes next starts with a descriptor. Ends a scan stream;
   * the bytes of a partial packet count as dropped.
   */
  expectResponse(): void {
    this.stats.droppedBytes += this.filled;
    this.filled = 0;
    this.reading = 'descriptor';
    this.current = undefined;
  }

  /** Whether a scan stream is being decoded (a scan descriptor came, and no new request since). */
  inScanStream(): boolean {
    return this.reading === 'data' && this.current?.dataType === RplidarDataType.MEASUREMENT;
  }

  /** Bytes held towards the next descriptor or data packet. */
  pendingBytes(): number {
    return this.filled;
  }

  counters(): RplidarResponseDecoderCounters {
    return { ...this.stats };
  }

  private step(byte: number, out: RplidarResponse[]): void {
    if (this.reading === 'descriptor') this.stepDescriptor(byte, out);
    else this.stepData(byte, out);
  }

  private stepDescriptor(byte: number, out: RplidarResponse[]): void {
    if (this.filled === 0) {
      if (byte === RPLIDAR_SYNC_BYTE) this.buffer[this.filled++] = byte;
      else this.stats.droppedBytes++;
      return;
    }
    if (this.filled === 1) {
      if (byte === RPLIDAR_DESCRIPTOR_SYNC_BYTE) {
        this.buffer[this.filled++] = byte;
      } else if (byte === RPLIDAR_SYNC_BYTE) {
        this.stats.droppedBytes++;
      } else {
        this.stats.droppedBytes += 2;
        this.filled = 0;
      }
      return;
    }
    this.buffer[this.filled++] = byte;
    if (this.filled < RPLIDAR_DESCRIPTOR_LENGTH) return;

    const descriptor = parseDescriptor(this.buffer);
    if (isKnownResponse(descriptor)) {
      this.filled = 0;
      this.stats.descriptors++;
      this.reading = 'data';
      this.current = descriptor;
      out.push({ kind: 'descriptor', descriptor });
      return;
    }
    this.stats.badDescriptors++;
    this.replayFrom(1, out);
  }

  private stepData(byte: number, out: RplidarResponse[]): void {
    const descriptor = this.current as RplidarDescriptor;
    this.buffer[this.filled++] = byte;
    if (descriptor.dataType === RplidarDataType.MEASUREMENT) {
      if (this.filled === 2 && !nodeChecksPass(this.buffer[0] as number, this.buffer[1] as number)) {
        this.stats.badNodes++;
        this.replayFrom(1, out);
        return;
      }
      if (this.filled < RPLIDAR_NODE_LENGTH) return;
      this.filled = 0;
      this.stats.nodes++;
      out.push({ kind: 'node', node: parseNode(this.buffer) });
      return;
    }
    if (this.filled < descriptor.length) return;
    this.filled = 0;
    this.stats.responses++;
    this.reading = 'descriptor';
    this.current = undefined;
    if (descriptor.dataType === RplidarDataType.DEVICE_HEALTH)
      out.push({ kind: 'health', health: parseHealth(this.buffer) });
    else out.push({ kind: 'info', info: parseInfo(this.buffer) });
  }

  /**
   * Drops the first `skip` bytes held and feeds the rest through again. What is replayed is
   * shorter than what was held, so this always ends.
   */
  private replayFrom(skip: number, out: RplidarResponse[]): void {
    const replay = this.buffer.slice(skip, this.filled);
    this.stats.droppedBytes += skip;
    this.filled = 0;
    for (let i = 0; i < replay.length; i++) this.step(replay[i] as number, out);
  }
}

/** What a request decoder has seen so far; all counters only grow. */
export interface RplidarRequestDecoderCounters {
  requests: number;
  /** Payload requests whose checksum did not match. */
  badChecksums: number;
  /** Bytes outside any request (and in requests that failed their checksum). */
  droppedBytes: number;
}

/**
 * The sensor's side: turns the bytes a host sends into requests (the simulator's model uses it).
 * `0xA5` starts a request; for commands ≥ 0x80 it reads the size, the payload and the checksum
 * and drops the request when the checksum does not match. It never throws.
 */
export class RplidarRequestDecoder {
  private readonly held: number[] = [];
  private readonly stats: RplidarRequestDecoderCounters = { requests: 0, badChecksums: 0, droppedBytes: 0 };

  push(chunk: Uint8Array): RplidarRequest[] {
    const out: RplidarRequest[] = [];
    for (let i = 0; i < chunk.length; i++) this.step(chunk[i] as number, out);
    return out;
  }

  counters(): RplidarRequestDecoderCounters {
    return { ...this.stats };
  }

  private step(byte: number, out: RplidarRequest[]): void {
    const held = this.held;
    if (held.length === 0) {
      if (byte === RPLIDAR_SYNC_BYTE) held.push(byte);
      else this.stats.droppedBytes++;
      return;
    }
    held.push(byte);
    const command = held[1] as number;
    if (command < RPLIDAR_PAYLOAD_COMMAND_FLAG) {
      held.length = 0;
      this.stats.requests++;
      out.push({ command, payload: new Uint8Array(0) });
      return;
    }
    if (held.length < 3) return;
    const size = held[2] as number;
    if (held.length < 3 + size + 1) return;
    const bytes = Uint8Array.from(held);
    held.length = 0;
    if (rplidarChecksum(bytes, bytes.length - 1) !== bytes[bytes.length - 1]) {
      this.stats.badChecksums++;
      this.stats.droppedBytes += bytes.length;
      return;
    }
    this.stats.requests++;
    out.push({ command, payload: bytes.slice(3, 3 + size) });
  }
}

function clampInt(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.round(value)));
}
