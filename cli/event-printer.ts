import { describeEvent, type RuntimeEvent } from '../messages/runtime-event.js';
import type { RobotRuntime } from './robot-runtime.js';

/**
 * Prints a line for each device fault and recovery (a flapping device once when it starts and once
 * when it settles), each operator action (e-stop, reset, override session), each change of a
 * mission's state (queued, started, held, preempted, ended or refused, with why), each consistency
 * violation and reaction, and each ledger notice
 * (a full disk) as it happens (`[4.000 s] lidar: ok -> failed (...)`), leaving out the first
 * start of each device and the shutdown. Times count from `originUs` (default 0: sim start; `spinal
 * run` passes its own start). `clearLine` first erases a live status line on a terminal. `robot`
 * (default none) names the robot at the start of each line, for a run with several.
 */
export function printNotableEvents(
  runtime: Pick<RobotRuntime, 'onEvent'>,
  out: NodeJS.WriteStream,
  clearLine: boolean,
  originUs = 0,
  robot: string | null = null,
): void {
  // Devices past their first start: seen ok, or seen in trouble (a recovery to ok is then printed).
  const cameUp = new Set<string>();
  const print = (event: RuntimeEvent): void => {
    out.write(`${clearLine ? '\r\x1b[2K' : ''}${robot ? `${robot} ` : ''}${describeEvent(event, originUs)}\n`);
  };
  runtime.onEvent((event) => {
    const alwaysPrinted = [
      'operator-estop',
      'operator-reset',
      'override',
      'device-flapping',
      'ledger-notice',
      'mission',
      'consistency-violation',
      'consistency-reaction',
      'right-of-way',
    ];
    if (alwaysPrinted.includes(event.kind)) {
      print(event);
      return;
    }
    if (event.kind !== 'device-health' || event.to === 'stopped') return;
    const firstStart = event.to === 'ok' && !cameUp.has(event.device);
    cameUp.add(event.device);
    if (firstStart || event.from === 'stopped') return;
    print(event);
  });
}
