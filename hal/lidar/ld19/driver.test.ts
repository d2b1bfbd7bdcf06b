import { describe, expect, it } from 'vitest';
import type { LidarPoints } from '../../../messages/lidar-points.js';
import { runClockFor } from '../../../test/harness/clock-steps.js';
import { lidarOnSerialPort } from '../../../test/harness/lidar-on-serial-port.js';
import { MemorySerialBackend } from '../../transport/serial/memory-serial-backend.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import { TransportError } from '../../transport/transport-error.js';
import { ld06Model } from '../ld06/driver.js';
import { ld06ParamsSchema } from '../ld06/params.js';
import { ld19Model } from './driver.js';
import { ld19ParamsSchema } from './params.js';

const PATH = '/dev/ttyUSB1';

/**
 * The example packet printed in the LDROBOT LD06 and LD19 Development Manuals (chapter
 * "Communication protocol", the same packet in both): 12 points from 324.27° to 334.70°.
 */
const MANUAL_EXAMPLE = Uint8Array.from(
  '54 2C 68 08 AB 7E E0 00 E4 DC 00 E2 D9 00 E5 D5 00 E3 D3 00 E4 D0 00 E9 CD 00 E4 CA 00 E2 C7 00 E9 C5 00 E5 C2 00 E5 C0 00 E5 BE 82 3A 1A 50'
    .split(' ')
    .map((hex) => parseInt(hex, 16)),
);

function setUp() {
  const clock = new VirtualClock(5_000_000);
  const port = new MemorySerialBackend([PATH]);
  const { lidar, messages } = lidarOnSerialPort(ld19Model, {
    id: 'front-lidar',
    path: PATH,
    params: ld19ParamsSchema.parse({}),
    clock,
    serial: port,
  });
  return { clock, port, lidar, messages };
}

/** Moves the clock on in 10 ms steps, letting promises settle after each. */
function advanceMs(clock: VirtualClock, ms: number): Promise<void> {
  return runClockFor(clock, ms * 1_000, 10_000);
}

describe('ld19Model', () => {
  it('is its own model, an LD19 lidar on a serial bus', () => {
    expect(ld19Model.compatible).toBe('ldrobot,ld19');
    expect(ld19Model.kind).toBe('lidar');
    expect(ld19Model.busKind).toBe('serial');
    expect(ld19Model.description).toContain('LD19');
    expect(ld19Model.create).not.toBe(ld06Model.create);
  });

  it('defaults to the LD19 manual: 230400 baud, 0.02 to 12 m', () => {
    expect(ld19Model.paramsSchema.parse({})).toEqual({
      baudRate: 230_400,
      mount: { xM: 0, yM: 0, yawDeg: 0 },
      minRangeM: 0.02,
      maxRangeM: 12,
      minIntensity: 0,
    });
    expect(ld19ParamsSchema.innerType().shape.baudRate.description).toContain('LD19');
  });

  it('takes exactly the params the LD06 takes, with the same checks', () => {
    const params = { baudRate: 230_400, mount: { xM: 0.1, yM: 0, yawDeg: 180 }, minRangeM: 0.1, maxRangeM: 8 };
    expect(ld19ParamsSchema.parse(params)).toEqual(ld06ParamsSchema.parse(params));
    expect(ld19ParamsSchema.safeParse({ baud: 115_200 }).success).toBe(false);
    expect(ld19ParamsSchema.safeParse({ mount: { zM: 1 } }).success).toBe(false);
    const inverted = ld19ParamsSchema.safeParse({ minRangeM: 5, maxRangeM: 2 });
    expect(inverted.success).toBe(false);
    expect(inverted.error?.issues[0]?.path).toEqual(['minRangeM']);
  });
});

describe('LD19 driver', () => {
  it('decodes the manual example with the LD06 codec and places it in the robot frame', async () => {
    const { port, lidar, messages } = setUp();
    await lidar.start();
    expect(port.openCalls).toEqual([{ path: PATH, baudRate: 230_400 }]);
    port.send(MANUAL_EXAMPLE);
    expect(lidar.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(lidar.speedDegPerS()).toBe(2152);
    expect(lidar.compatible).toBe('ldrobot,ld19');
    const message = messages[0] as LidarPoints;
    expect(message.deviceId).toBe('front-lidar');
    expect(message.count).toBe(12);
    // First point: 224 mm at sensor 324.27° (clockwise), robot bearing +35.73° (front left).
    expect(message.xM[0]).toBeCloseTo(0.224 * Math.cos((35.73 * Math.PI) / 180), 5);
    expect(message.yM[0]).toBeCloseTo(0.224 * Math.sin((35.73 * Math.PI) / 180), 5);
  });

  it('waits 3.5 s for the first packet after the port opens (the motor spins up for up to 3 s)', async () => {
    const { clock, port, lidar } = setUp();
    await lidar.start();
    clock.advanceBy(3_400_000);
    expect(lidar.health().state).toBe('starting');
    clock.advanceBy(200_000);
    expect(lidar.health()).toMatchObject({
      state: 'failed',
      reason: `no valid packet from ${PATH} for over 3500 ms: nothing arrives (is the LD19 powered and its motor turning?)`,
    });
    port.send(MANUAL_EXAMPLE);
    expect(lidar.health().state).toBe('ok');
  });

  it('once packets flowed, goes failed after 1 s without one', async () => {
    const { clock, port, lidar } = setUp();
    await lidar.start();
    port.send(MANUAL_EXAMPLE);
    clock.advanceBy(900_000);
    expect(lidar.health().state).toBe('ok');
    clock.advanceBy(200_000);
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toContain('over 1000 ms');
  });

  it('goes failed on an unplug and comes back by itself when the port returns', async () => {
    const { clock, port, lidar } = setUp();
    await lidar.start();
    port.send(MANUAL_EXAMPLE);
    port.present = false;
    port.unplug(new TransportError('ENXIO', `${PATH} went away`));
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toContain('ENXIO');

    await advanceMs(clock, 2_000);
    expect(lidar.health().state).toBe('failed');
    port.present = true;
    await advanceMs(clock, 600);
    expect(lidar.health()).toMatchObject({ state: 'starting', reason: `${PATH} open, waiting for packets` });
    port.send(MANUAL_EXAMPLE);
    expect(lidar.health().state).toBe('ok');
    expect(lidar.counters()).toMatchObject({ packets: 2, unexpectedCloses: 1 });
  });
});
