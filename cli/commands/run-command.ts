import { readdirSync } from 'node:fs';
import { GpiodCliBackend } from '../../hal/transport/gpio/gpiod-cli-backend.js';
import { SysfsPwmBackend } from '../../hal/transport/pwm/sysfs-pwm-backend.js';
import { OnoffGpioBackend } from '../../hal/transport/gpio/onoff-backend.js';
import { I2cBusBackend } from '../../hal/transport/i2c/i2c-bus-backend.js';
import { SerialportBackend } from '../../hal/transport/serial/serialport-backend.js';
import { MonotonicClock } from '../../time/monotonic-clock.js';
import { loadDock, loadGeofence } from '../../config/runtime-config-file.js';
import { loadBoard, loadParams } from '../config-sources.js';
import { printNotableEvents } from '../event-printer.js';
import { checkUnknownEnvVars } from '../env-warnings.js';
import { resolvePriorMap } from '../prior-map.js';
import { RobotRuntime } from '../robot-runtime.js';
import { raiseReflexPriority } from '../service/reflex-priority.js';
import { ServiceNotifier } from '../service/systemd-notifier.js';
import { installLayout } from '../upgrade/install-layout.js';
import { describeLastRollback, readUpgradeEvents, upgradeEventBody } from '../upgrade/upgrade-event.js';
import { EXIT_OK } from '../usage-error.js';
import { sanitizeExternalText } from '../../messages/external-text.js';

/** Kernels from 6.6 on may come without numbered sysfs GPIO chips; then lines go through the character device. */
function hasSysfsGpio(): boolean {
  try {
    return readdirSync('/sys/class/gpio').some((name) => name.startsWith('gpiochip'));
  } catch {
    return false;
  }
}

export interface RunOptions {
  board: string;
  config?: string;
  out: NodeJS.WriteStream;
}

/**
 * `spinal run`: the runtime on real hardware, with the real transports and the monotonic clock,
 * until SIGINT/SIGTERM. Devices that are missing or fail are reported as health and retried.
 */
export async function runRunCommand(options: RunOptions): Promise<number> {
  checkUnknownEnvVars(process.env, options.out, true);
  const service = new ServiceNotifier();
  const board = loadBoard(options.board);
  const params = loadParams(board, options.config);
  const clock = new MonotonicClock();
  // Before the worker threads start: they inherit this thread's priority and lower their own.
  const priority = raiseReflexPriority();
  const upgrades = readUpgradeEvents(installLayout().upgradeEvents);
  const runtime = await RobotRuntime.start({
    priority,
    upgrades: upgrades.map(upgradeEventBody),
    mode: 'run',
    board: board.board,
    boardFile: board.file,
    params,
    clock,
    backends: {
      serial: new SerialportBackend(),
      i2c: new I2cBusBackend(),
      gpio: hasSysfsGpio() ? new OnoffGpioBackend() : new GpiodCliBackend({ clock }),
      pwm: new SysfsPwmBackend({ clock }),
    },
    assignment: null,
    map: resolvePriorMap(params, board),
    keepMapPath: params['cortex.keepMapPath'] === '' ? null : params['cortex.keepMapPath'],
    geofence: options.config ? loadGeofence(options.config) : null,
    dock: options.config ? loadDock(options.config) : null,
  });
  options.out.write(
    `spinal run: robot ${params['robot.id']} on board ${board.board.board} (${board.file}); Ctrl-C to stop\n`,
  );
  options.out.write(`spinal run: reflex priority nice ${priority.nice} (${priority.source})\n`);
  const rollback = describeLastRollback(upgrades);
  if (rollback) options.out.write(`spinal run: ${rollback}\n`);
  for (const device of runtime.status().devices) {
    if (device.health.state !== 'ok')
      options.out.write(`${device.id}: ${device.health.state} (${sanitizeExternalText(device.health.reason)})\n`);
  }
  printNotableEvents(runtime, options.out, false, runtime.startedAtUs);
  void runtime.debugPortResult().then((port) => {
    // The robot runs on without its debug port (the reflex does not need it); the operator is told.
    if (!port.ok) options.out.write(`spinal run: warning: the debug port is not available: ${port.message}\n`);
  });
  service.ready(`robot ${params['robot.id']} on board ${board.board.board}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  service.stopping();
  // RobotRuntime.stop() brakes the motors before anything else, then stops the threads and devices.
  options.out.write('spinal run: stopping (motors braked)\n');
  await runtime.stop();
  return EXIT_OK;
}
