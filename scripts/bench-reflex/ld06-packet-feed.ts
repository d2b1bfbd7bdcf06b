import {
  LD06_POINTS_PER_PACKET,
  LD06_ROTATION_HZ,
  LD06_SAMPLES_PER_S,
  encodeLd06Packet,
  type Ld06Point,
} from '../../hal/lidar/ld06/codec.js';

/** Packets the LD06 sends per second: 4500 samples / 12 per packet (LD06 manual, specification table). */
export const LD06_PACKETS_PER_S = LD06_SAMPLES_PER_S / LD06_POINTS_PER_PACKET;

const DEG_TO_RAD = Math.PI / 180;
/** Angle between two samples at the nominal 10 Hz, degrees (0.8°). */
const SAMPLE_STEP_DEG = (360 * LD06_ROTATION_HZ) / LD06_SAMPLES_PER_S;
/** Angle the head turns from one packet's first sample to the next packet's, degrees (9.6°). */
const PACKET_STEP_DEG = SAMPLE_STEP_DEG * LD06_POINTS_PER_PACKET;
/** Span from a packet's first to its last sample, degrees (8.8°). */
const PACKET_SPAN_DEG = SAMPLE_STEP_DEG * (LD06_POINTS_PER_PACKET - 1);
/** Packets it takes to show the forward sector clear again (see `clearedPacket`). */
export const CLEARING_PACKETS = 2;
/** Intensity of a return from a white wall within 6 m (LD06 manual: about 200). */
const WALL_INTENSITY = 200;

export interface Ld06PacketFeedOptions {
  /** Half the length and width of the rectangular room around the sensor, metres. */
  roomHalfLengthM: number;
  roomHalfWidthM: number;
  /** Range noise, metres: each return is off by up to ± this, uniformly. */
  rangeNoiseM: number;
  random: () => number;
}

/**
 * The bytes an LD06 sends, packet by packet, from a sensor standing in a rectangular room (its
 * forward wall at `roomHalfLengthM`). The head turns clockwise at 10 Hz, 9.6° per packet; each
 * packet is 47 bytes from the driver's own codec, CRC included. The obstacle packet and the
 * packets that clear it cover the forward sector (±4.4°) whatever the head's angle: they stand for the
 * packet of the turn that first sweeps over something that has just stepped in front of the robot.
 */
export class Ld06PacketFeed {
  private startDeg = 0;
  private timestampMs = 0;

  constructor(private readonly o: Ld06PacketFeedOptions) {}

  /** The next packet of the turn: the room's walls. */
  roomPacket(): Uint8Array {
    const bytes = this.packet(this.startDeg, (angleDeg) => this.wallRangeM(angleDeg));
    this.startDeg = (this.startDeg + PACKET_STEP_DEG) % 360;
    return bytes;
  }

  /** A packet over the forward sector showing a flat face `rangeM` ahead of the sensor. */
  obstaclePacket(rangeM: number): Uint8Array {
    return this.packet(360 - PACKET_SPAN_DEG / 2, (angleDeg) => rangeM / Math.cos(angleDeg * DEG_TO_RAD));
  }

  /**
   * The forward sector again, the obstacle gone: the room's far wall, in
   * {@link CLEARING_PACKETS} packets (`part` 0, 1) half a sample apart. The far wall's returns sit
   * at other robot-frame bearings than the near obstacle's (the sensor is not at the robot's
   * centre), so it takes two interleaved packets for every 0.5° bearing bin the obstacle filled
   * to get a newer return.
   */
  clearedPacket(part: number): Uint8Array {
    const offsetDeg = (part * SAMPLE_STEP_DEG) / CLEARING_PACKETS;
    return this.packet(360 - PACKET_SPAN_DEG / 2 + offsetDeg, (angleDeg) => this.wallRangeM(angleDeg));
  }

  /** Distance from the sensor to the room's walls along sensor angle `angleDeg` (clockwise), metres. */
  private wallRangeM(angleDeg: number): number {
    const c = Math.abs(Math.cos(angleDeg * DEG_TO_RAD));
    const s = Math.abs(Math.sin(angleDeg * DEG_TO_RAD));
    return Math.min(c > 1e-9 ? this.o.roomHalfLengthM / c : Infinity, s > 1e-9 ? this.o.roomHalfWidthM / s : Infinity);
  }

  /**
   * One packet from `startDeg`; the sensor's clock moves on by one packet whatever it shows. Only a
   * room packet moves the head on: the forward-sector packets come in addition to the turn, so no
   * part of the view goes unmeasured because of them.
   */
  private packet(startDeg: number, rangeAtM: (angleDeg: number) => number): Uint8Array {
    const points: Ld06Point[] = [];
    for (let i = 0; i < LD06_POINTS_PER_PACKET; i++) {
      const angleDeg = (startDeg + i * SAMPLE_STEP_DEG) % 360;
      const rangeM = rangeAtM(angleDeg) + (this.o.random() * 2 - 1) * this.o.rangeNoiseM;
      points.push({ distanceMm: Math.round(rangeM * 1_000), intensity: WALL_INTENSITY });
    }
    const bytes = encodeLd06Packet({
      speedDegPerS: 360 * LD06_ROTATION_HZ,
      startAngleDeg: startDeg,
      endAngleDeg: startDeg + PACKET_SPAN_DEG,
      timestampMs: this.timestampMs,
      points,
    });
    this.timestampMs += 1_000 / LD06_PACKETS_PER_S;
    return bytes;
  }
}
