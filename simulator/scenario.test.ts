import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import {
  loadScenarioFile,
  obstacleShape,
  parseScenarioText,
  scenarioCoverageArea,
  scenarioMissionOf,
  scenarioStartPose,
  worldBounds,
} from './scenario.js';
import { footprintPolygon, polygonSegmentDistance, polygonShapeDistance } from './world/geometry.js';

const scenarioPath = (name: string) => fileURLToPath(new URL(`./scenarios/${name}`, import.meta.url));

/** A valid scenario text with `extra` lines appended to the robot (or replacing parts via `edit`). */
const ROOM = `
name: test-room
world:
  walls:
    - [0, 0, 4, 0]
    - [4, 0, 4, 3]
    - [4, 3, 0, 3]
    - [0, 3, 0, 0]
  obstacles:
    - { box: { xM: 2, yM: 2, widthM: 0.5, heightM: 0.5 } }
    - { circle: { xM: 3, yM: 1, radiusM: 0.2 } }
robots:
  - id: robot-1
    start: { xM: 1, yM: 1 }
    mission:
      goto: { xM: 3, yM: 2.5 }
`;

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

describe('scenario files', () => {
  it('default.yaml: a goal 5 m straight ahead with the footprint clear of everything along the way', () => {
    const scenario = loadScenarioFile(scenarioPath('default.yaml'));
    expect(scenario.name).toBe('default');
    const [robot] = scenario.robots;
    const start = scenarioStartPose(robot!);
    const mission = scenarioMissionOf(robot!);
    expect(mission.kind).toBe('goto');
    if (mission.kind !== 'goto') return;
    const dx = mission.goal.xM - start.xM;
    const dy = mission.goal.yM - start.yM;
    expect(Math.hypot(dx, dy)).toBeCloseTo(5, 6);
    expect(Math.atan2(dy, dx)).toBeCloseTo(start.yawRad, 6);
    const b = worldBounds(scenario.world);
    expect([b.maxXM - b.minXM, b.maxYM - b.minYM]).toEqual([8, 6]);
    expect(scenario.world.walls).toHaveLength(4);
    expect(scenario.world.obstacles.length).toBeGreaterThanOrEqual(2);
    const shapes = scenario.world.obstacles.map(obstacleShape);
    for (let s = 0; s <= 1; s += 0.01) {
      const pose = { xM: start.xM + s * dx, yM: start.yM + s * dy, yawRad: start.yawRad };
      const footprint = footprintPolygon(pose, 0.3, 0.24);
      for (const shape of shapes) expect(polygonShapeDistance(footprint, shape)).toBeGreaterThan(1);
      for (const wall of scenario.world.walls) {
        const [x1, y1, x2, y2] = wall;
        const d = polygonSegmentDistance(footprint, { a: { xM: x1, yM: y1 }, b: { xM: x2, yM: y2 } });
        expect(d).toBeGreaterThan(0.5);
      }
    }
  });

  it('wall-ahead.yaml: full speed straight at a wall 3 m ahead', () => {
    const scenario = loadScenarioFile(scenarioPath('wall-ahead.yaml'));
    const robot = scenario.robots[0]!;
    expect(scenarioMissionOf(robot)).toEqual({ kind: 'drive', vMps: 0.5, wRadps: 0, durationS: 30 });
    const start = scenarioStartPose(robot);
    const b = worldBounds(scenario.world);
    expect([b.maxXM - b.minXM, b.maxYM - b.minYM]).toEqual([6, 3]);
    expect(start.yawRad).toBe(0);
    expect(b.maxXM - start.xM).toBeCloseTo(3, 6);
  });
});

