import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBoardFile } from '../../config/board-loader.js';
import { ConfigError } from '../../config/config-error.js';
import { paramSpecs } from '../../config/params.js';
import { loadScenarioFile, parseScenarioText, type ScenarioMover } from '../scenario.js';
import { CollisionMonitor } from './collision-monitor.js';
import { footprintPolygon, polygonShapeDistance, rayCircleDistance, raySegmentDistance } from './geometry.js';
import { MoverTrack, MovingObstacles, WorldMapWithMovers } from './moving-obstacles.js';
import { WorldMap } from './world-map.js';

const fromRoot = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** A mover spec with the schema's defaults filled in. */
function mover(fields: Partial<ScenarioMover> & Pick<ScenarioMover, 'path'>): ScenarioMover {
  return { id: 'm', shape: { circle: { radiusM: 0.25 } }, speedMps: 1, startS: 0, loop: 'none', ...fields };
}

/** 8 m x 4 m room, one robot in the south-west corner; `movers` is spliced under `world:`. */
function room(movers: string): string {
  return `
name: movers-test
world:
  walls:
    - [0, 0, 8, 0]
    - [8, 0, 8, 4]
    - [8, 4, 0, 4]
    - [0, 4, 0, 0]
${movers}
robots:
  - id: robot-1
    start: { xM: 0.5, yM: 0.5 }
    mission: { drive: { vMps: 0, durationS: 1 } }
`;
}

