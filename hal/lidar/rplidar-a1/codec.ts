/**
 * The Slamtec RPLIDAR A1 serial protocol: a pure codec, no I/O and no timers. The express scan's
 * capsules are in `express-codec.ts`.
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

import {
  RPLIDAR_CAPSULE_LENGTH,
  RPLIDAR_CAPSULE_SYNC1,
  RPLIDAR_CAPSULE_SYNC2,
  isRplidarCapsule,
  parseRplidarCapsule,
  type RplidarCapsule,
} from './express-codec.js';

/** Line speed, baud (A1 datasheet, UART table: 115200, 8N1). */
export const RPLIDAR_A1_BAUD_RATE = 115_200;
/** Nearest return the A1 reports, metres (A1M8 datasheet, Figure 2-1: range 0.15–12 m). */
export const RPLIDAR_A1_MIN_RANGE_M = 0.15;
/** Farthest return, metres (same table). */
export const RPLIDAR_A1_MAX_RANGE_M = 12;
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
  /** SCAN without waiting for the motor to reach a stable speed; same nodes. */
  FORCE_SCAN: 0x21,
  /** Express scan: payload {@link encodeRplidarExpressScanPayload}; answer: capsules (type 0x82). */
  EXPRESS_SCAN: 0x82,
  /** Sample duration of the standard and express scans (firmware ≥ 1.17). */
  GET_SAMPLERATE: 0x59,
  /** One configuration value: payload u32 type (+ u16 scan mode id); firmware ≥ 1.24. */
  GET_LIDAR_CONF: 0x84,
  /** Motor PWM, payload u16 (A2/A3 only: an A1's motor is switched by MOTOCTL, here DTR). */
  SET_MOTOR_PWM: 0xf0,
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
  /** GET_SAMPLERATE: u16 Tstandard, u16 Texpress, microseconds per sample. */
  SAMPLE_RATE: 0x15,
  /** GET_LIDAR_CONF: u32 type echoed, then the value. */
  LIDAR_CONF: 0x20,
  MEASUREMENT: 0x81,
  /** EXPRESS_SCAN: 84-byte capsules (`express-codec.ts`). */
  MEASUREMENT_CAPSULED: 0x82,
} as const;

/**
 * GET_LIDAR_CONF types (Interface Protocol, GET_LIDAR_CONF; Slamtec SDK `sl_lidar_cmd.h`). The
 * per-mode ones take the scan mode id (u16) after the type.
 */
export const RplidarConfType = {
  /** u16: how many scan modes the firmware has (ids 0 .. count − 1). */
  SCAN_MODE_COUNT: 0x70,
  /** u32 Q8: microseconds per sample of a mode. */
  US_PER_SAMPLE: 0x71,
  /** u32 Q8: the farthest range of a mode, metres. */
  MAX_DISTANCE: 0x74,
  /** u8: the answer type the mode streams ({@link RplidarDataType}). */
  ANS_TYPE: 0x75,
  /** u16: the id of the mode the firmware recommends. */
  TYPICAL: 0x7c,
  /** NUL-terminated ASCII: the mode's name. */
  NAME: 0x7f,
} as const;

/** Scan mode ids every firmware has: 0 is the standard SCAN, 1 the (legacy) express scan. */
export const RPLIDAR_SCAN_MODE_STANDARD = 0;
export const RPLIDAR_SCAN_MODE_EXPRESS = 1;

/** Bytes in one data packet of each known type (Figures 4-4, 4-16, 4-19). */
export const RPLIDAR_INFO_LENGTH = 20;
export const RPLIDAR_HEALTH_LENGTH = 3;
export const RPLIDAR_NODE_LENGTH = 5;
export const RPLIDAR_SAMPLE_RATE_LENGTH = 4;
/** A configuration answer is the u32 type and at least one byte of value; names are short. */
const MIN_CONF_LENGTH = 5;
export const RPLIDAR_MAX_CONF_LENGTH = 4 + 32;