describe('parseScenarioText', () => {
  it('fills the defaults', () => {
    const scenario = parseScenarioText(ROOM, 'room.yaml');
    expect(scenario).toMatchObject({ description: '', durationS: 60, seed: 1 });
    const robot = scenario.robots[0]!;
    expect(robot.board).toBe('sim-diffdrive');
    expect(robot.start.yawDeg).toBe(0);
    expect(scenarioMissionOf(robot)).toEqual({ kind: 'goto', goal: { xM: 3, yM: 2.5 }, toleranceM: 0.15 });
    expect(scenario.world.obstacles[0]).toEqual({ box: { xM: 2, yM: 2, widthM: 0.5, heightM: 0.5, yawDeg: 0 } });
  });

  it('turns start yaw and drive missions into radians and messages', () => {
    const text = ROOM.replace('start: { xM: 1, yM: 1 }', 'start: { xM: 1, yM: 1, yawDeg: 90 }').replace(
      'goto: { xM: 3, yM: 2.5 }',
      'drive: { vMps: 0.2, wRadps: 0.5, durationS: 4 }',
    );
    const robot = parseScenarioText(text, 'room.yaml').robots[0]!;
    expect(scenarioStartPose(robot).yawRad).toBeCloseTo(Math.PI / 2, 12);
    expect(scenarioMissionOf(robot)).toEqual({ kind: 'drive', vMps: 0.2, wRadps: 0.5, durationS: 4 });
  });

  it('reads polygons and closes them', () => {
    const text = ROOM.replace(
      '- { circle: { xM: 3, yM: 1, radiusM: 0.2 } }',
      '- { polygon: [[3, 1], [3.5, 1], [3.2, 1.5]] }',
    );
    const shape = obstacleShape(parseScenarioText(text, 'room.yaml').world.obstacles[1]!);
    expect(shape).toEqual({
      kind: 'polygon',
      points: [
        { xM: 3, yM: 1 },
        { xM: 3.5, yM: 1 },
        { xM: 3.2, yM: 1.5 },
      ],
    });
  });

  it.each([
    ['a missing name', ROOM.replace('name: test-room', ''), 'name', 'is required'],
    [
      'an unknown field',
      ROOM.replace('name: test-room', 'name: x\nspeed: 3'),
      '(top level)',
      'unknown field(s) "speed"',
    ],
    [
      'an obstacle with two shapes',
      ROOM.replace(
        '{ circle: { xM: 3, yM: 1, radiusM: 0.2 } }',
        '{ circle: { xM: 3, yM: 1, radiusM: 0.2 }, polygon: [[0,0],[1,0],[1,1]] }',
      ),
      'world.obstacles[1]',
      'has "circle" and "polygon"; give exactly one of "box", "circle", "polygon"',
    ],
    [
      'an obstacle with no shape',
      ROOM.replace('{ circle: { xM: 3, yM: 1, radiusM: 0.2 } }', '{}'),
      'world.obstacles[1]',
      'needs one of "box", "circle", "polygon"',
    ],
    [
      'a negative radius',
      ROOM.replace('radiusM: 0.2', 'radiusM: -1'),
      'world.obstacles[1].circle.radiusM',
      'Number must be greater than 0',
    ],
    [
      'a wall with three numbers',
      ROOM.replace('[0, 0, 4, 0]', '[0, 0, 4]'),
      'world.walls[0]',
      'Array must contain at least 4 element(s)',
    ],
    [
      'a zero-length wall',
      ROOM.replace('[0, 0, 4, 0]', '[1, 1, 1, 1]'),
      'world.walls[0]',
      'a wall needs two distinct end points',
    ],
    [
      'a mission with both goto and drive',
      ROOM.replace('goto: { xM: 3, yM: 2.5 }', 'goto: { xM: 3, yM: 2.5 }\n      drive: { vMps: 0.1, durationS: 1 }'),
      'robots[0].mission',
      'has "goto" and "drive"; give exactly one of "goto", "drive", "patrol", "survey", "returnToBase"',
    ],
    ['no robots', ROOM.replace(/robots:[\s\S]*$/, 'robots: []'), 'robots', 'a scenario needs at least one robot'],
    [
      'a bad robot id',
      ROOM.replace('id: robot-1', 'id: Robot_1'),
      'robots[0].id',
      'must be lower-case letters, digits and dashes, starting with a letter',
    ],
  ])('rejects %s, naming the field', (_what, text, path, problem) => {
    const error = configErrorOf(() => parseScenarioText(text, 'room.yaml'));
    expect(error.file).toBe('room.yaml');
    expect(error.path).toBe(path);
    expect(error.problem).toBe(problem);
  });

  it('rejects duplicate robot ids', () => {
    const second = `  - id: robot-1\n    start: { xM: 3, yM: 2.5 }\n    mission:\n      drive: { vMps: 0, durationS: 1 }\n`;
    const error = configErrorOf(() => parseScenarioText(ROOM + second, 'room.yaml'));
    expect([error.path, error.problem]).toEqual(['robots[1].id', 'duplicate robot id "robot-1"']);
  });

  it('rejects a start inside an obstacle (box and circle)', () => {
    let error = configErrorOf(() =>
      parseScenarioText(ROOM.replace('start: { xM: 1, yM: 1 }', 'start: { xM: 2.1, yM: 1.9 }'), 'r.yaml'),
    );
    expect([error.path, error.problem]).toEqual(['robots[0].start', '(2.1, 1.9) is inside world.obstacles[0]']);
    error = configErrorOf(() =>
      parseScenarioText(ROOM.replace('start: { xM: 1, yM: 1 }', 'start: { xM: 3.1, yM: 1.1 }'), 'r.yaml'),
    );
    expect([error.path, error.problem]).toEqual(['robots[0].start', '(3.1, 1.1) is inside world.obstacles[1]']);
  });

  it('rejects a start outside the world', () => {
    const error = configErrorOf(() =>
      parseScenarioText(ROOM.replace('start: { xM: 1, yM: 1 }', 'start: { xM: -1, yM: 1 }'), 'r.yaml'),
    );
    expect([error.path, error.problem]).toEqual(['robots[0].start', '(-1, 1) is outside the world']);
  });

  it('rejects a goal outside the world', () => {
    const error = configErrorOf(() =>
      parseScenarioText(ROOM.replace('goto: { xM: 3, yM: 2.5 }', 'goto: { xM: 5, yM: 1 }'), 'r.yaml'),
    );
    expect(error.path).toBe('robots[0].mission.goto');
    expect(error.problem).toBe('goal (5, 1) is outside the world (x 0..4, y 0..3)');
  });

  it('reports YAML syntax errors and missing files as ConfigErrors', () => {
    expect(configErrorOf(() => parseScenarioText('name: [unclosed', 'bad.yaml')).problem).toMatch(/^invalid YAML/);
    const missing = configErrorOf(() => loadScenarioFile(scenarioPath('no-such-scenario.yaml')));
    expect(missing.problem).toBe('file not found');
  });
});

