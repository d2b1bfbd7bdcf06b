import createDebug from 'debug';
import {
  LD06_BAUD_RATE,
  LD06_HEADER,
  LD06_MAX_RANGE_M,
  LD06_PACKET_LENGTH,
  LD06_POINTS_PER_PACKET,
  LD06_ROTATION_HZ,
  LD06_SAMPLES_PER_S,
  LD06_TIMESTAMP_WRAP_MS,
  encodeLd06Packet,
  pointAnglesDeg,
  type Ld06Point,
} from '../../hal/lidar/ld06/codec.js';
import type { Ld06Params } from '../../hal/lidar/ld06/params.js';
import type { Ld19Params } from '../../hal/lidar/ld19/params.js';
import { lidarBeamDropped } from '../imperfections.js';
import type { SimSerialDevice, SimWorldView, TimedBytes } from './sim-device.js';

const log = createDebug('spinal:sim:ld06');

/** Intensity of a return from an ordinary wall (manual: about 200 for a white target within 6 m). */
const HIT_INTENSITY = 200;
const DEG_TO_RAD = Math.PI / 180;

/** How a simulated LD06 behaves beyond its mount. */
export interface Ld06SimOptions {
  /** Rotation, revolutions per second. Default 10. */
  rotationHz?: number;
  /** Measurements per second. Default 4500 (375 packets a second). */
  samplesPerS?: number;
  /** Standard deviation of the gaussian range noise, metres. Default: the robot's `lidarRangeNoiseM` (0.005 without one). */
  rangeNoiseM?: number;
}

