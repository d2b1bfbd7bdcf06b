import type { RuntimeStatus } from '../messages/runtime-status.js';

/** One compact line of what the robot is doing: sim time, mission, pose, speed, nearest obstacle, reflex. */
export function formatStatusLine(simTimeS: number, status: RuntimeStatus): string {
  const pose = status.pose
    ? `x ${status.pose.xM.toFixed(2)} y ${status.pose.yM.toFixed(2)} θ ${Math.round((status.pose.yawRad * 180) / Math.PI)}°`
    : 'pose ?';
  const nearest = status.nearestObstacleM === null ? 'nearest -' : `nearest ${status.nearestObstacleM.toFixed(2)} m`;
  const reflex =
    status.reflex.state === 'clear' ? 'reflex clear' : `reflex ${status.reflex.state} (${status.reflex.rule})`;
  return [
    `t ${simTimeS.toFixed(1)} s`,
    `${status.mission.kind} ${status.mission.state}`,
    pose,
    `${status.speed.vMps.toFixed(2)} m/s`,
    nearest,
    reflex,
  ].join(' | ');
}
