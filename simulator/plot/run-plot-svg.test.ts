import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../scenario.js';
import { renderRunPlotSvg, type RunPlot } from './run-plot-svg.js';

const SCENARIO = parseScenarioText(
  `name: room
world:
  walls: [[0, 0, 6, 0], [6, 0, 6, 4], [6, 4, 0, 4], [0, 4, 0, 0]]
  obstacles:
    - circle: { xM: 4, yM: 2, radiusM: 0.2 }
    - box: { xM: 2, yM: 3, widthM: 0.5, heightM: 0.5 }
  movers:
    - id: cart
      shape: { box: { widthM: 0.4, heightM: 0.4 } }
      path: [[5, 1], [1, 1]]
      speedMps: 1
robots:
  - id: robot-1
    start: { xM: 1, yM: 2 }
    geofence: [[0.5, 0.5], [5.5, 0.5], [5.5, 3.5], [0.5, 3.5]]
    mission:
      goto: { xM: 5, yM: 2 }
`,
  'room.yaml',
);

function plot(overrides: Partial<RunPlot['robots'][number]> = {}): RunPlot {
  return {
    scenario: 'room',
    simTimeS: 3,
    world: SCENARIO.world,
    robots: [
      {
        id: 'robot-1',
        footprint: { lengthM: 0.3, widthM: 0.25 },
        geofence: [
          { xM: 0.5, yM: 0.5 },
          { xM: 5.5, yM: 0.5 },
          { xM: 5.5, yM: 3.5 },
        ],
        goal: { xM: 5, yM: 2 },
        truePath: [
          { simTimeS: 0, xM: 1, yM: 2, yawRad: 0 },
          { simTimeS: 3, xM: 3.5, yM: 2, yawRad: 0 },
        ],
        believedPath: [
          { simTimeS: 0, xM: 1, yM: 2, yawRad: 0 },
          { simTimeS: 3, xM: 3.4, yM: 2.1, yawRad: 0 },
        ],
        trips: [{ reason: 'obstacle: obstacle 0.13 m ahead <& "quoted">', simTimeS: 1.5 }],
        collisions: [{ simTimeS: 2.5, pose: { xM: 3.5, yM: 2, yawRad: 0 }, speedMps: 0.2, hit: 'obstacle' }],
        minClearance: { distanceM: 0, simTimeS: 2.5, pose: { xM: 3.5, yM: 2, yawRad: 0 } },
        ...overrides,
      },
    ],
  };
}

describe('renderRunPlotSvg', () => {
  it('GIVEN a run with a trip and a collision THEN both are marked with their reasons, beside the world, paths, geofence and minimum clearance', () => {
    const svg = renderRunPlotSvg(plot());
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(svg.match(/<line class="wall"/g)).toHaveLength(4);
    expect(svg.match(/class="obstacle"/g)).toHaveLength(2);
    expect(svg).toContain('class="mover"');
    expect(svg).toContain('class="geofence"');
    expect(svg).toContain('class="goal"');
    expect(svg).toContain('<polyline class="true"');
    expect(svg).toContain('<polyline class="believed"');
    expect(svg.match(/<g class="trip">/g)).toHaveLength(1);
    expect(svg.match(/<g class="collision">/g)).toHaveLength(1);
    // The reason, escaped, in the marker's title and in the list.
    expect(
      svg.match(/trip 1 at 1\.5 s: obstacle: obstacle 0\.13 m ahead &lt;&amp; &quot;quoted&quot;&gt;/g),
    ).toHaveLength(2);
    expect(svg).toContain('collision 2 at 2.5 s with obstacle, 0.2 m/s');
    expect(svg).toContain('minimum clearance 0 m at 2.5 s');
    expect(svg).not.toMatch(/<&|& "/);
  });

  it('GIVEN the world y axis points north THEN the picture puts north up (a larger y is drawn higher)', () => {
    const svg = renderRunPlotSvg(plot());
    const [, y1, y2] =
      /<line class="wall" x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="[\d.]+"\/>\n<line class="wall" x1="[\d.]+" y1="([\d.]+)"/.exec(
        svg,
      ) ?? [];
    // The first wall runs along y = 0, the second starts from (6, 0) up to (6, 4): both start at y = 0.
    expect(Number(y1)).toBe(Number(y2));
    const top = /<line class="wall" x1="[\d.]+" y1="[\d.]+" x2="[\d.]+" y2="([\d.]+)"/g;
    const ends = [...svg.matchAll(top)].map((m) => Number(m[1]));
    expect(ends[1]).toBeLessThan(ends[0]!);
  });

  it('GIVEN a robot that reported no pose and a run with nothing to mark THEN no believed path and no markers are drawn', () => {
    const svg = renderRunPlotSvg(plot({ believedPath: [], trips: [], collisions: [], minClearance: null }));
    expect(svg).not.toContain('class="believed"');
    expect(svg).not.toContain('<g class="trip">');
    expect(svg).not.toContain('<g class="collision">');
    expect(svg).not.toContain('class="min-clearance"');
  });

  it('GIVEN control characters in a reason THEN they are left out (XML forbids them)', () => {
    const svg = renderRunPlotSvg(plot({ trips: [{ reason: 'bad\u0001\u001bbyte', simTimeS: 1 }] }));
    expect(svg).toContain('badbyte');
    // eslint-disable-next-line no-control-regex
    expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });
});