/** Runs `fn` and returns the ConfigError it throws. */
function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('MoverTrack: position as a function of sim time', () => {
  const lShape = mover({
    path: [
      [1, 1],
      [4, 1],
      [4, 3],
    ],
    speedMps: 0.5,
    startS: 2,
  });

  it('stands on the first waypoint facing the second until startS', () => {
    const track = new MoverTrack(lShape);
    expect(track.poseAt(0)).toEqual({ xM: 1, yM: 1, yawRad: 0 });
    expect(track.poseAt(2)).toEqual({ xM: 1, yM: 1, yawRad: 0 });
  });

  it('moves at speedMps along each segment, heading along it, and stops on the last waypoint with loop none', () => {
    const track = new MoverTrack(lShape);
    expect(track.passLengthM).toBe(5);
    expect(track.passS).toBe(10);
    const a = track.poseAt(4); // 1 m along the first leg
    expect([a.xM, a.yM, a.yawRad]).toEqual([2, 1, 0]);
    const b = track.poseAt(10); // 4 m: 1 m up the second leg
    expect(b.xM).toBeCloseTo(4, 12);
    expect(b.yM).toBeCloseTo(2, 12);
    expect(b.yawRad).toBeCloseTo(Math.PI / 2, 12);
    for (const t of [12, 13, 100]) {
      const end = track.poseAt(t);
      expect([end.xM, end.yM]).toEqual([4, 3]);
      expect(end.yawRad).toBeCloseTo(Math.PI / 2, 12);
    }
  });

  it('turns a box with the segment it is on: long side along the direction of travel', () => {
    const track = new MoverTrack({ ...lShape, shape: { box: { widthM: 0.8, heightM: 0.4 } } });
    const onFirstLeg = track.outlineAt(4);
    const onSecondLeg = track.outlineAt(10);
    if (onFirstLeg.kind !== 'polygon' || onSecondLeg.kind !== 'polygon') throw new Error('a box is a polygon');
    const span = (points: ReadonlyArray<{ xM: number; yM: number }>) => [
      Math.max(...points.map((p) => p.xM)) - Math.min(...points.map((p) => p.xM)),
      Math.max(...points.map((p) => p.yM)) - Math.min(...points.map((p) => p.yM)),
    ];
    expect(span(onFirstLeg.points).map((v) => +v.toFixed(9))).toEqual([0.8, 0.4]);
    expect(span(onSecondLeg.points).map((v) => +v.toFixed(9))).toEqual([0.4, 0.8]);
  });

  it('repeat: goes on from the last waypoint back to the first and round again, waiting startDelayS there', () => {
    // A 2 m x 1 m loop, 6 m round at 1 m/s, with a 1 s wait back at the start: a 7 s cycle.
    const track = new MoverTrack(
      mover({
        path: [
          [1, 1],
          [3, 1],
          [3, 2],
          [1, 2],
        ],
        loop: 'repeat',
        startDelayS: 1,
      }),
    );
    expect(track.passLengthM).toBe(6);
    const closing = track.poseAt(5.5); // half way down the closing leg (1, 2) -> (1, 1)
    expect([closing.xM, closing.yM]).toEqual([1, 1.5]);
    expect(closing.yawRad).toBeCloseTo(-Math.PI / 2, 12);
    expect([track.poseAt(6.5).xM, track.poseAt(6.5).yM]).toEqual([1, 1]); // waiting
    expect(track.poseAt(7 + 2.5)).toEqual(track.poseAt(2.5)); // second lap = first
    expect([track.poseAt(2.5).xM, track.poseAt(2.5).yM]).toEqual([3, 1.5]);
  });

  it('repeat: a path that already ends where it starts is not closed twice', () => {
    const track = new MoverTrack(
      mover({
        path: [
          [1, 1],
          [3, 1],
          [1, 1],
        ],
        loop: 'repeat',
      }),
    );
    expect(track.passLengthM).toBe(4);
    expect(track.poseAt(4.5).xM).toBeCloseTo(1.5, 12);
  });

  it('back-and-forth: retraces the path facing the way it goes, waiting startDelayS at each end', () => {
    const track = new MoverTrack(
      mover({
        path: [
          [0, 0],
          [2, 0],
        ],
        loop: 'back-and-forth',
        startDelayS: 0.5,
      }),
    );
    expect(track.poseAt(1)).toEqual({ xM: 1, yM: 0, yawRad: 0 });
    expect(track.poseAt(2.25)).toEqual({ xM: 2, yM: 0, yawRad: 0 }); // waiting at the far end
    const back = track.poseAt(3); // 0.5 s into the way back
    expect(back.xM).toBeCloseTo(1.5, 12);
    expect(Math.abs(back.yawRad)).toBeCloseTo(Math.PI, 12);
    expect(track.poseAt(4.75).xM).toBe(0); // waiting at the start
    expect(track.poseAt(5 + 1.5).xM).toBeCloseTo(1.5, 12); // cycle = 2 x (2 s + 0.5 s)
  });

  it('is a pure function of time: asking out of order or twice gives the same pose', () => {
    const track = new MoverTrack(
      mover({
        path: [
          [0, 0],
          [3, 4],
          [6, 0],
        ],
        loop: 'back-and-forth',
        speedMps: 0.7,
      }),
    );
    const forward = [0.3, 5.1, 9.9, 20.4].map((t) => track.poseAt(t));
    const backward = [20.4, 9.9, 5.1, 0.3].map((t) => track.poseAt(t)).reverse();
    expect(backward).toEqual(forward);
  });
});

