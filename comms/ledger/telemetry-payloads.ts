import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Point2D, Pose2D } from '../../messages/geometry.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import type { BinnedScan, MotionSample, ReflexStateSample } from '../foxglove/foxglove-messages.js';
import type { TelemetryTopic } from './telemetry-table.js';

/**
 * The payloads of the ledger's `telemetry` rows, one shape per topic: pure encoders and decoders,
 * no I/O. Scans and grids are compact binary (little-endian, a version byte first); the rest is
 * JSON text. A payload that does not decode gives null (counted and skipped by the reader).
 */
export interface TelemetrySamples {
  /** The pose estimate with the motion and how well the pose is known. */
  pose: MotionSample & { pose: Pose2D };
  scan: BinnedScan;
  path: { path: Point2D[] };
  reflex: ReflexStateSample;
  /** The robot's outline, a rectangle centred on the axle (x forward). */
  footprint: { lengthM: number; widthM: number };
  map: OccupancyGridMessage;
}

/** A decoded row: its topic and sample, typed together. */
export type TelemetrySample = { [T in TelemetryTopic]: { topic: T; sample: TelemetrySamples[T] } }[TelemetryTopic];

const BINARY_VERSION = 1;
/** Scan: version u8, origin x and y f32, bins u16, then ranges u16 (mm, 0: no return) and intensities u8. */
const SCAN_HEADER_BYTES = 1 + 4 + 4 + 2;
/** Ranges kept at most, mm (what a u16 holds; farther returns are clamped). */
const MAX_RANGE_MM = 0xffff;
/**
 * Grid: version u8, width and height u32, resolution and origin x, y, yaw f64, map version f64, then
 * the cells i8 deflated (raw DEFLATE, RFC 1951: a grid of long runs shrinks some twentyfold).
 */
const MAP_HEADER_BYTES = 1 + 4 + 4 + 8 * 5;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encodeScan(scan: BinnedScan): Uint8Array {
  const bins = Math.min(scan.ranges.length, 0xffff);
  const bytes = new Uint8Array(SCAN_HEADER_BYTES + bins * 3);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, BINARY_VERSION);
  view.setFloat32(1, scan.originXM, true);
  view.setFloat32(5, scan.originYM, true);
  view.setUint16(9, bins, true);
  for (let i = 0; i < bins; i++) {
    const mm = Math.min(MAX_RANGE_MM, Math.max(0, Math.round((scan.ranges[i] as number) * 1000)));
    view.setUint16(SCAN_HEADER_BYTES + 2 * i, mm, true);
    bytes[SCAN_HEADER_BYTES + 2 * bins + i] = scan.intensities[i] as number;
  }
  return bytes;
}

function decodeScan(bytes: Uint8Array, stampUs: number): BinnedScan | null {
  if (bytes.length < SCAN_HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== BINARY_VERSION) return null;
  const bins = view.getUint16(9, true);
  if (bytes.length !== SCAN_HEADER_BYTES + bins * 3) return null;
  const ranges = new Array<number>(bins);
  const intensities = new Array<number>(bins);
  for (let i = 0; i < bins; i++) {
    ranges[i] = view.getUint16(SCAN_HEADER_BYTES + 2 * i, true) / 1000;
    intensities[i] = bytes[SCAN_HEADER_BYTES + 2 * bins + i] as number;
  }
  const round = (value: number): number => Math.round(value * 1e6) / 1e6;
  return {
    stampUs,
    originXM: round(view.getFloat32(1, true)),
    originYM: round(view.getFloat32(5, true)),
    ranges,
    intensities,
  };
}

function encodeMap(map: OccupancyGridMessage): Uint8Array {
  const cells = deflateRawSync(new Uint8Array(map.cells.buffer, map.cells.byteOffset, map.cells.byteLength));
  const bytes = new Uint8Array(MAP_HEADER_BYTES + cells.length);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, BINARY_VERSION);
  view.setUint32(1, map.widthCells, true);
  view.setUint32(5, map.heightCells, true);
  [map.resolutionM, map.origin.xM, map.origin.yM, map.origin.yawRad, map.version].forEach((value, i) =>
    view.setFloat64(9 + 8 * i, value, true),
  );
  bytes.set(cells, MAP_HEADER_BYTES);
  return bytes;
}

function decodeMap(bytes: Uint8Array): OccupancyGridMessage | null {
  if (bytes.length < MAP_HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== BINARY_VERSION) return null;
  const widthCells = view.getUint32(1, true);
  const heightCells = view.getUint32(5, true);
  const [resolutionM, xM, yM, yawRad, version] = [0, 1, 2, 3, 4].map((i) => view.getFloat64(9 + 8 * i, true)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(bytes.subarray(MAP_HEADER_BYTES));
  } catch {
    return null;
  }
  if (inflated.length !== widthCells * heightCells) return null;
  const cells = new Int8Array(inflated.buffer.slice(inflated.byteOffset, inflated.byteOffset + inflated.length));
  return { resolutionM, widthCells, heightCells, origin: { xM, yM, yawRad }, cells, version };
}

/** The payload of a `topic` row. */
export function encodeTelemetry<T extends TelemetryTopic>(topic: T, sample: TelemetrySamples[T]): Uint8Array {
  if (topic === 'scan') return encodeScan(sample as BinnedScan);
  if (topic === 'map') return encodeMap(sample as OccupancyGridMessage);
  return encoder.encode(JSON.stringify(sample));
}

/** A row's sample, or null when its topic is unknown or its payload does not decode. */
export function decodeTelemetry(topic: string, payload: Uint8Array, atUs: number): TelemetrySample | null {
  switch (topic) {
    case 'scan': {
      const sample = decodeScan(payload, atUs);
      return sample ? { topic, sample } : null;
    }
    case 'map': {
      const sample = decodeMap(payload);
      return sample ? { topic, sample } : null;
    }
    case 'pose':
    case 'path':
    case 'reflex':
    case 'footprint':
      return decodeJson(topic, payload);
    default:
      return null;
  }
}

function decodeJson(topic: 'pose' | 'path' | 'reflex' | 'footprint', payload: Uint8Array): TelemetrySample | null {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const fits =
    (topic === 'pose' && typeof v.pose === 'object' && v.pose !== null && typeof v.speed === 'object') ||
    (topic === 'path' && Array.isArray(v.path)) ||
    (topic === 'reflex' && typeof v.reflex === 'object' && v.reflex !== null && typeof v.speed === 'object') ||
    (topic === 'footprint' && typeof v.lengthM === 'number' && typeof v.widthM === 'number');
  return fits ? ({ topic, sample: value } as TelemetrySample) : null;
}
