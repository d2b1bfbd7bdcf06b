import createDebug from 'debug';
import { quadratureLevelsAt, type QuadratureLevel } from '../../hal/encoder/quadrature/codec.js';
import {
  channelInverted,
  metresPerCount,
  quadratureChannelsFromPins,
  type QuadratureEncoderParams,
} from '../../hal/encoder/quadrature/params.js';
import type { SimGpioDevice, SimGpioEdge, SimGpioLine, SimStuckable, SimWorldView } from './sim-device.js';

const log = createDebug('spinal:sim:quadrature-encoder');

/** The wheels the world reports travel for; an encoder channel is named after its wheel. */
const WHEELS = ['left', 'right'] as const;
type Wheel = (typeof WHEELS)[number];

/** While edge events are being lost, one edge event in this many is not reported. */
const LOST_EDGE_EVERY = 3;
/** Travel within this many counts of a count boundary is taken to be on it (float noise). */
const SNAP_COUNTS = 1e-9;

/** A simulated pair of wheel encoders, plus the fault switches scenarios use. */
export interface QuadratureEncoderSimDevice extends SimGpioDevice, SimStuckable {
  /** Signed count of a channel's encoder so far (as its lines show it: inverted wiring counts down). */
  position(channel: string): number;
  /**
   * While true, one edge event in three of each wheel is not reported to the host (the lines still
   * change), as when the host's GPIO event queue overflows; the driver sees repeated levels.
   */
  setLosingEdges(losing: boolean): void;
}

interface WheelEncoder {
  readonly wheel: Wheel;
  readonly lineA: SimGpioLine;
  readonly lineB: SimGpioLine;
  /** Counts per metre of travel, negative for inverted wiring. */
  readonly countsPerM: number;
  position: number;
  /** Travel in counts at the last advance (continuous). */
  lastX: number;
  edgesSinceLoss: number;
}

/**
 * Quadrature encoders on the drive wheels, wired to GPIO lines of `chipLabel` as `pins` says
 * (`leftA`, `leftB`, `rightA`, `rightB`; channels named `left` and `right` only). Each wheel's
 * travel ({@link SimWorldView.wheelTravelM}) becomes counts at `countsPerRevolution` per
 * `π × wheelDiameterM`, and each count one edge of A or B in the forward sequence of the
 * driver's codec (A leads B going forward). Between two `advance` calls the travel is taken to
 * change linearly, so each edge is stamped at the sim time its count was crossed; both wheels'
 * edges come out merged in time order. An inverted channel (`invertLeft` / `invertRight`) is an
 * encoder wired so that it counts down when its wheel drives forward, which the driver's invert
 * undoes. Counting starts from zero travel at sim time 0, with both lines low.
 */
