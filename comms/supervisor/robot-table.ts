import type { RobotView } from './supervisor-server.js';

const REFLEX = ['?', 'clear', 'limited', 'slow', 'stopped', 'e-stop'];
const MISSION = ['?', 'idle', 'active', 'succeeded', 'failed', 'aborted'];
const MODE = ['?', 'sim', 'run'];

/** The supervisor's live table of robots: one line each (link, mode, reflex, battery, mission, events held, last event). */
export function renderRobotTable(robots: readonly RobotView[]): string {
  const rows = [['robot', 'link', 'mode', 'reflex', 'battery', 'mission', 'events', 'last event']];
  for (const robot of robots) {
    const t = robot.telemetry;
    rows.push([
      robot.robotId,
      robot.link,
      t ? (MODE[t.mode] ?? '?') : '-',
      t?.reflex ? (REFLEX[t.reflex.state] ?? '?') : '-',
      t?.battery ? `${t.battery.voltageV.toFixed(1)} V` : '-',
      t?.mission ? `${t.mission.kind || 'none'} ${MISSION[t.mission.state] ?? '?'}` : '-',
      String(robot.heldSeq),
      robot.lastEvent || '-',
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, c) => cell.padEnd(widths[c]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
