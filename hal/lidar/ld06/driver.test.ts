import { describe, expect, it } from 'vitest';
import type { LidarPoints } from '../../../messages/lidar-points.js';
import { runClockFor, settle } from '../../../test/harness/clock-steps.js';
import { lidarOnSerialPort } from '../../../test/harness/lidar-on-serial-port.js';
import { MemorySerialBackend } from '../../transport/serial/memory-serial-backend.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import { TransportError } from '../../transport/transport-error.js';
import { encodeLd06Packet, type Ld06Packet } from './codec.js';
import { ld06Model } from './driver.js';
import { ld06ParamsSchema } from './params.js';

const PATH = '/dev/ttyUSB0';

/** The example packet from the LD06 / LD19 Development Manual, chapter "Communication protocol". */
const MANUAL_EXAMPLE = Uint8Array.from(
  '54 2C 68 08 AB 7E E0 00 E4 DC 00 E2 D9 00 E5 D5 00 E3 D3 00 E4 D0 00 E9 CD 00 E4 CA 00 E2 C7 00 E9 C5 00 E5 C2 00 E5 C0 00 E5 BE 82 3A 1A 50'
    .split(' ')
    .map((hex) => parseInt(hex, 16)),
);

function setUp(params: Record<string, unknown> = {}) {
  const clock = new VirtualClock(1_000_000);
  const port = new MemorySerialBackend([PATH]);
  const lidar = lidarOnSerialPort(ld06Model, {
    id: 'lidar',
    path: PATH,
    params: ld06ParamsSchema.parse(params),
    clock,
    serial: port,
  });
  return { clock, port, ...lidar };
}

/**
 * Moves the clock on in 10 ms steps, letting promises settle after each: the reopen logic polls
 * the port list while it waits, and each poll schedules the next only once the list arrived.
 */
function advanceMs(clock: VirtualClock, ms: number): Promise<void> {
  return runClockFor(clock, ms * 1_000, 10_000);
}

/** A packet whose 12 points all lie at sensor angle `angleDeg`. */
function packetAt(angleDeg: number, distanceMm: number, intensity = 200): Uint8Array {
  const packet: Ld06Packet = {
    speedDegPerS: 3600,
    startAngleDeg: angleDeg,
    endAngleDeg: angleDeg,
    timestampMs: 100,
    points: Array.from({ length: 12 }, () => ({ distanceMm, intensity })),
  };
  return encodeLd06Packet(packet);
}

describe('ld06Model', () => {
  it('describes itself as an LD06 lidar on a serial bus', () => {
    expect(ld06Model.compatible).toBe('ldrobot,ld06');
    expect(ld06Model.kind).toBe('lidar');
    expect(ld06Model.busKind).toBe('serial');
    expect(ld06Model.paramsSchema.parse({})).toEqual({
      baudRate: 230_400,
      mount: { xM: 0, yM: 0, yawDeg: 0 },
      minRangeM: 0.02,
      maxRangeM: 12,
      minIntensity: 0,
    });
  });

  it('rejects unknown params and a min range above the max', () => {
    expect(ld06ParamsSchema.safeParse({ baud: 115200 }).success).toBe(false);
    expect(ld06ParamsSchema.safeParse({ mount: { zM: 1 } }).success).toBe(false);
    expect(ld06ParamsSchema.safeParse({ minRangeM: 5, maxRangeM: 2 }).success).toBe(false);
  });
});