export function createQuadratureEncoderSimDevice(
  chipLabel: string,
  pins: Record<string, number>,
  params: QuadratureEncoderParams,
): QuadratureEncoderSimDevice {
  const perCountM = metresPerCount(params);
  const encoders: WheelEncoder[] = quadratureChannelsFromPins(pins).map(({ name, lineA, lineB }) => {
    if (!(WHEELS as readonly string[]).includes(name)) {
      throw new RangeError(`pins: the simulator drives encoder channels "left" and "right" only, not "${name}"`);
    }
    return {
      wheel: name as Wheel,
      lineA: { chipLabel, line: lineA },
      lineB: { chipLabel, line: lineB },
      countsPerM: (channelInverted(params, name) ? -1 : 1) / perCountM,
      position: 0,
      lastX: 0,
      edgesSinceLoss: 0,
    };
  });
  const lines: SimGpioLine[] = encoders.flatMap((encoder) => [encoder.lineA, encoder.lineB]);
  let lastUs = 0;
  let stuck = false;
  let losingEdges = false;

  function encoderOn(line: SimGpioLine): { encoder: WheelEncoder; isA: boolean } | undefined {
    if (line.chipLabel !== chipLabel) return undefined;
    for (const encoder of encoders) {
      if (line.line === encoder.lineA.line) return { encoder, isA: true };
      if (line.line === encoder.lineB.line) return { encoder, isA: false };
    }
    return undefined;
  }

  function travelOf(world: SimWorldView, wheel: Wheel): number {
    const travel = world.wheelTravelM();
    return wheel === 'left' ? travel.leftM : travel.rightM;
  }

  /** A wheel's travel in counts, continuous; float noise around a count boundary is snapped onto it. */
  function countsOf(world: SimWorldView, encoder: WheelEncoder): number {
    const x = travelOf(world, encoder.wheel) * encoder.countsPerM;
    const nearest = Math.round(x);
    return Math.abs(x - nearest) < SNAP_COUNTS ? nearest : x;
  }

  /** The edges of one wheel in (fromUs, toUs], moving it to `x` counts. */
  function wheelEdges(encoder: WheelEncoder, fromUs: number, toUs: number, x: number): SimGpioEdge[] {
    const edges: SimGpioEdge[] = [];
    const x0 = encoder.lastX;
    encoder.lastX = x;
    const crossings = Math.floor(x) - Math.floor(x0);
    if (crossings === 0) return edges;
    const direction = crossings > 0 ? 1 : -1;
    const spanUs = toUs - fromUs;
    for (let i = 0; i < Math.abs(crossings); i++) {
      // The count boundary crossed: up through floor(x0)+1, +2, ...; down through floor(x0), floor(x0)-1, ...
      const boundary = direction > 0 ? Math.floor(x0) + 1 + i : Math.floor(x0) - i;
      const fraction = (boundary - x0) / (x - x0);
      const simTimeUs = Math.min(toUs, Math.max(fromUs + 1, Math.round(fromUs + fraction * spanUs)));
      const before = quadratureLevelsAt(encoder.position);
      encoder.position += direction;
      const after = quadratureLevelsAt(encoder.position);
      const isA = after.a !== before.a;
      encoder.edgesSinceLoss++;
      if (losingEdges && encoder.edgesSinceLoss >= LOST_EDGE_EVERY) {
        encoder.edgesSinceLoss = 0;
        continue;
      }
      const line = isA ? encoder.lineA : encoder.lineB;
      edges.push({ chipLabel, line: line.line, level: isA ? after.a : after.b, simTimeUs });
    }
    return edges;
  }

  return {
    kind: 'gpio',
    lines,
    pwmChannels: [],
    hostWrite(line: SimGpioLine, level: 0 | 1): void {
      log('%s line %d: the host wrote %d to an encoder output; ignored', line.chipLabel, line.line, level);
    },
    hostPwm(): void {},
    read(line: SimGpioLine): QuadratureLevel {
      const found = encoderOn(line);
      if (!found) return 0;
      const levels = quadratureLevelsAt(found.encoder.position);
      return found.isA ? levels.a : levels.b;
    },
    advance(toUs: number, world: SimWorldView): SimGpioEdge[] {
      if (stuck || toUs <= lastUs) {
        for (const encoder of encoders) encoder.lastX = countsOf(world, encoder);
        lastUs = Math.max(lastUs, toUs);
        return [];
      }
      const fromUs = lastUs;
      lastUs = toUs;
      const perWheel = encoders.map((encoder) => wheelEdges(encoder, fromUs, toUs, countsOf(world, encoder)));
      return mergeByTime(perWheel);
    },
    position(channel: string): number {
      const encoder = encoders.find((e) => e.wheel === channel);
      if (!encoder) throw new RangeError(`no encoder channel "${channel}"`);
      return encoder.position;
    },
    setLosingEdges(losing: boolean): void {
      log('%s: %s edge events', chipLabel, losing ? 'losing' : 'no longer losing');
      losingEdges = losing;
      for (const encoder of encoders) encoder.edgesSinceLoss = 0;
    },
    setStuck(value: boolean): void {
      log('%s: encoders %s', chipLabel, value ? 'stuck' : 'free');
      stuck = value;
    },
  };
}

/** Merges lists each sorted by time into one, stable (earlier lists first at equal times). */
function mergeByTime(lists: SimGpioEdge[][]): SimGpioEdge[] {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? [];
  return nonEmpty.flat().sort((x, y) => x.simTimeUs - y.simTimeUs);
}
