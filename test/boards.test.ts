import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBoardFile } from '../config/board-loader.js';
import { createBuiltinRegistry } from '../hal/builtin-models.js';
import { bindDevices } from '../hal/device-binding.js';
import type { TransportBackends } from '../hal/registry.js';
import { createSimHardware } from '../simulator/devices/builtin-sim-devices.js';
import { VirtualClock } from '../time/virtual-clock.js';
import { ROOT } from './harness/run-cli.js';

const unused = (): Promise<never> => Promise.reject(new Error('no I/O in this test'));
const backends: TransportBackends = {
  serial: { kind: 'none', open: unused, list: unused },
  i2c: { kind: 'none', open: unused },
  gpio: { kind: 'none', open: unused },
  pwm: { kind: 'none', open: unused },
};

const boards = readdirSync(join(ROOT, 'board-configs')).filter((f) => f.endsWith('.yaml'));

describe('every shipped board config', () => {
  it('there are the boards the brief names', () => {
    expect(boards).toEqual(
      expect.arrayContaining([
        'sim-diffdrive.yaml',
        'rpi4-ld06-motorhat.yaml',
        'rpi5-rplidar-roboclaw.yaml',
        'jetson-orin-nano-ld19-l298n.yaml',
      ]),
    );
  });

  it.each(boards)(
    '%s: every device binds to a registered model with valid params, and has a simulator model',
    (file) => {
      const path = join('board-configs', file);
      const board = loadBoardFile(join(ROOT, path));
      const devices = bindDevices(board, path, createBuiltinRegistry(), new VirtualClock(0), backends);
      expect(devices.map((d) => d.id)).toEqual(board.devices.filter((d) => d.enabled).map((d) => d.id));
      const hardware = createSimHardware(board, path);
      expect([...hardware.byId.keys()]).toEqual(devices.map((d) => d.id));
      const [left, right] = [board.robot.drive.left, board.robot.drive.right].map((ref) => ref.split('.')[0]!);
      expect(hardware.motorOutputs.has(left!)).toBe(true);
      expect(hardware.motorOutputs.has(right!)).toBe(true);
    },
  );
});
