/**
 * The soak run's scenario, made as data for the length asked: a small fleet patrolling lanes of one
 * hall lap after lap (forever; the run's duration ends it), and a cycle of faults repeated every
 * `faultPeriodS` until the end: a lidar unplugged and plugged back, a lidar's bytes corrupted, I2C
 * EIO errors on a motor HAT, and the fleet's mesh broker stopped and restarted. Written to a file
 * and run with `spinal sim --scenario FILE`.
 */

/** Hall length (east-west), metres; the lanes run along it. */
const HALL_LENGTH_M = 10;
/** Distance between lanes, metres: robots in neighbouring lanes pass 2 m apart, outside each other's corridor. */
const LANE_SPACING_M = 2;
/** Turn-around points, metres from either end wall. */
const LANE_END_M = 1;

/** One fault of the cycle: what, on which robot (index into the fleet, from the end when negative), at what offset. */
interface CycleFault {
  robot: number;
  device: string;
  kind: 'unplug' | 'corrupt' | 'eio';
  offsetS: number;
  durationS: number;
  rate?: number;
}

/** The fault cycle, offsets in seconds from the cycle's start (docs/reliability.md lists it). */
const FAULT_CYCLE: readonly CycleFault[] = [
  { robot: 0, device: 'lidar', kind: 'unplug', offsetS: 10, durationS: 3 },
  { robot: 1, device: 'lidar', kind: 'corrupt', offsetS: 20, durationS: 5, rate: 0.5 },
  { robot: -1, device: 'motors', kind: 'eio', offsetS: 30, durationS: 2, rate: 0.3 },
];
/** The broker outage of the cycle: stopped at this offset, started again this many seconds later. */
const BROKER_STOP_OFFSET_S = 40;
const BROKER_DOWN_S = 5;

export interface SoakScenarioOptions {
  /** Robots in the fleet, 2..4. */
  robots: number;
  durationS: number;
  /** Seconds between the starts of two fault cycles (at least 50: one cycle's faults must be over before the next). */
  faultPeriodS: number;
}

/** The scenario document (as a scenario file holds it). */
export function soakScenario(options: SoakScenarioOptions): Record<string, unknown> {
  const { robots: count, durationS, faultPeriodS } = options;
  const hallWidthM = count * LANE_SPACING_M;
  const cycles = Math.max(0, Math.ceil(durationS / faultPeriodS));
  const starts = Array.from({ length: cycles }, (_, c) => c * faultPeriodS);
  const robots = Array.from({ length: count }, (_, i) => {
    const yM = LANE_SPACING_M / 2 + i * LANE_SPACING_M;
    const west = LANE_END_M;
    const east = HALL_LENGTH_M - LANE_END_M;
    const eastbound = i % 2 === 0;
    const faults = FAULT_CYCLE.filter((f) => (f.robot + count) % count === i).flatMap((f) =>
      starts
        .filter((start) => start + f.offsetS < durationS)
        .map((start) => ({
          device: f.device,
          kind: f.kind,
          atS: start + f.offsetS,
          durationS: f.durationS,
          ...(f.rate === undefined ? {} : { rate: f.rate }),
        })),
    );
    const script =
      i === 0
        ? starts
            .filter((start) => start + BROKER_STOP_OFFSET_S + BROKER_DOWN_S < durationS)
            .flatMap((start) => [
              { atS: start + BROKER_STOP_OFFSET_S, action: 'broker-stop' },
              { atS: start + BROKER_STOP_OFFSET_S + BROKER_DOWN_S, action: 'broker-start' },
            ])
        : [];
    return {
      id: `robot-${i + 1}`,
      board: 'sim-diffdrive',
      start: { xM: eastbound ? west : east, yM, yawDeg: eastbound ? 0 : 180 },
      mission: {
        patrol: {
          waypoints: eastbound
            ? [
                [east, yM],
                [west, yM],
              ]
            : [
                [west, yM],
                [east, yM],
              ],
          laps: 0,
          toleranceM: 0.25,
        },
      },
      faults,
      script,
    };
  });
  return {
    name: 'soak',
    description: `${count} robots patrol the lanes of a hall for ${durationS} s, with a cycle of device faults and a broker outage every ${faultPeriodS} s.`,
    durationS,
    seed: 17,
    world: {
      walls: [
        [0, 0, HALL_LENGTH_M, 0],
        [HALL_LENGTH_M, 0, HALL_LENGTH_M, hallWidthM],
        [HALL_LENGTH_M, hallWidthM, 0, hallWidthM],
        [0, hallWidthM, 0, 0],
      ],
    },
    robots,
  };
}