describe('MovingObstacles', () => {
  const obstacles = new MovingObstacles([
    mover({
      id: 'walker',
      path: [
        [2, 0],
        [2, 4],
      ],
      speedMps: 1,
    }),
    mover({
      id: 'cart',
      shape: { box: { widthM: 1, heightM: 0.5 } },
      path: [
        [6, 3],
        [6, 0],
      ],
      speedMps: 0.5,
    }),
  ]);

  it('is stepped by moveTo: rays meet each mover where it is at that time', () => {
    obstacles.moveTo(2); // walker centred at (2, 2); cart centred at (6, 2), long side north-south
    expect(obstacles.timeS).toBe(2);
    expect(obstacles.rayHit(0, 2, 1, 0, Infinity)).toBeCloseTo(1.75, 12);
    expect(obstacles.rayHit(4, 2, 1, 0, Infinity)).toBeCloseTo(5.75 - 4, 12); // cart's west face at x 5.75
    expect(obstacles.rayHit(6, 4, 0, -1, Infinity)).toBeCloseTo(1.5, 12); // cart's north end at y 2.5
    obstacles.moveTo(3); // walker at (2, 3)
    expect(obstacles.rayHit(0, 2, 1, 0, Infinity)).toBeCloseTo(5.75, 12); // past the walker's old place, on to the cart
    expect(obstacles.rayHit(0, 3, 1, 0, Infinity)).toBeCloseTo(1.75, 12);
  });

  it('keeps a nearer hit found elsewhere (bestM), and never loses a hit to the bounding-circle cull', () => {
    obstacles.moveTo(2.5);
    expect(obstacles.rayHit(0, 2.5, 1, 0, 1)).toBe(1);
    const [walker, cart] = obstacles.current();
    if (walker?.shape.kind !== 'circle' || cart?.shape.kind !== 'polygon') throw new Error('unexpected shapes');
    const cartPoints = cart.shape.points;
    let seed = 99;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 3000; i++) {
      const origin = { xM: next() * 8, yM: next() * 4 };
      const angle = next() * 2 * Math.PI;
      let expected = rayCircleDistance(origin.xM, origin.yM, Math.cos(angle), Math.sin(angle), walker.shape.circle);
      cartPoints.forEach((a, k) => {
        const b = cartPoints[(k + 1) % cartPoints.length]!;
        expected = Math.min(expected, raySegmentDistance(origin, angle, { a, b }));
      });
      expect(obstacles.rayHit(origin.xM, origin.yM, Math.cos(angle), Math.sin(angle), Infinity)).toBe(expected);
    }
  });

  it('adds little to the sensor load of an LD06 at 20x real time (90 000 rays per sim second)', () => {
    const world = parseScenarioText(room(''), 'm.yaml').world;
    const walkers = [0, 1, 2].map((i) =>
      mover({
        id: `w${i}`,
        path: [
          [2 + 2 * i, 0.5],
          [2 + 2 * i, 3.5],
        ],
      }),
    );
    const map = new WorldMapWithMovers({ ...world, movers: walkers });
    map.moveTo(1.5);
    let hits = 0;
    const started = performance.now();
    for (let i = 0; i < 90_000; i++) {
      map.moveTo(1.5 + i / 90_000);
      if (map.raycast(1, 2, (i / 90_000) * 40 * Math.PI, 12) < Infinity) hits++;
    }
    const elapsedMs = performance.now() - started;
    expect(hits).toBe(90_000);
    // Measured ~150 ms here, moving them before every ray; the world moves them once per 1 ms step (4.5 rays).
    expect(elapsedMs).toBeLessThan(500);
  });

  it('measures a footprint to the nearest mover, 0 when touching', () => {
    obstacles.moveTo(2);
    expect(obstacles.clearanceM(footprintPolygon({ xM: 1, yM: 2, yawRad: 0 }, 0.3, 0.24))).toBeCloseTo(0.6, 12);
    expect(obstacles.clearanceM(footprintPolygon({ xM: 1.7, yM: 2, yawRad: 0 }, 0.3, 0.24))).toBe(0);
    expect(new MovingObstacles([]).clearanceM(footprintPolygon({ xM: 1, yM: 2, yawRad: 0 }, 0.3, 0.24))).toBe(Infinity);
  });
});

