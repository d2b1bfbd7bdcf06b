/**
 * The RPLIDAR express scan: "express capsuled" measurement packets (answer type 0x82), a pure codec.
 *
 * Source: Slamtec "RPLIDAR Interface Protocol and Application Notes", EXPRESS_SCAN request
 * (0x82) and its response (Figures 4-9 to 4-11: the capsule and its cabins). An express scan
 * sends 84-byte capsules of 32 samples each, in multiple-response mode, until the next request:
 *
 * | offset | bits  | field                                                                 |
 * |-------:|-------|-----------------------------------------------------------------------|
 * |      0 | 7..4  | sync1, always 0xA                                                     |
 * |      0 | 3..0  | checksum bits 3..0                                                    |
 * |      1 | 7..4  | sync2, always 0x5                                                     |
 * |      1 | 3..0  | checksum bits 7..4; checksum = XOR of bytes 2..83                     |
 * |    2–3 | 14..0 | start_angle_q6: heading of the capsule's first sample, 1/64°          |
 * |    2–3 |    15 | S: the first capsule since EXPRESS_SCAN (a new measurement sequence)  |
 * |  4–83  |       | 16 cabins of 5 bytes, two samples each:                               |
 * |     +0 | 15..2 | distance 1, mm (0 = no return)                                        |
 * |     +0 | 1..0  | dθ1 bits 5..4                                                         |
 * |     +2 | 15..2 | distance 2, mm                                                        |
 * |     +2 | 1..0  | dθ2 bits 5..4                                                         |
 * |     +4 | 3..0  | dθ1 bits 3..0                                                         |
 * |     +4 | 7..4  | dθ2 bits 3..0; dθ is the sample's angle compensation, 1/8°, 0..63     |
 *
 * A capsule carries no angle per sample: sample k of capsule n lies at
 * `start(n) + k · Δ/32 − dθ(k)`, where `Δ` is the turn from `start(n)` to `start(n + 1)`
 * (plus 360° when it wraps). So a capsule's samples are known only once the next capsule has
 * come; {@link RplidarCapsuleAssembler} does that, in the integer arithmetic of Slamtec's SDK.
 */

/** Bytes in one capsule. */
export const RPLIDAR_CAPSULE_LENGTH = 84;
/** Cabins in a capsule; each holds two samples. */
export const RPLIDAR_CABINS_PER_CAPSULE = 16;
/** Samples in a capsule. */
export const RPLIDAR_SAMPLES_PER_CAPSULE = 2 * RPLIDAR_CABINS_PER_CAPSULE;
/** The high nibbles of bytes 0 and 1. */
export const RPLIDAR_CAPSULE_SYNC1 = 0xa;
export const RPLIDAR_CAPSULE_SYNC2 = 0x5;
/** The S bit in the start-angle word. */
const START_FLAG_BIT = 0x8000;
const ANGLE_MASK = 0x7fff;
/** Largest distance a cabin holds, mm (14 bits). */
const MAX_DISTANCE_MM = 0x3fff;
/** Largest angle compensation, 1/8° (6 bits). */
const MAX_OFFSET_Q3 = 0x3f;
/** One turn in 1/64° and in 1/65536°. */
const TURN_Q6 = 360 << 6;
const TURN_Q16 = 360 << 16;
/** Quality Slamtec's SDK gives an express sample with a return (the capsule carries none). */
export const RPLIDAR_EXPRESS_QUALITY = 47;

/** One decoded capsule. */
export interface RplidarCapsule {
  /** The first capsule since the EXPRESS_SCAN request. */
  startFlag: boolean;
  /** Heading of the first sample, 1/64° (0 .. 23039). */
  startAngleQ6: number;
  /** The 32 distances, mm, in sample order (cabin 0 distance 1, cabin 0 distance 2, ...); 0 = no return. */
  distancesMm: readonly number[];
  /** The 32 angle compensations dθ, 1/8°, 0..63, in the same order. */
  angleOffsetsQ3: readonly number[];
}

/** XOR of bytes 2..83 of a capsule. */
export function rplidarCapsuleChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 2; i < RPLIDAR_CAPSULE_LENGTH && i < bytes.length; i++) sum ^= bytes[i] as number;
  return sum;
}

/** Whether 84 bytes are a capsule: both sync nibbles, and the checksum. */
export function isRplidarCapsule(bytes: Uint8Array): boolean {
  if (bytes.length < RPLIDAR_CAPSULE_LENGTH) return false;
  const byte0 = bytes[0] as number;
  const byte1 = bytes[1] as number;
  if (byte0 >>> 4 !== RPLIDAR_CAPSULE_SYNC1 || byte1 >>> 4 !== RPLIDAR_CAPSULE_SYNC2) return false;
  return ((byte0 & 0xf) | ((byte1 & 0xf) << 4)) === rplidarCapsuleChecksum(bytes);
}

/**
 * The 84 bytes of a capsule. Distances are rounded to whole mm and clamped to 0..16383,
 * offsets clamped to 0..63, the start angle wrapped into one turn. Missing samples read as 0.
 */
