import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../scenario.js';
import { footprintPolygon, polygonEdges, rayCircleDistance, raySegmentDistance, rectanglePolygon } from './geometry.js';
import { WorldMap } from './world-map.js';

/** 8 m x 6 m room; a 1 m box centred at (4, 3); a column of radius 0.5 at (6, 1). */
const ROOM = `
name: map-test
world:
  walls:
    - [0, 0, 8, 0]
    - [8, 0, 8, 6]
    - [8, 6, 0, 6]
    - [0, 6, 0, 0]
  obstacles:
    - { box: { xM: 4, yM: 3, widthM: 1, heightM: 1 } }
    - { circle: { xM: 6, yM: 1, radiusM: 0.5 } }
robots:
  - id: robot-1
    start: { xM: 1, yM: 1 }
    mission: { drive: { vMps: 0, durationS: 1 } }
`;

const map = new WorldMap(parseScenarioText(ROOM, 'map-test.yaml').world);

describe('WorldMap.raycast', () => {
  it('hits the nearest wall', () => {
    expect(map.raycast(1, 5, 0, 12)).toBeCloseTo(7, 9);
    expect(map.raycast(1, 1, Math.PI, 12)).toBeCloseTo(1, 9);
    expect(map.raycast(1, 1, -Math.PI / 2, 12)).toBeCloseTo(1, 9);
    expect(map.raycast(1, 5, Math.PI / 2, 12)).toBeCloseTo(1, 9);
  });
  it('hits a box face before the wall behind it', () => {
    expect(map.raycast(1, 3, 0, 12)).toBeCloseTo(2.5, 9);
  });
  it('hits an exact circle: 0.5 short of its centre head on', () => {
    expect(map.raycast(1, 1, 0, 12)).toBeCloseTo(4.5, 9);
    expect(map.raycast(6, 4, -Math.PI / 2, 12)).toBeCloseTo(2.5, 9);
  });
  it('hits a circle off-centre where the circle equation says (chord at 0.3 off axis: 0.4 short)', () => {
    expect(map.raycast(6.3, 5, -Math.PI / 2, 12)).toBeCloseTo(5 - 1 - 0.4, 9);
  });
  it('reports Infinity beyond maxRangeM', () => {
    expect(map.raycast(1, 1, 0, 4)).toBe(Infinity);
    expect(map.raycast(1, 1, 0, 5)).toBeCloseTo(4.5, 9);
  });
  it('reports Infinity when nothing is there at all (outside the room, facing away)', () => {
    expect(map.raycast(-1, 3, Math.PI, 100)).toBe(Infinity);
  });
  it('sees extra polygons (another robot) in front of the map', () => {
    const peer = footprintPolygon({ xM: 2, yM: 1, yawRad: Math.PI }, 0.3, 0.24);
    expect(map.raycast(1, 1, 0, 12, [peer])).toBeCloseTo(0.85, 9);
    expect(map.raycast(1, 1, Math.PI, 12, [peer])).toBeCloseTo(1, 9);
  });
  it('culling by bounding box never loses a hit: agrees with testing every edge', () => {
    const cluttered = new WorldMap(
      parseScenarioText(
        ROOM.replace(
          '    - { circle: { xM: 6, yM: 1, radiusM: 0.5 } }',
          [
            '    - { circle: { xM: 6, yM: 1, radiusM: 0.5 } }',
            '    - { box: { xM: 2, yM: 4.5, widthM: 0.4, heightM: 1.2, yawDeg: 30 } }',
            '    - { polygon: [[6, 4], [7, 4.2], [6.5, 5.5], [6.2, 4.6]] }',
            '    - { box: { xM: 1.5, yM: 2, widthM: 0.2, heightM: 0.2 } }',
          ].join('\n'),
        ),
        'cluttered.yaml',
      ).world,
    );
    const edges = [...cluttered.walls()];
    const circles = [];
    for (const shape of cluttered.obstacles()) {
      if (shape.kind === 'polygon') edges.push(...polygonEdges(shape.points));
      else circles.push(shape.circle);
    }
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 5000; i++) {
      const origin = { xM: 0.2 + next() * 7.6, yM: 0.2 + next() * 5.6 };
      const angle = next() * 2 * Math.PI;
      let expected = Infinity;
      for (const e of edges) expected = Math.min(expected, raySegmentDistance(origin, angle, e));
      for (const c of circles) {
        expected = Math.min(expected, rayCircleDistance(origin.xM, origin.yM, Math.cos(angle), Math.sin(angle), c));
      }
      expect(cluttered.raycast(origin.xM, origin.yM, angle, 20)).toBe(expected);
    }
  });
  it('casts the sensor load of an LD06 at 20x real time (90 000 rays per sim second) within budget', () => {
    const rays = 90_000;
    let hits = 0;
    const started = performance.now();
    for (let i = 0; i < rays; i++) {
      const d = map.raycast(2, 2, (i / rays) * 40 * Math.PI, 12);
      if (d < Infinity) hits++;
    }
    const elapsedMs = performance.now() - started;
    expect(hits).toBe(rays);
    // A sim second's rays must cost well under a wall-clock second; measured ~10-20 ms here.
    expect(elapsedMs).toBeLessThan(500);
  });
});

describe('WorldMap.clearance', () => {
  it('measures a footprint to the nearest wall', () => {
    const f = footprintPolygon({ xM: 1, yM: 1, yawRad: 0 }, 0.3, 0.24);
    expect(map.clearances(f).wallM).toBeCloseTo(0.85, 9);
    expect(map.clearance(f)).toBeCloseTo(0.85, 9);
  });
  it('separates walls from obstacles', () => {
    const f = footprintPolygon({ xM: 4, yM: 2, yawRad: 0 }, 0.3, 0.24);
    const c = map.clearances(f);
    expect(c.obstacleM).toBeCloseTo(2.5 - 2.12, 9);
    expect(c.wallM).toBeCloseTo(1.88, 9);
    expect(map.clearance(f)).toBeCloseTo(0.38, 9);
  });
  it('measures to a circle exactly', () => {
    const f = footprintPolygon({ xM: 6, yM: 2, yawRad: 0 }, 0.3, 0.24);
    expect(map.clearances(f).obstacleM).toBeCloseTo(2 - 0.12 - 1.5, 9);
  });
  it('is 0 when touching or overlapping a wall, or when inside an obstacle', () => {
    expect(map.clearance(footprintPolygon({ xM: 7.85, yM: 3, yawRad: 0 }, 0.3, 0.24))).toBeCloseTo(0, 9);
    expect(map.clearance(footprintPolygon({ xM: 7.9, yM: 3, yawRad: 0 }, 0.3, 0.24))).toBe(0);
    expect(map.clearance(footprintPolygon({ xM: 4, yM: 3, yawRad: 0.3 }, 0.3, 0.24))).toBe(0);
  });
  it('includes extra polygons', () => {
    const f = footprintPolygon({ xM: 2, yM: 1, yawRad: 0 }, 0.3, 0.24);
    const peer = rectanglePolygon({ xM: 2.5, yM: 1 }, 0.3, 0.24, 0);
    expect(map.clearance(f, [peer])).toBeCloseTo(0.2, 9);
  });
});

describe('WorldMap.bounds', () => {
  it('spans the walls', () => {
    expect(map.bounds()).toEqual({ minXM: 0, minYM: 0, maxXM: 8, maxYM: 6 });
    expect(map.walls()).toHaveLength(4);
    expect(map.obstacles().map((s) => s.kind)).toEqual(['polygon', 'circle']);
  });
});