describe('WorldMapWithMovers: what the lidar and the collision monitor see', () => {
  const world = parseScenarioText(
    room(`  movers:
    - id: walker
      shape: { circle: { radiusM: 0.25 } }
      path: [[4, 3.5], [4, 0.5]]
      speedMps: 1
      startS: 1`),
    'movers-test.yaml',
  ).world;

  it('casts rays through walls and movers alike, and only where the mover is now', () => {
    const map = new WorldMapWithMovers(world);
    expect(map.raycast(1, 2, 0, 12)).toBeCloseTo(7, 12); // walker still at (4, 3.5)
    map.moveTo(2.5); // walker at (4, 2)
    expect(map.raycast(1, 2, 0, 12)).toBeCloseTo(2.75, 12);
    expect(map.raycast(1, 2, 0, 2)).toBe(Infinity); // beyond maxRangeM
    expect(map.raycast(1, 2, Math.PI, 12)).toBeCloseTo(1, 12); // the wall behind
    map.moveTo(10); // arrived at (4, 0.5), out of the ray's way
    expect(map.raycast(1, 2, 0, 12)).toBeCloseTo(7, 12);
  });

  it('counts touching a mover as a collision with an obstacle, and the clearance includes the movers', () => {
    const map = new WorldMapWithMovers(world);
    const monitor = new CollisionMonitor(map);
    // A robot parked across the walker's line at (4, 2): the walker arrives at 2.5 s less its radius.
    const parked = footprintPolygon({ xM: 4, yM: 2, yawRad: 0 }, 0.3, 0.24);
    for (let ms = 0; ms <= 4000; ms++) {
      map.moveTo(ms / 1000);
      monitor.update(ms / 1000, parked);
    }
    expect(monitor.collisions).toBe(1);
    expect(monitor.collisionEvents[0]!.withWhat).toBe('obstacle');
    expect(monitor.collisionEvents[0]!.simTimeS).toBeCloseTo(1 + 1.5 - 0.12 - 0.25, 2);
    expect(monitor.minClearanceM).toBe(0);
    // The same robot in a world without movers only measures the walls.
    const still = new CollisionMonitor(new WorldMap(world));
    still.update(0, parked);
    expect(still.minClearanceM).toBeCloseTo(1.88, 12);
  });
});

describe('scenario schema: world.movers', () => {
  it('fills the defaults', () => {
    const world = parseScenarioText(
      room(`  movers:
    - { id: cart, shape: { box: { widthM: 0.6, heightM: 0.4 } }, path: [[2, 2], [6, 2]], speedMps: 0.5 }`),
      'm.yaml',
    ).world;
    expect(world.movers).toEqual([
      {
        id: 'cart',
        shape: { box: { widthM: 0.6, heightM: 0.4 } },
        path: [
          [2, 2],
          [6, 2],
        ],
        speedMps: 0.5,
        startS: 0,
        loop: 'none',
      },
    ]);
    expect(parseScenarioText(room(''), 'm.yaml').world.movers).toEqual([]);
  });

  const ok = '{ id: p, shape: { circle: { radiusM: 0.25 } }, path: [[2, 2], [6, 2]], speedMps: 0.8 }';
  it.each([
    [
      'two shapes',
      ok.replace('{ circle: { radiusM: 0.25 } }', '{ circle: { radiusM: 0.25 }, box: { widthM: 1, heightM: 1 } }'),
      'world.movers[0].shape',
      'has "circle" and "box"; give exactly one of "circle", "box"',
    ],
    [
      'a single waypoint',
      ok.replace('[[2, 2], [6, 2]]', '[[2, 2]]'),
      'world.movers[0].path',
      'a mover needs at least 2 waypoints',
    ],
    [
      'a repeated waypoint',
      ok.replace('[[2, 2], [6, 2]]', '[[2, 2], [6, 2], [6, 2]]'),
      'world.movers[0].path[2]',
      'repeats waypoint 1; consecutive waypoints must differ',
    ],
    [
      'a standing mover',
      ok.replace('speedMps: 0.8', 'speedMps: 0'),
      'world.movers[0].speedMps',
      'Number must be greater than 0',
    ],
    [
      'a negative start',
      ok.replace('speedMps: 0.8', 'speedMps: 0.8, startS: -1'),
      'world.movers[0].startS',
      'Number must be greater than or equal to 0',
    ],
    [
      'an unknown loop',
      ok.replace('speedMps: 0.8', "speedMps: 0.8, loop: 'forever'"),
      'world.movers[0].loop',
      "Invalid enum value. Expected 'none' | 'repeat' | 'back-and-forth', received 'forever'",
    ],
    [
      'a start delay without a loop',
      ok.replace('speedMps: 0.8', 'speedMps: 0.8, startDelayS: 2'),
      'world.movers[0].startDelayS',
      'applies only with loop "repeat" or "back-and-forth"',
    ],
    [
      'an unknown field',
      ok.replace('speedMps: 0.8', 'speedMps: 0.8, color: red'),
      'world.movers[0]',
      'unknown field(s) "color"',
    ],
    [
      'a waypoint outside the world',
      ok.replace('[6, 2]', '[9, 2]'),
      'world.movers[0].path[1]',
      'waypoint (9, 2) is outside the world (x 0..8, y 0..4)',
    ],
  ])('rejects %s, naming the field', (_, entry, path, problem) => {
    const error = configErrorOf(() => parseScenarioText(room(`  movers:\n    - ${entry}`), 'm.yaml'));
    expect({ file: error.file, path: error.path, problem: error.problem }).toEqual({ file: 'm.yaml', path, problem });
  });

  it('rejects duplicate mover ids and a robot starting inside a mover', () => {
    const twice = configErrorOf(() => parseScenarioText(room(`  movers:\n    - ${ok}\n    - ${ok}`), 'm.yaml'));
    expect([twice.path, twice.problem]).toEqual(['world.movers[1].id', 'duplicate mover id "p"']);
    const onRobot = configErrorOf(() =>
      parseScenarioText(room(`  movers:\n    - ${ok.replace('[[2, 2]', '[[0.6, 0.6]')}`), 'm.yaml'),
    );
    expect([onRobot.path, onRobot.problem]).toEqual([
      'robots[0].start',
      '(0.5, 0.5) is inside world.movers[0] where it stands before setting off',
    ]);
  });
});