describe('LD06 driver', () => {
  it('opens the bus path at the configured baud rate and turns ok on the first good packet', async () => {
    const { port, lidar } = setUp();
    await lidar.start();
    expect(port.openCalls).toEqual([{ path: PATH, baudRate: 230_400 }]);
    expect(lidar.health().state).toBe('starting');
    port.send(MANUAL_EXAMPLE);
    expect(lidar.health().state).toBe('ok');
    expect(lidar.speedDegPerS()).toBe(2152);
    expect(lidar.lastDataUs()).toBe(1_000_000);
  });

  it('places a return at sensor 90° (clockwise, the right side) at negative y in the robot frame', async () => {
    const { clock, port, lidar, messages } = setUp();
    await lidar.start();
    clock.advanceBy(2_000);
    port.send(packetAt(90, 1500));
    expect(messages).toHaveLength(1);
    const [message] = messages as [LidarPoints];
    expect(message.deviceId).toBe('lidar');
    expect(message.stampUs).toBe(1_002_000);
    expect(message.count).toBe(12);
    expect(message.xM[0]).toBeCloseTo(0, 5);
    expect(message.yM[0]).toBeCloseTo(-1.5, 5);
    expect(message.rangeM[0]).toBeCloseTo(1.5, 5);
    expect(message.intensity[0]).toBe(200);
  });

  it('applies the mount: offset and yaw', async () => {
    const { port, lidar, messages } = setUp({ mount: { xM: 0.1, yM: -0.05, yawDeg: 90 } });
    await lidar.start();
    port.send(packetAt(0, 1000));
    const message = messages[0] as LidarPoints;
    expect(message.xM[0]).toBeCloseTo(0.1, 5);
    expect(message.yM[0]).toBeCloseTo(0.95, 5);
  });

  it('places the manual example behind-right of a robot whose sensor faces backwards', async () => {
    const { port, lidar, messages } = setUp({ mount: { xM: 0, yM: 0, yawDeg: 180 } });
    await lidar.start();
    port.send(MANUAL_EXAMPLE);
    const message = messages[0] as LidarPoints;
    expect(message.count).toBe(12);
    // Sensor 324.27° is 35.73° to the left of the sensor's 0° mark; with the sensor facing backwards
    // that is the robot's right: robot-frame bearing 180 − 324.27 = −144.27°.
    expect(message.xM[0]).toBeLessThan(0);
    expect(message.yM[0]).toBeLessThan(0);
    expect(message.xM[0]).toBeCloseTo(0.224 * Math.cos((-144.27 * Math.PI) / 180), 5);
    expect(message.yM[0]).toBeCloseTo(0.224 * Math.sin((-144.27 * Math.PI) / 180), 5);
    expect(message.rangeM[11]).toBeCloseTo(0.192, 5);
  });

  it('drops returns with no distance, out of range or too weak, and counts them', async () => {
    const { port, lidar, messages } = setUp({ minRangeM: 0.1, maxRangeM: 5, minIntensity: 50 });
    await lidar.start();
    const points = [
      { distanceMm: 0, intensity: 200 },
      { distanceMm: 50, intensity: 200 },
      { distanceMm: 6000, intensity: 200 },
      { distanceMm: 1000, intensity: 10 },
      ...Array.from({ length: 8 }, () => ({ distanceMm: 1000, intensity: 100 })),
    ];
    port.send(encodeLd06Packet({ speedDegPerS: 3600, startAngleDeg: 0, endAngleDeg: 8, timestampMs: 0, points }));
    const message = messages[0] as LidarPoints;
    expect(message.count).toBe(8);
    expect(message.xM).toHaveLength(8);
    expect(lidar.counters().pointsDropped).toBe(4);
    expect(lidar.counters().packets).toBe(1);
  });

  it('counts garbage and bad packets without failing', async () => {
    const { port, lidar, messages } = setUp();
    await lidar.start();
    const corrupted = MANUAL_EXAMPLE.slice();
    corrupted[9] = 0;
    port.send(Uint8Array.of(1, 2, 3));
    port.send(corrupted);
    port.send(MANUAL_EXAMPLE);
    expect(messages).toHaveLength(1);
    expect(lidar.counters()).toMatchObject({ packets: 1, badCrc: 1, droppedBytes: 50, bytesReceived: 97 });
    expect(lidar.health().state).toBe('ok');
  });

  it('reports an open failure plainly, then reopens after the backoff and becomes ok', async () => {
    const { clock, port, lidar } = setUp();
    port.present = false;
    port.failWith = new TransportError('ENOENT', `no such file ${PATH}`);
    await lidar.start();
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toBe(`cannot open ${PATH}: ENOENT: no such file ${PATH}`);
    expect(lidar.counters().reopenAttempts).toBe(0);

    // The first retry comes 500 ms ± 20 % later, on the injected clock.
    await advanceMs(clock, 390);
    expect(port.openCalls).toHaveLength(1);
    port.present = true;
    port.failWith = undefined;
    await advanceMs(clock, 220);
    expect(port.openCalls).toHaveLength(2);
    expect(lidar.counters().reopenAttempts).toBe(1);
    expect(lidar.health().state).toBe('starting');

    port.send(MANUAL_EXAMPLE);
    expect(lidar.health()).toMatchObject({ state: 'ok', reason: '' });
  });

  it('keeps retrying a missing port with delays growing to 5 s', async () => {
    const { clock, port, lidar } = setUp();
    port.present = false;
    port.failWith = new TransportError('ENOENT', 'gone');
    await lidar.start();
    await advanceMs(clock, 60_000);
    // 0.5, 0.8, 1.28, 2.05, 3.28 s (±20 %), then at most 5 s apart: between 14 and 20 retries in a minute.
    const attempts = lidar.counters().reopenAttempts as number;
    expect(attempts).toBeGreaterThanOrEqual(14);
    expect(attempts).toBeLessThanOrEqual(20);
    expect(lidar.health().state).toBe('failed');
  });

  it('goes failed when the port closes with ENXIO, reopens and recovers', async () => {
    const { clock, port, lidar, healthLog } = setUp();
    await lidar.start();
    port.send(MANUAL_EXAMPLE);
    expect(lidar.health().state).toBe('ok');

    port.unplug(new TransportError('ENXIO', `${PATH} went away`));
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toContain('ENXIO');
    expect(lidar.speedDegPerS()).toBe(0);

    await advanceMs(clock, 700);
    expect(port.openCalls).toHaveLength(2);
    expect(port.isOpen).toBe(true);
    port.send(MANUAL_EXAMPLE);
    expect(lidar.health().state).toBe('ok');
    expect(lidar.counters().reopenAttempts).toBe(1);
    expect(healthLog.map((h) => h.state)).toEqual(['starting', 'starting', 'ok', 'failed', 'starting', 'ok']);
  });

  it('reopens a pulled port as soon as it reappears in the port list, without waiting out the backoff', async () => {
    const { clock, port, lidar } = setUp();
    await lidar.start();
    port.send(MANUAL_EXAMPLE);
    port.present = false;
    port.unplug(new TransportError('ENXIO', `${PATH} went away`));

    // Absent for 30 s: the reopen delay has grown to its 5 s cap (4 to 5 s with the jitter).
    await advanceMs(clock, 30_000);
    const callsBefore = port.openCalls.length;
    while (port.openCalls.length === callsBefore) await advanceMs(clock, 10);
    // Right after a failed attempt: one poll sees the port still absent, then it is plugged back.
    await advanceMs(clock, 600);
    port.present = true;
    const pluggedAtUs = clock.nowUs();
    await advanceMs(clock, 510);

    expect(port.isOpen).toBe(true);
    expect(port.openCalls).toHaveLength(callsBefore + 2);
    expect(clock.nowUs() - pluggedAtUs).toBeLessThan(4_000_000);
    port.send(MANUAL_EXAMPLE);
    expect(lidar.health().state).toBe('ok');
  });

  it('goes failed when the port opens but no packet ever comes, saying nothing arrives', async () => {
    const { clock, lidar } = setUp();
    await lidar.start();
    clock.advanceBy(900_000);
    expect(lidar.health()).toMatchObject({ state: 'starting', reason: `${PATH} open, waiting for packets` });
    clock.advanceBy(200_000);
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toBe(
      `no valid packet from ${PATH} for over 1000 ms: nothing arrives (is the LD06 powered and its motor turning?)`,
    );
  });

  it('goes failed when packets stop, with a baud-rate hint when only garbage arrives, and recovers', async () => {
    const { clock, port, lidar } = setUp();
    await lidar.start();
    port.send(MANUAL_EXAMPLE);
    clock.advanceBy(900_000);
    expect(lidar.health().state).toBe('ok');
    port.send(Uint8Array.from({ length: 100 }, (_, i) => i));
    clock.advanceBy(300_000);
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toContain('baud');
    port.send(MANUAL_EXAMPLE);
    expect(lidar.health().state).toBe('ok');
    expect(port.openCalls).toHaveLength(1);
  });

  it('stop() closes the port, cancels the reopen and ignores late events', async () => {
    const { clock, port, lidar, messages } = setUp();
    port.failWith = new TransportError('EACCES', 'permission denied');
    await lidar.start();
    await lidar.stop();
    expect(lidar.health().state).toBe('stopped');
    port.failWith = undefined;
    clock.advanceBy(10_000_000);
    await settle();
    expect(port.openCalls).toHaveLength(1);

    await lidar.start();
    expect(port.openCalls).toHaveLength(2);
    await lidar.stop();
    expect(port.closeCalls).toBe(1);
    expect(port.isOpen).toBe(false);
    expect(messages).toHaveLength(0);
    expect(lidar.health().state).toBe('stopped');
  });
});