describe('a robot’s coverageArea', () => {
  const withArea = (area: string): string => `${ROOM}    coverageArea: ${area}\n`;

  it('reads a polygon of [x, y] corners as the area whose coverage the report measures', () => {
    const scenario = parseScenarioText(withArea('[[0.5, 0.5], [3.5, 0.5], [3.5, 1.5], [0.5, 1.5]]'), 'room.yaml');
    expect(scenarioCoverageArea(scenario.robots[0]!)).toEqual([
      { xM: 0.5, yM: 0.5 },
      { xM: 3.5, yM: 0.5 },
      { xM: 3.5, yM: 1.5 },
      { xM: 0.5, yM: 1.5 },
    ]);
    expect(scenarioCoverageArea(parseScenarioText(ROOM, 'room.yaml').robots[0]!)).toBeNull();
  });

  it.each([
    ['[[0, 0], [1, 1]]', 'robots[0].coverageArea', 'a polygon needs at least 3 corners'],
    [
      '[[0, 0], [2, 2], [2, 0], [0, 2]]',
      'robots[0].coverageArea',
      "edges 0 and 2 meet: the area's boundary must not cross or touch itself",
    ],
    ['[[0, 0], [1, 1], [2, 2]]', 'robots[0].coverageArea', 'has zero area (its corners lie on one line)'],
  ])('refuses %s naming %s', (area, path, problem) => {
    const error = configErrorOf(() => parseScenarioText(withArea(area), 'room.yaml'));
    expect([error.file, error.path, error.problem]).toEqual(['room.yaml', path, problem]);
  });
});