describe('crossing.yaml: the person is a real threat', () => {
  const scenario = loadScenarioFile(fromRoot('simulator/scenarios/crossing.yaml'));
  const robot = scenario.robots[0]!;
  const board = loadBoardFile(fromRoot(`board-configs/${robot.board}.yaml`));
  const { lengthM, widthM } = board.robot.footprint;
  const person = new MoverTrack(scenario.world.movers.find((m) => m.id === 'person')!);
  const cruiseMps = paramSpecs['cortex.cruiseSpeedMps'].default;

  /** First sim time (1 ms steps) the footprint touches the person, for a robot at `xAt(t)` on y = start; null: never. */
  function firstContactS(xAt: (tS: number) => number): number | null {
    for (let ms = 0; ms <= 20_000; ms++) {
      const tS = ms / 1000;
      const footprint = footprintPolygon({ xM: xAt(tS), yM: robot.start.yM, yawRad: 0 }, lengthM, widthM);
      if (polygonShapeDistance(footprint, person.outlineAt(tS)) === 0) return tS;
    }
    return null;
  }

  it('GIVEN a robot cruising on at 0.4 m/s without stopping THEN the person walks into it, whenever it set off within 0.5 s', () => {
    expect(cruiseMps).toBe(0.4);
    for (let departS = 0; departS <= 0.5; departS += 0.05) {
      const contact = firstContactS((t) => robot.start.xM + cruiseMps * Math.max(0, t - departS));
      expect(contact, `departing at ${departS.toFixed(2)} s`).not.toBeNull();
      expect(contact!).toBeGreaterThan(8.8);
      expect(contact!).toBeLessThan(9.6);
    }
    // The departure measured in the simulator (0.22 s): contact as the scenario's comments say.
    expect(firstContactS((t) => robot.start.xM + cruiseMps * Math.max(0, t - 0.22))).toBeCloseTo(9.2, 1);
  });

  it('GIVEN the same robot stopping where the reflex stops it (front edge at x 4.67 by 9.1 s) THEN the person passes clear', () => {
    const stopXM = 4.67 - lengthM / 2;
    expect(firstContactS((t) => Math.min(stopXM, robot.start.xM + cruiseMps * Math.max(0, t - 0.22)))).toBeNull();
  });
});