/** The responses the decoder accepts: any other descriptor is taken for garbage. */
const KNOWN_RESPONSES: ReadonlyArray<{ dataType: number; length: number; sendMode: number }> = [
  { dataType: RplidarDataType.DEVICE_INFO, length: RPLIDAR_INFO_LENGTH, sendMode: RplidarSendMode.SINGLE },
  { dataType: RplidarDataType.DEVICE_HEALTH, length: RPLIDAR_HEALTH_LENGTH, sendMode: RplidarSendMode.SINGLE },
  { dataType: RplidarDataType.MEASUREMENT, length: RPLIDAR_NODE_LENGTH, sendMode: RplidarSendMode.MULTIPLE },
  { dataType: RplidarDataType.SAMPLE_RATE, length: RPLIDAR_SAMPLE_RATE_LENGTH, sendMode: RplidarSendMode.SINGLE },
  {
    dataType: RplidarDataType.MEASUREMENT_CAPSULED,
    length: RPLIDAR_CAPSULE_LENGTH,
    sendMode: RplidarSendMode.MULTIPLE,
  },
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

/** GET_SAMPLERATE data: microseconds per sample in each scan. */
export interface RplidarSampleRate {
  standardUs: number;
  expressUs: number;
}

/** GET_LIDAR_CONF data: the type it answers, and the value's bytes. */
export interface RplidarConf {
  /** {@link RplidarConfType}. */
  type: number;
  value: Uint8Array;
}

/** What the response decoder returns, in stream order. */
export type RplidarResponse =
  | { kind: 'descriptor'; descriptor: RplidarDescriptor }
  | { kind: 'health'; health: RplidarHealth }
  | { kind: 'info'; info: RplidarDeviceInfo }
  | { kind: 'sample-rate'; sampleRate: RplidarSampleRate }
  | { kind: 'conf'; conf: RplidarConf }
  | { kind: 'node'; node: RplidarScanNode }
  | { kind: 'capsule'; capsule: RplidarCapsule };

/** What a response decoder has seen so far; all counters only grow. */
export interface RplidarResponseDecoderCounters {
  /** Descriptors of a known response that were accepted. */
  descriptors: number;
  /** 0xA5 0x5A starts whose descriptor was not a known response (garbage, or a reply not asked for). */
  badDescriptors: number;
  /** Single-packet answers decoded (health, info, sample rate, configuration). */
  responses: number;
  /** Measurement nodes that passed both check bits. */
  nodes: number;
  /** 5-byte windows in a scan stream that failed a check bit (the decoder then slides one byte). */
  badNodes: number;
  /** Express capsules that passed their sync nibbles and checksum. */
  capsules: number;
  /** 84-byte windows in an express stream that failed a sync nibble or the checksum (then: slide one byte). */
  badCapsules: number;
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
 * and the checksum. Throws a RangeError for a command outside 0..255 or the sync byte 0xA5 (a
 * sensor reads `A5 A5` as a restart), a payload on a command below 0x80, or a payload over 255 bytes.
 */
export function encodeRplidarRequest(command: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!Number.isInteger(command) || command < 0 || command > 0xff) {
    throw new RangeError(`an RPLIDAR command is one byte, got ${command}`);
  }
  if (command === RPLIDAR_SYNC_BYTE) throw new RangeError('0xA5 is the sync byte, not a command');
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

/** The 4 data bytes of a GET_SAMPLERATE response: Tstandard, Texpress (u16 little-endian, µs). */
export function encodeRplidarSampleRate(rate: RplidarSampleRate): Uint8Array {
  const standard = clampInt(rate.standardUs, 0, 0xffff);
  const express = clampInt(rate.expressUs, 0, 0xffff);
  return Uint8Array.of(standard & 0xff, standard >>> 8, express & 0xff, express >>> 8);
}

/**
 * The payload of an EXPRESS_SCAN request: working mode (0: the legacy express scan; another id:
 * that scan mode), then u16 working flags and u16 parameter, both 0.
 */
export function encodeRplidarExpressScanPayload(workingMode = 0): Uint8Array {
  return Uint8Array.of(clampInt(workingMode, 0, 0xff), 0, 0, 0, 0);
}

/** The payload of a GET_LIDAR_CONF request: u32 type, then the u16 scan mode id for per-mode types. */
export function encodeRplidarConfRequestPayload(type: number, modeId?: number): Uint8Array {
  const typeBytes = u32le(type);
  if (modeId === undefined) return typeBytes;
  const mode = clampInt(modeId, 0, 0xffff);
  return Uint8Array.of(...typeBytes, mode & 0xff, mode >>> 8);
}

/** The scan mode a GET_LIDAR_CONF request asks about (0 when it names none), and its type. */
export function parseRplidarConfRequestPayload(payload: Uint8Array): { type: number; modeId: number } | undefined {
  if (payload.length < 4) return undefined;
  const type = readU32le(payload, 0);
  const modeId = payload.length >= 6 ? (payload[4] as number) | ((payload[5] as number) << 8) : 0;
  return { type, modeId };
}

/** A configuration value: a number for every type but {@link RplidarConfType.NAME}, a string for it. */
export type RplidarConfValue = number | string;

/**
 * The data bytes of a GET_LIDAR_CONF response: the u32 type, then the value in the type's format
 * (u16 count and typical mode, u32 Q8 µs per sample and metres, u8 answer type, NUL-terminated name).
 */
export function encodeRplidarConfAnswer(type: number, value: RplidarConfValue): Uint8Array {
  const head = u32le(type);
  let body: Uint8Array;
  switch (type) {
    case RplidarConfType.SCAN_MODE_COUNT:
    case RplidarConfType.TYPICAL: {
      const v = clampInt(Number(value), 0, 0xffff);
      body = Uint8Array.of(v & 0xff, v >>> 8);
      break;
    }
    case RplidarConfType.US_PER_SAMPLE:
    case RplidarConfType.MAX_DISTANCE:
      body = u32le(clampInt(Number(value) * 256, 0, 0xffff_ffff));
      break;
    case RplidarConfType.ANS_TYPE:
      body = Uint8Array.of(clampInt(Number(value), 0, 0xff));
      break;
    default: {
      const text = String(value).slice(0, RPLIDAR_MAX_CONF_LENGTH - 5);
      body = Uint8Array.from([...text].map((c) => c.charCodeAt(0) & 0x7f).concat(0));
    }
  }
  return Uint8Array.of(...head, ...body);
}

/**
 * The value of a configuration answer, read in its type's format; undefined when it is too short
 * for it. Unknown types read as a name.
 */
export function decodeRplidarConfValue(conf: RplidarConf): RplidarConfValue | undefined {
  const v = conf.value;
  switch (conf.type) {
    case RplidarConfType.SCAN_MODE_COUNT:
    case RplidarConfType.TYPICAL:
      return v.length >= 2 ? (v[0] as number) | ((v[1] as number) << 8) : undefined;
    case RplidarConfType.US_PER_SAMPLE:
    case RplidarConfType.MAX_DISTANCE:
      return v.length >= 4 ? readU32le(v, 0) / 256 : undefined;
    case RplidarConfType.ANS_TYPE:
      return v.length >= 1 ? (v[0] as number) : undefined;
    default: {
      const end = v.indexOf(0);
      return String.fromCharCode(...v.subarray(0, end < 0 ? v.length : end));
    }
  }
}

function u32le(value: number): Uint8Array {
  const v = clampInt(value, 0, 0xffff_ffff);
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}

function readU32le(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) |
      ((bytes[at + 1] as number) << 8) |
      ((bytes[at + 2] as number) << 16) |
      ((bytes[at + 3] as number) << 24)) >>>
    0
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

function parseSingleResponse(dataType: number, bytes: Uint8Array): RplidarResponse {
  switch (dataType) {
    case RplidarDataType.DEVICE_HEALTH:
      return { kind: 'health', health: parseHealth(bytes) };
    case RplidarDataType.SAMPLE_RATE:
      return {
        kind: 'sample-rate',
        sampleRate: {
          standardUs: (bytes[0] as number) | ((bytes[1] as number) << 8),
          expressUs: (bytes[2] as number) | ((bytes[3] as number) << 8),
        },
      };
    case RplidarDataType.LIDAR_CONF:
      return { kind: 'conf', conf: { type: readU32le(bytes, 0), value: bytes.slice(4) } };
    default:
      return { kind: 'info', info: parseInfo(bytes) };
  }
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
  if (descriptor.dataType === RplidarDataType.LIDAR_CONF) {
    return (
      descriptor.sendMode === RplidarSendMode.SINGLE &&
      descriptor.length >= MIN_CONF_LENGTH &&
      descriptor.length <= RPLIDAR_MAX_CONF_LENGTH
    );
  }
  return KNOWN_RESPONSES.some(
    (known) =>
      known.dataType === descriptor.dataType &&
      known.length === descriptor.length &&
      known.sendMode === descriptor.sendMode,
  );
}

/**
 * A byte-fed state machine that turns what the sensor sends into responses. Chunk boundaries
 * carry no meaning. It hunts for a descriptor (`0xA5 0x5A`) and accepts only those it knows
 * (info, health, sample rate, configuration of 5..36 bytes, scan, express scan); a bad one is
 * counted and the hunt goes on from the byte after its 0xA5, because the real descriptor may start
 * inside it. After a single-response descriptor it returns the one data packet that follows, then
 * hunts again. After a scan descriptor it returns nodes (or capsules, for an express scan) until
 * {@link RplidarResponseDecoder.expectResponse} is called (the host does so with every new
 * request: only then can a new descriptor come); a 5-byte window that fails a check bit, or an
 * 84-byte window that fails a sync nibble or its checksum, is counted, its first byte dropped and
 * the window slid on. Two check bits per node can let a misaligned window pass now and then; the
 * next failing window realigns it. It never throws.
 */
export class RplidarResponseDecoder {
  private readonly buffer = new Uint8Array(RPLIDAR_CAPSULE_LENGTH);
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
    capsules: 0,
    badCapsules: 0,
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

  /** Whether a scan stream (nodes or capsules) is being decoded: its descriptor came, and no new request since. */
  inScanStream(): boolean {
    const type = this.current?.dataType;
    return (
      this.reading === 'data' && (type === RplidarDataType.MEASUREMENT || type === RplidarDataType.MEASUREMENT_CAPSULED)
    );
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
    if (descriptor.dataType === RplidarDataType.MEASUREMENT_CAPSULED) {
      this.stepCapsule(out);
      return;
    }
    if (this.filled < descriptor.length) return;
    const length = this.filled;
    this.filled = 0;
    this.stats.responses++;
    this.reading = 'descriptor';
    this.current = undefined;
    out.push(parseSingleResponse(descriptor.dataType, this.buffer.slice(0, length)));
  }

  /** A capsule byte is in: a wrong sync nibble, or a bad checksum at the end, slides the window by one byte. */
  private stepCapsule(out: RplidarResponse[]): void {
    const last = this.buffer[this.filled - 1] as number;
    const syncBroken =
      (this.filled === 1 && last >>> 4 !== RPLIDAR_CAPSULE_SYNC1) ||
      (this.filled === 2 && last >>> 4 !== RPLIDAR_CAPSULE_SYNC2);
    if (syncBroken) {
      this.stats.badCapsules++;
      this.replayFrom(1, out);
      return;
    }
    if (this.filled < RPLIDAR_CAPSULE_LENGTH) return;
    if (!isRplidarCapsule(this.buffer)) {
      this.stats.badCapsules++;
      this.replayFrom(1, out);
      return;
    }
    this.filled = 0;
    this.stats.capsules++;
    out.push({ kind: 'capsule', capsule: parseRplidarCapsule(this.buffer) });
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
 * `0xA5` starts a request (a second `0xA5` there restarts it: no command is 0xA5); for commands
 * ≥ 0x80 it reads the size, the payload and the checksum, and when the checksum does not match it
 * counts the request and looks again from the byte after its `0xA5`, because a real request may
 * start inside the bad one. It never throws.
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
    if (held.length === 1 && byte === RPLIDAR_SYNC_BYTE) {
      this.stats.droppedBytes++;
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
      this.stats.droppedBytes++;
      // The bytes after the 0xA5 are fewer than the bad request, so the replay cannot loop.
      for (let i = 1; i < bytes.length; i++) this.step(bytes[i] as number, out);
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