export function encodeRplidarCapsule(capsule: RplidarCapsule): Uint8Array {
  const bytes = new Uint8Array(RPLIDAR_CAPSULE_LENGTH);
  const angle = (((Math.round(capsule.startAngleQ6) % TURN_Q6) + TURN_Q6) % TURN_Q6) & ANGLE_MASK;
  const word = angle | (capsule.startFlag ? START_FLAG_BIT : 0);
  bytes[2] = word & 0xff;
  bytes[3] = word >>> 8;
  for (let cabin = 0; cabin < RPLIDAR_CABINS_PER_CAPSULE; cabin++) {
    const at = 4 + cabin * 5;
    const d1 = clampInt(capsule.distancesMm[2 * cabin] ?? 0, MAX_DISTANCE_MM);
    const d2 = clampInt(capsule.distancesMm[2 * cabin + 1] ?? 0, MAX_DISTANCE_MM);
    const o1 = clampInt(capsule.angleOffsetsQ3[2 * cabin] ?? 0, MAX_OFFSET_Q3);
    const o2 = clampInt(capsule.angleOffsetsQ3[2 * cabin + 1] ?? 0, MAX_OFFSET_Q3);
    const w1 = (d1 << 2) | (o1 >>> 4);
    const w2 = (d2 << 2) | (o2 >>> 4);
    bytes[at] = w1 & 0xff;
    bytes[at + 1] = w1 >>> 8;
    bytes[at + 2] = w2 & 0xff;
    bytes[at + 3] = w2 >>> 8;
    bytes[at + 4] = (o1 & 0xf) | ((o2 & 0xf) << 4);
  }
  const checksum = rplidarCapsuleChecksum(bytes);
  bytes[0] = (RPLIDAR_CAPSULE_SYNC1 << 4) | (checksum & 0xf);
  bytes[1] = (RPLIDAR_CAPSULE_SYNC2 << 4) | (checksum >>> 4);
  return bytes;
}

/** The fields of 84 bytes that passed {@link isRplidarCapsule}. */
export function parseRplidarCapsule(bytes: Uint8Array): RplidarCapsule {
  const word = (bytes[2] as number) | ((bytes[3] as number) << 8);
  const distancesMm: number[] = [];
  const angleOffsetsQ3: number[] = [];
  for (let cabin = 0; cabin < RPLIDAR_CABINS_PER_CAPSULE; cabin++) {
    const at = 4 + cabin * 5;
    const w1 = (bytes[at] as number) | ((bytes[at + 1] as number) << 8);
    const w2 = (bytes[at + 2] as number) | ((bytes[at + 3] as number) << 8);
    const low = bytes[at + 4] as number;
    distancesMm.push(w1 >>> 2, w2 >>> 2);
    angleOffsetsQ3.push((low & 0xf) | ((w1 & 0x3) << 4), (low >>> 4) | ((w2 & 0x3) << 4));
  }
  return { startFlag: (word & START_FLAG_BIT) !== 0, startAngleQ6: word & ANGLE_MASK, distancesMm, angleOffsetsQ3 };
}

/** One express sample, once its angle is known. */
export interface RplidarExpressSample {
  /** The first sample at or past the sensor's 0° mark: a new 360° turn begins. */
  startFlag: boolean;
  /** {@link RPLIDAR_EXPRESS_QUALITY} with a return, 0 without. */
  quality: number;
  /** Heading, degrees in [0, 360), 1/64° resolution, clockwise from the sensor's 0° mark. */
  angleDeg: number;
  /** Distance, mm; 0 when there was no return. */
  distanceMm: number;
}

/**
 * Turns a stream of capsules into samples: each capsule's samples are returned when the next
 * capsule arrives (its start angle closes the interval). A capsule with the S bit starts a new
 * sequence: the one held is dropped, as its successor is not the next capsule. Pure; never throws.
 */
export class RplidarCapsuleAssembler {
  private previous: RplidarCapsule | undefined;

  /** Feeds one capsule; returns the 32 samples of the one before it (none for the first). */
  push(capsule: RplidarCapsule): RplidarExpressSample[] {
    const previous = capsule.startFlag ? undefined : this.previous;
    this.previous = capsule;
    if (!previous) return [];
    const startQ8 = previous.startAngleQ6 << 2;
    let diffQ8 = (capsule.startAngleQ6 << 2) - startQ8;
    if (diffQ8 < 0) diffQ8 += 360 << 8;
    const stepQ16 = diffQ8 << 3;
    let rawQ16 = startQ8 << 8;
    const out: RplidarExpressSample[] = [];
    for (let k = 0; k < RPLIDAR_SAMPLES_PER_CAPSULE; k++) {
      const distanceMm = previous.distancesMm[k] ?? 0;
      const offsetQ3 = previous.angleOffsetsQ3[k] ?? 0;
      let angleQ6 = (rawQ16 - (offsetQ3 << 13)) >> 10;
      if (angleQ6 < 0) angleQ6 += TURN_Q6;
      if (angleQ6 >= TURN_Q6) angleQ6 -= TURN_Q6;
      const startFlag = stepQ16 > 0 && rawQ16 % TURN_Q16 < stepQ16;
      out.push({
        startFlag,
        quality: distanceMm > 0 ? RPLIDAR_EXPRESS_QUALITY : 0,
        angleDeg: angleQ6 / 64,
        distanceMm,
      });
      rawQ16 += stepQ16;
    }
    return out;
  }

  /** Forgets the capsule held (a new request went out). */
  reset(): void {
    this.previous = undefined;
  }
}

function clampInt(value: number, max: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(max, Math.max(0, Math.round(value)));
}
