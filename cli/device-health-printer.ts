import { describeEvent } from '../messages/runtime-event.js';
import type { RobotRuntime } from './robot-runtime.js';

/**
 * Prints a line for each device fault and recovery as it happens (`[4.000 s] lidar: ok -> failed
 * (...)`), leaving out the first start of each device and the shutdown. `clearLine` first erases a
 * live status line on a terminal.
 */
export function printDeviceHealth(runtime: RobotRuntime, out: NodeJS.WriteStream, clearLine: boolean): void {
  const cameUp = new Set(
    runtime
      .status()
      .devices.filter((d) => d.health.state === 'ok')
      .map((d) => d.id),
  );
  runtime.onEvent((event) => {
    if (event.kind !== 'device-health' || event.to === 'stopped') return;
    const firstStart = event.to === 'ok' && !cameUp.has(event.device);
    if (event.to === 'ok') cameUp.add(event.device);
    if (firstStart || event.from === 'stopped') return;
    out.write(`${clearLine ? '\r\x1b[2K' : ''}${describeEvent(event)}\n`);
  });
}