/** A standard normal sample from two uniform ones (Box–Muller). */
function gaussian(random: () => number): number {
  const u1 = 1 - random();
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Rounds to the packet's 0.01° resolution and wraps to [0, 360). */
function toPacketAngleDeg(angleDeg: number): number {
  return (Math.round(angleDeg * 100) % 36_000) / 100;
}

/**
 * A simulated LDROBOT LD06 at `path`. From the moment the host opens the port it streams real
 * 47-byte packets (built with the driver's own codec) at the real rate: one packet of 12 points
 * every 12 / `samplesPerS` seconds, the head turning clockwise at `rotationHz` from 0° at open.
 * Each point is a raycast from the sensor's world position (robot pose ⊕ `params.mount`) along
 * world heading `robotYaw + mountYaw − sensorAngle`, out to 12 m, with gaussian noise; nothing
 * in range reads as distance 0, intensity 0. The speed field reports `rotationHz × 360` °/s and
 * the timestamp the sim time in ms modulo 30000.
 *
 * Opened at any rate other than 230400 baud it sends random bytes at the same byte rate instead,
 * as a mismatched UART would; those never contain 0x54, so they can never pass for a packet.
 * Bytes written by the host are ignored: the LD06 takes no commands.
 */
export function createLd06SimDevice(path: string, params: Ld06Params, options: Ld06SimOptions = {}): SimSerialDevice {
  const rotationHz = options.rotationHz ?? LD06_ROTATION_HZ;
  const samplesPerS = options.samplesPerS ?? LD06_SAMPLES_PER_S;
  const rangeNoiseOption = options.rangeNoiseM;
  if (!(rotationHz > 0) || !Number.isFinite(rotationHz))
    throw new RangeError(`rotationHz must be > 0, got ${rotationHz}`);
  if (!(samplesPerS > 0) || !Number.isFinite(samplesPerS))
    throw new RangeError(`samplesPerS must be > 0, got ${samplesPerS}`);
  if (rangeNoiseOption !== undefined && !(rangeNoiseOption >= 0))
    throw new RangeError(`rangeNoiseM must be >= 0, got ${rangeNoiseOption}`);

  const packetPeriodUs = (LD06_POINTS_PER_PACKET / samplesPerS) * 1e6;
  const degPerSample = (rotationHz * 360) / samplesPerS;
  const speedDegPerS = Math.round(rotationHz * 360);
  const { xM: mountXM, yM: mountYM, yawDeg: mountYawDeg } = params.mount;

  let openedAtUs: number | undefined;
  let openBaudRate = 0;
  /** Index, since open, of the next packet to send. */
  let nextPacket = 0;

  function scanPacket(index: number, simTimeUs: number, world: SimWorldView): Uint8Array {
    const firstSample = index * LD06_POINTS_PER_PACKET;
    const startAngleDeg = toPacketAngleDeg((firstSample * degPerSample) % 360);
    const endAngleDeg = toPacketAngleDeg(((firstSample + LD06_POINTS_PER_PACKET - 1) * degPerSample) % 360);
    const anglesDeg = pointAnglesDeg({ startAngleDeg, endAngleDeg });

    const pose = world.robotPose();
    const cosYaw = Math.cos(pose.yawRad);
    const sinYaw = Math.sin(pose.yawRad);
    const sensorXM = pose.xM + cosYaw * mountXM - sinYaw * mountYM;
    const sensorYM = pose.yM + sinYaw * mountXM + cosYaw * mountYM;

    const imperfections = world.imperfections;
    const rangeNoiseM = rangeNoiseOption ?? imperfections?.lidarRangeNoiseM ?? 0.005;
    const points: Ld06Point[] = new Array<Ld06Point>(LD06_POINTS_PER_PACKET);
    for (let i = 0; i < LD06_POINTS_PER_PACKET; i++) {
      const headingRad = pose.yawRad + (mountYawDeg - (anglesDeg[i] as number)) * DEG_TO_RAD;
      const hitM = world.raycast(sensorXM, sensorYM, headingRad, LD06_MAX_RANGE_M);
      const dropped =
        imperfections !== undefined &&
        Number.isFinite(hitM) &&
        lidarBeamDropped(imperfections, hitM, LD06_MAX_RANGE_M, world.random());
      if (Number.isFinite(hitM) && hitM <= LD06_MAX_RANGE_M && !dropped) {
        const noisyM = rangeNoiseM > 0 ? hitM + rangeNoiseM * gaussian(() => world.random()) : hitM;
        points[i] = { distanceMm: Math.max(1, Math.round(noisyM * 1000)), intensity: HIT_INTENSITY };
      } else {
        points[i] = { distanceMm: 0, intensity: 0 };
      }
    }
    return encodeLd06Packet({
      speedDegPerS,
      startAngleDeg,
      endAngleDeg,
      timestampMs: Math.floor(simTimeUs / 1000) % LD06_TIMESTAMP_WRAP_MS,
      points,
    });
  }

  function garbage(world: SimWorldView): Uint8Array {
    const bytes = new Uint8Array(LD06_PACKET_LENGTH);
    for (let i = 0; i < bytes.length; i++) {
      const byte = Math.floor(world.random() * 256) & 0xff;
      bytes[i] = byte === LD06_HEADER ? byte + 1 : byte;
    }
    return bytes;
  }

  return {
    kind: 'serial',
    path,
    open(baudRate: number, simTimeUs: number): void {
      openedAtUs = simTimeUs;
      openBaudRate = baudRate;
      nextPacket = 0;
      if (baudRate !== LD06_BAUD_RATE)
        log('%s opened at %d baud; the LD06 speaks %d: sending garbage', path, baudRate, LD06_BAUD_RATE);
    },
    close(): void {
      openedAtUs = undefined;
    },
    write(): void {},
    setSignals(): void {},
    advance(toUs: number, world: SimWorldView): TimedBytes[] {
      if (openedAtUs === undefined) return [];
      const out: TimedBytes[] = [];
      for (;;) {
        const dueUs = openedAtUs + Math.round((nextPacket + 1) * packetPeriodUs);
        if (dueUs > toUs) break;
        const bytes = openBaudRate === LD06_BAUD_RATE ? scanPacket(nextPacket, dueUs, world) : garbage(world);
        out.push({ simTimeUs: dueUs, bytes });
        nextPacket++;
      }
      return out;
    },
  };
}

/**
 * A simulated LDROBOT LD19 at `path`. On the wire the LD19 is an LD06: the same 47-byte packet,
 * 230400 baud, 4500 measurements a second at 10 Hz, out to 12 m (LD19 Development Manual), so
 * this is {@link createLd06SimDevice} given the LD19's params.
 */
export function createLd19SimDevice(path: string, params: Ld19Params, options: Ld06SimOptions = {}): SimSerialDevice {
  return createLd06SimDevice(path, params, options);
}
