import type { Point2D, Pose2D } from '../../messages/geometry.js';
import type { SimCollisionEvent, SimReflexTrip } from '../report.js';
import { moverOutline, moverStartPose, obstacleShape, wallSegment, type ScenarioWorld } from '../scenario.js';
import { boundsOf, footprintPolygon, type Bounds, type Shape } from '../world/geometry.js';
import { poseAlong, type TrajectoryPoint } from '../world/trajectory-recorder.js';

/**
 * The picture of a simulator run (`spinal sim --plot FILE.svg`): a self-contained SVG of the world
 * (walls, obstacles, movers' paths), and per robot its geofence, goal, true trajectory (solid), the
 * trajectory it believed it drove (its own pose estimate, dashed), where it was when each reflex
 * trip fired and each collision began (numbered markers with their reasons, as `<title>` and in the
 * list under the map), and its footprint at the minimum clearance. Pure: data in, text out.
 */

/** One robot as the picture draws it. */
export interface RunPlotRobot {
  id: string;
  /** The footprint rectangle the physics measures with, metres. */
  footprint: { lengthM: number; widthM: number };
  geofence: readonly Point2D[] | null;
  /** A goto mission's goal; null for other missions. */
  goal: Point2D | null;
  /** The simulator's truth, decimated. */
  truePath: readonly TrajectoryPoint[];
  /** The pose the robot reported (its own estimate), decimated. */
  believedPath: readonly TrajectoryPoint[];
  trips: readonly SimReflexTrip[];
  collisions: readonly SimCollisionEvent[];
  /** The smallest clearance, when and where (the true pose then); null in an empty world. */
  minClearance: { distanceM: number; simTimeS: number; pose: Pose2D } | null;
}

export interface RunPlot {
  /** The scenario's name. */
  scenario: string;
  simTimeS: number;
  world: ScenarioWorld;
  robots: readonly RunPlotRobot[];
}

/** Robot colours, in order (a colour-blind-safe set). */
const ROBOT_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];
/** Largest drawing of the world, pixels. */
const MAX_MAP_WIDTH_PX = 900;
const MAX_MAP_HEIGHT_PX = 700;
const MARGIN_PX = 24;
const LINE_PX = 16;
/** Room right of the map for labels of marks near its edge, pixels. */
const LABEL_ROOM_PX = 100;
/** Longest reason text written out in full. */
const MAX_REASON_CHARS = 160;

