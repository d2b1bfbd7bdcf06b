import { describeEvent, type RuntimeEvent } from '../messages/runtime-event.js';
import type { RobotRuntime } from './robot-runtime.js';

/**
 * Prints a line for each device fault and recovery and each operator action (e-stop, reset,
 * override session) as it happens (`[4.000 s] lidar: ok -> failed (...)`), leaving out the first
 * start of each device and the shutdown. Times count from `originUs` (default 0: sim start; `spinal
 * run` passes its own start). `clearLine` first erases a live status line on a terminal. `robot`
 * (default none) names the robot at the start of each line, for a run with several.
 */
export function printNotableEvents(
  runtime: RobotRuntime,
  out: NodeJS.WriteStream,
  clearLine: boolean,
  originUs = 0,
  robot: string | null = null,
): void {
  const cameUp = new Set(
    runtime
      .status()
      .devices.filter((d) => d.health.state === 'ok')
      .map((d) => d.id),
  );
  const print = (event: RuntimeEvent): void => {
    out.write(`${clearLine ? '\r\x1b[2K' : ''}${robot ? `${robot} ` : ''}${describeEvent(event, originUs)}\n`);
  };
  runtime.onEvent((event) => {
    if (event.kind === 'operator-estop' || event.kind === 'operator-reset' || event.kind === 'override') {
      print(event);
      return;
    }
    if (event.kind !== 'device-health' || event.to === 'stopped') return;
    const firstStart = event.to === 'ok' && !cameUp.has(event.device);
    if (event.to === 'ok') cameUp.add(event.device);
    if (firstStart || event.from === 'stopped') return;
    print(event);
  });
}