/** The SVG document of a run. */
export function renderRunPlotSvg(plot: RunPlot): string {
  const bounds = plotBounds(plot);
  const widthM = Math.max(bounds.maxXM - bounds.minXM, 0.5);
  const heightM = Math.max(bounds.maxYM - bounds.minYM, 0.5);
  const scale = Math.min(200, Math.max(10, Math.min(MAX_MAP_WIDTH_PX / widthM, MAX_MAP_HEIGHT_PX / heightM)));
  const mapWidthPx = widthM * scale;
  const mapHeightPx = heightM * scale;
  const x = (xM: number): string => fmt(MARGIN_PX + (xM - bounds.minXM) * scale);
  const y = (yM: number): string => fmt(MARGIN_PX + LINE_PX + (bounds.maxYM - yM) * scale);
  const pts = (points: readonly Point2D[]): string => points.map((p) => `${x(p.xM)},${y(p.yM)}`).join(' ');

  const body: string[] = [];
  body.push(`<g class="world">`);
  for (const wall of plot.world.walls) {
    const s = wallSegment(wall);
    body.push(`<line class="wall" x1="${x(s.a.xM)}" y1="${y(s.a.yM)}" x2="${x(s.b.xM)}" y2="${y(s.b.yM)}"/>`);
  }
  for (const obstacle of plot.world.obstacles)
    body.push(shapeSvg(obstacleShape(obstacle), 'obstacle', pts, x, y, scale));
  for (const mover of plot.world.movers) {
    const path = mover.path.map(([xM, yM]) => ({ xM, yM }));
    body.push(
      `<g class="mover"><title>${esc(`mover ${mover.id}: ${mover.speedMps} m/s from ${mover.startS} s, loop ${mover.loop}`)}</title>`,
      `<polyline class="mover-path" points="${pts(path)}"/>`,
      shapeSvg(moverOutline(mover.shape, moverStartPose(mover)), 'mover-start', pts, x, y, scale),
      `</g>`,
    );
  }
  body.push(`</g>`);

  const events: string[] = [];
  let eventNo = 0;
  plot.robots.forEach((robot, i) => {
    const colour = ROBOT_COLOURS[i % ROBOT_COLOURS.length]!;
    const id = esc(robot.id);
    body.push(`<g class="robot" data-robot="${id}" stroke="${colour}" fill="${colour}">`);
    if (robot.geofence && robot.geofence.length >= 3) {
      body.push(`<polygon class="geofence" points="${pts(robot.geofence)}"><title>geofence of ${id}</title></polygon>`);
    }
    if (robot.goal) {
      const gx = x(robot.goal.xM);
      const gy = y(robot.goal.yM);
      body.push(
        `<g class="goal"><title>goal of ${id} (${fmt(robot.goal.xM)}, ${fmt(robot.goal.yM)})</title>` +
          `<circle cx="${gx}" cy="${gy}" r="6"/><circle cx="${gx}" cy="${gy}" r="2"/></g>`,
      );
    }
    if (robot.believedPath.length > 1) {
      body.push(
        `<polyline class="believed" points="${pts(robot.believedPath)}"><title>${id}: believed pose</title></polyline>`,
      );
    }
    if (robot.truePath.length > 1) {
      body.push(`<polyline class="true" points="${pts(robot.truePath)}"><title>${id}: true pose</title></polyline>`);
    }
    const start = robot.truePath[0];
    const end = robot.truePath.at(-1);
    if (start) body.push(footprintSvg(start, robot, 'start', `${id} at the start`, pts));
    if (end) body.push(footprintSvg(end, robot, 'end', `${id} at ${fmt(end.simTimeS)} s (the end)`, pts));
    if (robot.minClearance) {
      const { pose, distanceM, simTimeS } = robot.minClearance;
      const text = `${robot.id}: minimum clearance ${fmt(distanceM)} m at ${fmt(simTimeS)} s`;
      body.push(
        `<g class="min-clearance"><title>${esc(text)}</title>`,
        footprintSvg(pose, robot, 'min-clearance-footprint', null, pts),
        `<circle cx="${x(pose.xM)}" cy="${y(pose.yM)}" r="3"/>`,
        `<text x="${fmt(Number(x(pose.xM)) + 6)}" y="${fmt(Number(y(pose.yM)) + 12)}">min ${fmt(distanceM)} m</text>`,
        `</g>`,
      );
      events.push(`<tspan class="min-clearance-line">${esc(text)}</tspan>`);
    }
    for (const trip of robot.trips) {
      eventNo += 1;
      const at = poseAlong(robot.truePath, trip.simTimeS);
      const text = `${robot.id}: trip ${eventNo} at ${fmt(trip.simTimeS)} s: ${clip(trip.reason)}`;
      events.push(`<tspan class="trip-line">${esc(text)}</tspan>`);
      if (at) body.push(markerSvg('trip', eventNo, text, x(at.xM), y(at.yM), 'triangle'));
    }
    for (const hit of robot.collisions) {
      eventNo += 1;
      const text =
        `${robot.id}: collision ${eventNo} at ${fmt(hit.simTimeS)} s with ${hit.hit}, ` + `${fmt(hit.speedMps)} m/s`;
      events.push(`<tspan class="collision-line">${esc(text)}</tspan>`);
      const at = Number.isFinite(hit.pose.xM) ? hit.pose : poseAlong(robot.truePath, hit.simTimeS);
      if (at) body.push(markerSvg('collision', eventNo, text, x(at.xM), y(at.yM), 'cross'));
    }
    body.push(`</g>`);
  });

  const legendTop = MARGIN_PX + LINE_PX + mapHeightPx + LINE_PX;
  const legend = [
    ...plot.robots.map(
      (r, i) =>
        `<tspan fill="${ROBOT_COLOURS[i % ROBOT_COLOURS.length]!}">${esc(r.id)}: solid = true pose, dashed = believed pose, ` +
        `${r.trips.length} trip(s), ${r.collisions.length} collision(s)</tspan>`,
    ),
    ...events,
  ];
  const widthPx = Math.ceil(Math.max(mapWidthPx + 2 * MARGIN_PX + LABEL_ROOM_PX, 640));
  const heightPx = Math.ceil(legendTop + legend.length * LINE_PX + MARGIN_PX);
  const legendText = legend.map((line) => line.replace('<tspan', `<tspan x="${MARGIN_PX}" dy="${LINE_PX}"`)).join('');
  const heading = `${plot.scenario}: ${fmt(plot.simTimeS)} s of sim time`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${widthPx} ${heightPx}">`,
    `<title>${esc(heading)}</title>`,
    `<style>${STYLE}</style>`,
    `<rect class="background" width="100%" height="100%"/>`,
    `<text class="heading" x="${MARGIN_PX}" y="${MARGIN_PX}">${esc(heading)} (1 m = ${fmt(scale)} px)</text>`,
    ...body,
    `<text class="legend" x="${MARGIN_PX}" y="${fmt(legendTop - LINE_PX)}">${legendText}</text>`,
    `</svg>`,
    '',
  ].join('\n');
}

const STYLE = [
  '.background{fill:#fff}',
  'text{font:12px sans-serif;fill:#222;stroke:none}',
  '.heading{font-weight:bold}',
  '.wall{stroke:#222;stroke-width:3;stroke-linecap:round}',
  '.obstacle{fill:#999;stroke:#444;stroke-width:1}',
  '.mover-path{fill:none;stroke:#a0a;stroke-width:1;stroke-dasharray:2 4}',
  '.mover-start{fill:#e8c8e8;stroke:#a0a;stroke-width:1}',
  '.geofence{fill:none;stroke-width:1.5;stroke-dasharray:8 4;opacity:.6}',
  '.goal circle{fill:none;stroke-width:2}',
  '.true{fill:none;stroke-width:2}',
  '.believed{fill:none;stroke-width:1.5;stroke-dasharray:5 3;opacity:.7}',
  '.start,.end{fill:none;stroke-width:1}',
  '.end{stroke-width:2}',
  '.min-clearance-footprint{fill:#fc0;fill-opacity:.4;stroke:#b80;stroke-width:1.5}',
  '.min-clearance text{fill:#850}',
  '.trip path{fill:#fc0;stroke:#b60;stroke-width:1.5}',
  '.collision path{fill:none;stroke:#d00;stroke-width:3}',
  '.trip text{fill:#b60;font-weight:bold}',
  '.collision text{fill:#d00;font-weight:bold}',
  '.trip-line{fill:#b60}',
  '.collision-line{fill:#d00}',
  '.min-clearance-line{fill:#850}',
].join('');

function plotBounds(plot: RunPlot): Bounds {
  const points: Point2D[] = plot.world.walls.flatMap((w) => {
    const s = wallSegment(w);
    return [s.a, s.b];
  });
  for (const mover of plot.world.movers) points.push(...mover.path.map(([xM, yM]) => ({ xM, yM })));
  for (const robot of plot.robots) {
    points.push(...robot.truePath, ...robot.believedPath, ...(robot.geofence ?? []));
    if (robot.goal) points.push(robot.goal);
  }
  const circles = plot.world.obstacles
    .map(obstacleShape)
    .flatMap((shape) => (shape.kind === 'circle' ? [shape.circle] : []));
  for (const shape of plot.world.obstacles.map(obstacleShape))
    if (shape.kind === 'polygon') points.push(...shape.points);
  const finite = points.filter((p) => Number.isFinite(p.xM) && Number.isFinite(p.yM));
  return boundsOf(finite, circles) ?? { minXM: 0, minYM: 0, maxXM: 1, maxYM: 1 };
}

function shapeSvg(
  shape: Shape,
  cls: string,
  pts: (points: readonly Point2D[]) => string,
  x: (xM: number) => string,
  y: (yM: number) => string,
  scale: number,
): string {
  if (shape.kind === 'circle') {
    const c = shape.circle;
    return `<circle class="${cls}" cx="${x(c.xM)}" cy="${y(c.yM)}" r="${fmt(c.radiusM * scale)}"/>`;
  }
  return `<polygon class="${cls}" points="${pts(shape.points)}"/>`;
}

function footprintSvg(
  pose: Pose2D,
  robot: RunPlotRobot,
  cls: string,
  title: string | null,
  pts: (points: readonly Point2D[]) => string,
): string {
  const outline = footprintPolygon(pose, robot.footprint.lengthM, robot.footprint.widthM);
  const nose = {
    xM: pose.xM + Math.cos(pose.yawRad) * robot.footprint.lengthM * 0.5,
    yM: pose.yM + Math.sin(pose.yawRad) * robot.footprint.lengthM * 0.5,
  };
  const inner = title === null ? '' : `<title>${esc(title)}</title>`;
  return `<g class="${cls}">${inner}<polygon points="${pts(outline)}"/><polyline points="${pts([pose, nose])}"/></g>`;
}

function markerSvg(cls: string, n: number, title: string, cx: string, cy: string, kind: 'triangle' | 'cross'): string {
  const px = Number(cx);
  const py = Number(cy);
  const d =
    kind === 'triangle'
      ? `M${fmt(px)},${fmt(py - 8)} L${fmt(px + 7)},${fmt(py + 5)} L${fmt(px - 7)},${fmt(py + 5)} Z`
      : `M${fmt(px - 6)},${fmt(py - 6)} L${fmt(px + 6)},${fmt(py + 6)} M${fmt(px - 6)},${fmt(py + 6)} L${fmt(px + 6)},${fmt(py - 6)}`;
  return `<g class="${cls}"><title>${esc(title)}</title><path d="${d}"/><text x="${fmt(px + 8)}" y="${fmt(py - 6)}">${n}</text></g>`;
}

/** A number for the picture: 3 decimals at most, no trailing zeros. */
function fmt(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 1000) / 1000) : '0';
}

function clip(text: string): string {
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}

/** Text made safe for SVG content and attributes; control characters (not allowed in XML) dropped. */
export function esc(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}
