import { describe, expect, it } from 'vitest';
import type { LidarPoints } from '../../../messages/lidar-points.js';
import { runClockFor } from '../../../test/harness/clock-steps.js';
import { lidarOnSerialPort } from '../../../test/harness/lidar-on-serial-port.js';
import { MemorySerialBackend } from '../../transport/serial/memory-serial-backend.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import { TransportError } from '../../transport/transport-error.js';
import { RplidarCommand, RplidarRequestDecoder, encodeRplidarScanNode, type RplidarScanNode } from './codec.js';
import { encodeRplidarCapsule } from './express-codec.js';
import { rplidarA1Model } from './driver.js';
import { rplidarA1ParamsSchema } from './params.js';

const PATH = '/dev/ttyUSB0';
const { STOP, RESET, SCAN, GET_INFO, GET_HEALTH } = RplidarCommand;
const hex = (text: string): Uint8Array => Uint8Array.from(text.split(' ').map((h) => parseInt(h, 16)));

/*
 * Sensor answers written out from Slamtec "RPLIDAR Interface Protocol and Application Notes":
 * descriptors as printed in Figures 4-4, 4-16 and 4-19, data packets from the field tables.
 */
const HEALTH_GOOD = hex('A5 5A 03 00 00 00 06 00 00 00');
/** Status 1 (warning), error code 0x0102. */
const HEALTH_WARNING = hex('A5 5A 03 00 00 00 06 01 02 01');
/** Status 2 (error: protection stop), error code 0x8001. */
const HEALTH_ERROR = hex('A5 5A 03 00 00 00 06 02 01 80');
/** Model 0x18, firmware 1.29 (minor 0x1D, major 1), hardware 7, serial 00 01 … 0F. */
const INFO = hex('A5 5A 14 00 00 00 04 18 1D 01 07 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F');
const SCAN_DESCRIPTOR = hex('A5 5A 05 00 00 40 81');

/** A serial port in memory with an RPLIDAR behind it that decodes every request the driver writes. */
class RplidarPort extends MemorySerialBackend {
  /** Commands written, decoded as the sensor would, with the clock time of each write. */
  readonly commands: Array<{ command: number; atUs: number; payload: number[] }> = [];

  constructor(clock: VirtualClock) {
    super([PATH]);
    this.peer = () => {
      const requests = new RplidarRequestDecoder();
      return (bytes) => {
        for (const request of requests.push(bytes)) {
          this.commands.push({ command: request.command, atUs: clock.nowUs(), payload: Array.from(request.payload) });
        }
      };
    };
  }

  commandList(): number[] {
    return this.commands.map((c) => c.command);
  }

  /** The last request, as `command payload…` in hex (`84 70 00 00 00`). */
  lastRequest(): string {
    const last = this.commands.at(-1);
    if (!last) return '';
    return [last.command, ...last.payload].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
  }
}

/** The driver with a scripted sensor; in the standard SCAN unless `params.scanMode` says otherwise. */
function setUp(params: Record<string, unknown> = {}) {
  const clock = new VirtualClock(1_000_000);
  const port = new RplidarPort(clock);
  const lidar = lidarOnSerialPort(rplidarA1Model, {
    id: 'lidar',
    path: PATH,
    params: rplidarA1ParamsSchema.parse({ scanMode: 'standard', ...params }),
    clock,
    serial: port,
  });
  return { clock, port, ...lidar };
}

/** Moves the clock on in 10 ms steps, letting promises settle after each. */
function advanceMs(clock: VirtualClock, ms: number): Promise<void> {
  return runClockFor(clock, ms * 1_000, 10_000);
}

function nodes(list: RplidarScanNode[]): Uint8Array {
  const parts = list.map(encodeRplidarScanNode);
  const out = new Uint8Array(parts.length * 5);
  parts.forEach((part, i) => out.set(part, i * 5));
  return out;
}

/** `count` nodes from `fromDeg` on, 1° apart, at `distanceMm`, the first one starting a turn when asked. */
function sweep(count: number, fromDeg: number, distanceMm: number, startFirst = false): Uint8Array {
  return nodes(
    Array.from({ length: count }, (_, i) => ({
      startFlag: startFirst && i === 0,
      quality: 15,
      angleDeg: (fromDeg + i) % 360,
      distanceMm,
    })),
  );
}

/** Starts the driver and answers its start-up sequence like a healthy sensor: ends with the scan running. */
async function startScanning(context: ReturnType<typeof setUp>): Promise<void> {
  const { clock, port, lidar } = context;
  await lidar.start();
  await advanceMs(clock, 20);
  port.send(HEALTH_GOOD);
  port.send(INFO);
  port.send(SCAN_DESCRIPTOR);
}

describe('rplidarA1Model', () => {
  it('describes itself as an RPLIDAR A1 lidar on a serial bus, with the datasheet defaults', () => {
    expect(rplidarA1Model.compatible).toBe('slamtec,rplidar-a1');
    expect(rplidarA1Model.kind).toBe('lidar');
    expect(rplidarA1Model.busKind).toBe('serial');
    expect(rplidarA1Model.paramsSchema.parse({})).toEqual({
      baudRate: 115_200,
      mount: { xM: 0, yM: 0, yawDeg: 0 },
      minRangeM: 0.15,
      maxRangeM: 12,
      minQuality: 0,
      pointsPerMessage: 32,
      scanMode: 'auto',
      motorControl: 'dtr',
    });
  });

  it('rejects unknown params, a min range above the max and an unknown motor wiring', () => {
    expect(rplidarA1ParamsSchema.safeParse({ baud: 115_200 }).success).toBe(false);
    expect(rplidarA1ParamsSchema.safeParse({ minRangeM: 5, maxRangeM: 2 }).success).toBe(false);
    expect(rplidarA1ParamsSchema.safeParse({ motorControl: 'rts' }).success).toBe(false);
    expect(rplidarA1ParamsSchema.safeParse({ minQuality: 64 }).success).toBe(false);
    expect(rplidarA1ParamsSchema.safeParse({ pointsPerMessage: 0 }).success).toBe(false);
  });
});

describe('RPLIDAR A1 driver', () => {
  it('starts the motor, sends STOP, then GET_HEALTH after 20 ms, GET_INFO, SCAN, and turns ok on the first node', async () => {
    const context = setUp();
    const { clock, port, lidar } = context;
    await lidar.start();
    expect(port.openCalls).toEqual([{ path: PATH, baudRate: 115_200 }]);
    expect(port.signals).toEqual([{ dtr: false }]);
    expect(port.commandList()).toEqual([STOP]);
    expect(lidar.health()).toMatchObject({ state: 'starting' });

    await advanceMs(clock, 10);
    expect(port.commandList()).toEqual([STOP]);
    await advanceMs(clock, 10);
    expect(port.commands[1]).toMatchObject({ command: GET_HEALTH, atUs: 1_020_000 });
    port.send(HEALTH_GOOD);
    expect(port.commandList()).toEqual([STOP, GET_HEALTH, GET_INFO]);
    port.send(INFO);
    expect(port.commandList()).toEqual([STOP, GET_HEALTH, GET_INFO, SCAN]);
    expect(lidar.deviceInfo()).toEqual({
      model: 0x18,
      firmwareMajor: 1,
      firmwareMinor: 29,
      hardware: 7,
      serialNumber: '000102030405060708090A0B0C0D0E0F',
    });
    expect(lidar.sensorHealth()).toEqual({ status: 'good', errorCode: 0 });
    port.send(SCAN_DESCRIPTOR);
    expect(lidar.health().state).toBe('starting');
    port.send(sweep(1, 0, 1000));
    expect(lidar.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(lidar.lastDataUs()).toBe(1_020_000);
  });

  it('places a node at 90° (clockwise, the right side) at negative y, through the mount', async () => {
    const context = setUp({ pointsPerMessage: 1 });
    await startScanning(context);
    context.port.send(nodes([{ startFlag: false, quality: 20, angleDeg: 90, distanceMm: 1500 }]));
    const [message] = context.messages as [LidarPoints];
    expect(message.count).toBe(1);
    expect(message.xM[0]).toBeCloseTo(0, 5);
    expect(message.yM[0]).toBeCloseTo(-1.5, 5);
    expect(message.rangeM[0]).toBeCloseTo(1.5, 5);
    expect(message.intensity[0]).toBe(20);

    const mounted = setUp({ pointsPerMessage: 1, mount: { xM: 0.1, yM: -0.05, yawDeg: 90 } });
    await startScanning(mounted);
    mounted.port.send(nodes([{ startFlag: false, quality: 20, angleDeg: 0, distanceMm: 1000 }]));
    expect(mounted.messages[0]?.xM[0]).toBeCloseTo(0.1, 5);
    expect(mounted.messages[0]?.yM[0]).toBeCloseTo(0.95, 5);
  });

  it('sends one message per 32 nodes, and ends one at each start of a turn', async () => {
    const context = setUp();
    const { port, messages } = context;
    await startScanning(context);
    port.send(sweep(40, 300, 2000));
    expect(messages.map((m) => m.count)).toEqual([32]);
    port.send(sweep(5, 0, 2000, true));
    expect(messages.map((m) => m.count)).toEqual([32, 8]);
    port.send(sweep(27, 5, 2000));
    expect(messages.map((m) => m.count)).toEqual([32, 8, 32]);
    expect(context.lidar.counters()).toMatchObject({ nodes: 72, messages: 3 });
  });

  it('stamps each message with the arrival of its last node, also when the scan stalls mid-message', async () => {
    const context = setUp();
    const { clock, port, messages } = context;
    await startScanning(context);
    port.send(sweep(20, 0, 1000));
    clock.advanceBy(5_000);
    port.send(sweep(12, 20, 1000));
    expect(messages.map((m) => m.stampUs)).toEqual([1_025_000]);
    clock.advanceBy(3_000);
    port.send(sweep(5, 32, 1000));
    const lastNodeUs = clock.nowUs();
    await advanceMs(clock, 1_100);
    // No node for a second: the scan restarts, and the 5 nodes held are sent with their own time.
    expect(messages.map((m) => [m.count, m.stampUs])).toEqual([
      [32, 1_025_000],
      [5, lastNodeUs],
    ]);
  });

  it('measures the rotation speed between two starts of a turn', async () => {
    const context = setUp();
    const { clock, port, lidar } = context;
    await startScanning(context);
    port.send(sweep(10, 0, 1000, true));
    expect(lidar.speedDegPerS()).toBe(0);
    clock.advanceBy(181_818);
    port.send(sweep(10, 0, 1000, true));
    expect(lidar.speedDegPerS()).toBeCloseTo(1980, 0);
  });

  it('drops returns with no distance, out of range or of low quality, and counts them', async () => {
    const context = setUp({ minRangeM: 0.2, maxRangeM: 5, minQuality: 10, pointsPerMessage: 6 });
    await startScanning(context);
    context.port.send(
      nodes([
        { startFlag: false, quality: 0, angleDeg: 1, distanceMm: 0 },
        { startFlag: false, quality: 15, angleDeg: 2, distanceMm: 150 },
        { startFlag: false, quality: 15, angleDeg: 3, distanceMm: 6000 },
        { startFlag: false, quality: 5, angleDeg: 4, distanceMm: 1000 },
        { startFlag: false, quality: 15, angleDeg: 5, distanceMm: 1000 },
        { startFlag: false, quality: 15, angleDeg: 6, distanceMm: 1000 },
      ]),
    );
    expect(context.messages[0]?.count).toBe(2);
    expect(context.lidar.counters().pointsDropped).toBe(4);
  });

  it('counts nodes that fail their check bits and keeps the good ones', async () => {
    const context = setUp({ pointsPerMessage: 4 });
    await startScanning(context);
    const bad = sweep(1, 10, 1000);
    bad[1] = 0x00; // check bit C cleared
    context.port.send(bad);
    context.port.send(sweep(4, 20, 1000));
    expect(context.messages[0]?.count).toBe(4);
    expect(context.lidar.counters().badNodes).toBeGreaterThanOrEqual(1);
    expect(context.lidar.health().state).toBe('ok');
  });

  it('on a health warning is degraded but scans, reads the health again every 10 s, and is ok once it clears', async () => {
    const context = setUp();
    const { clock, port, lidar } = context;
    await lidar.start();
    await advanceMs(clock, 20);
    port.send(HEALTH_WARNING);
    expect(lidar.sensorHealth()).toEqual({ status: 'warning', errorCode: 0x0102 });
    port.send(INFO);
    port.send(SCAN_DESCRIPTOR);
    expect(lidar.health().state).toBe('starting');
    port.send(sweep(40, 0, 1000));
    expect(lidar.health()).toMatchObject({ state: 'degraded' });
    expect(lidar.health().reason).toContain('warning (code 0x0102)');
    expect(context.messages.length).toBeGreaterThan(0);

    const sent = port.commands.length;
    for (let ms = 0; ms < 9_900; ms += 100) {
      await advanceMs(clock, 100);
      port.send(sweep(1, 40, 1000));
    }
    expect(port.commands.length).toBe(sent);
    await advanceMs(clock, 150);
    expect(port.commandList().slice(sent)).toEqual([STOP, GET_HEALTH]);
    port.send(HEALTH_GOOD);
    // GET_INFO was read already on this open: straight back to SCAN.
    expect(port.commandList().slice(sent)).toEqual([STOP, GET_HEALTH, SCAN]);
    port.send(SCAN_DESCRIPTOR);
    port.send(sweep(1, 0, 1000));
    expect(lidar.health()).toMatchObject({ state: 'ok', reason: '' });
  });

  it('on a protection stop is failed, sends RESET, reads the health again 500 ms later and recovers', async () => {
    const context = setUp();
    const { clock, port, lidar } = context;
    await lidar.start();
    await advanceMs(clock, 20);
    port.send(HEALTH_ERROR);
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toBe('the sensor is in protection stop (error code 0x8001); resetting it (1 of 2)');
    expect(port.commandList()).toEqual([STOP, GET_HEALTH, RESET]);
    await advanceMs(clock, 490);
    expect(port.commandList()).toEqual([STOP, GET_HEALTH, RESET]);
    await advanceMs(clock, 10);
    expect(port.commandList()).toEqual([STOP, GET_HEALTH, RESET, GET_HEALTH]);
    // The core's start-up text arrives first; the decoder skips it.
    port.send(new TextEncoder().encode('RP LIDAR System.\r\n'));
    port.send(HEALTH_GOOD);
    port.send(INFO);
    port.send(SCAN_DESCRIPTOR);
    port.send(sweep(1, 0, 1000));
    expect(lidar.health().state).toBe('ok');
    expect(lidar.counters().resets).toBe(1);
  });

  it('when RESET does not clear a protection stop, waits longer and tries again by itself', async () => {
    const context = setUp();
    const { clock, port, lidar } = context;
    await lidar.start();
    await advanceMs(clock, 20);
    port.send(HEALTH_ERROR);
    await advanceMs(clock, 500);
    port.send(HEALTH_ERROR);
    await advanceMs(clock, 500);
    port.send(HEALTH_ERROR);
    expect(port.commandList()).toEqual([STOP, GET_HEALTH, RESET, GET_HEALTH, RESET, GET_HEALTH]);
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toMatch(
      /stays in protection stop \(error code 0x8001\) after 2 resets; trying again in [4-6] s/,
    );

    // 5 s ± 20 % later: STOP, GET_HEALTH, and RESET again if needed.
    const waitFromUs = clock.nowUs();
    while (port.commands.length === 6 && clock.nowUs() - waitFromUs < 7_000_000) await advanceMs(clock, 10);
    const waitedUs = clock.nowUs() - waitFromUs;
    expect(waitedUs).toBeGreaterThanOrEqual(4_000_000);
    expect(waitedUs).toBeLessThanOrEqual(6_010_000);
    await advanceMs(clock, 20);
    expect(port.commandList().slice(6)).toEqual([STOP, GET_HEALTH]);
    port.send(HEALTH_GOOD);
    port.send(INFO);
    port.send(SCAN_DESCRIPTOR);
    port.send(sweep(1, 0, 1000));
    expect(lidar.health().state).toBe('ok');
    expect(port.isOpen).toBe(true);
  });

  it('retries an unanswered request from STOP, and after 3 tries drops the port and reopens it', async () => {
    const context = setUp();
    const { clock, port, lidar } = context;
    await lidar.start();
    await advanceMs(clock, 20);
    await advanceMs(clock, 1_000);
    expect(lidar.health()).toMatchObject({
      state: 'failed',
      reason: `no answer to GET_HEALTH from ${PATH} within 1000 ms (try 1 of 3): nothing arrives (is the sensor powered and connected?)`,
    });
    expect(port.commandList()).toEqual([STOP, GET_HEALTH, STOP]);
    await advanceMs(clock, 20);
    port.send(Uint8Array.of(0x11, 0x22, 0x33));
    await advanceMs(clock, 1_000);
    expect(lidar.health().reason).toContain(
      '(try 2 of 3): bytes arrive but none form an answer (is 115200 baud right?)',
    );
    expect(port.openCalls).toHaveLength(1);
    await advanceMs(clock, 1_020);
    expect(port.isOpen).toBe(false);
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toContain('ETIMEDOUT');
    expect(lidar.counters()).toMatchObject({ timeouts: 3, unexpectedCloses: 1 });

    await advanceMs(clock, 700);
    expect(port.openCalls).toHaveLength(2);
    expect(port.isOpen).toBe(true);
    await advanceMs(clock, 20);
    port.send(HEALTH_GOOD);
    port.send(INFO);
    port.send(SCAN_DESCRIPTOR);
    port.send(sweep(1, 0, 1000));
    expect(lidar.health().state).toBe('ok');
  });

  it('restarts a scan that goes silent, saying the motor may not turn', async () => {
    const context = setUp();
    const { clock, port, lidar } = context;
    await startScanning(context);
    port.send(sweep(10, 0, 1000));
    expect(lidar.health().state).toBe('ok');
    const sent = port.commands.length;
    await advanceMs(clock, 1_100);
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toContain('no scan data');
    expect(lidar.health().reason).toContain('is the motor turning? it runs while DTR is cleared');
    expect(lidar.speedDegPerS()).toBe(0);
    expect(port.commandList().slice(sent, sent + 2)).toEqual([STOP, GET_HEALTH]);
  });

  it('goes failed on an unplug, and runs the whole start-up again when the port comes back', async () => {
    const context = setUp();
    const { clock, port, lidar, healthLog } = context;
    await startScanning(context);
    port.send(sweep(1, 0, 1000));
    port.present = false;
    port.unplug(new TransportError('ENXIO', `${PATH} went away`));
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toContain('ENXIO');

    await advanceMs(clock, 3_000);
    const sent = port.commands.length;
    port.present = true;
    await advanceMs(clock, 600);
    expect(port.isOpen).toBe(true);
    expect(port.signals.at(-1)).toEqual({ dtr: false });
    await advanceMs(clock, 20);
    expect(port.commandList().slice(sent)).toEqual([STOP, GET_HEALTH]);
    port.send(HEALTH_GOOD);
    expect(port.commandList().slice(sent)).toEqual([STOP, GET_HEALTH, GET_INFO]);
    port.send(INFO);
    port.send(SCAN_DESCRIPTOR);
    port.send(sweep(1, 0, 1000));
    expect(lidar.health().state).toBe('ok');
    expect(healthLog.map((h) => h.state)).toEqual(['starting', 'starting', 'ok', 'failed', 'starting', 'ok']);
  });

  it('stop() sends STOP, sets DTR to stop the motor, closes the port and ignores late bytes', async () => {
    const context = setUp();
    const { clock, port, lidar, messages } = context;
    await startScanning(context);
    await lidar.stop();
    expect(port.commandList().at(-1)).toBe(STOP);
    expect(port.signals).toEqual([{ dtr: false }, { dtr: true }]);
    expect(port.isOpen).toBe(false);
    expect(lidar.health().state).toBe('stopped');
    await advanceMs(clock, 5_000);
    expect(port.openCalls).toHaveLength(1);
    expect(messages).toEqual([]);
  });

  it('leaves DTR alone when the motor is wired on', async () => {
    const context = setUp({ motorControl: 'none' });
    await startScanning(context);
    context.port.send(sweep(1, 0, 1000));
    await context.lidar.stop();
    expect(context.port.signals).toEqual([]);
    expect(context.port.commandList()).toEqual([STOP, GET_HEALTH, GET_INFO, SCAN, STOP]);
  });
});

/*
 * The configuration answers of an A1M8 on firmware 1.29, written out from the Interface
 * Protocol's GET_LIDAR_CONF section (descriptor type 0x20, the u32 type echoed, then the value).
 */
const CONF_COUNT_2 = hex('A5 5A 06 00 00 00 20 70 00 00 00 02 00');
const CONF_TYPICAL_1 = hex('A5 5A 06 00 00 00 20 7C 00 00 00 01 00');
const CONF_ANS_TYPE_81 = hex('A5 5A 05 00 00 00 20 75 00 00 00 81');
const CONF_ANS_TYPE_82 = hex('A5 5A 05 00 00 00 20 75 00 00 00 82');
/** 250 µs a sample, Q8: 0xFA00. */
const CONF_US_250 = hex('A5 5A 08 00 00 00 20 71 00 00 00 00 FA 00 00');
const CONF_NAME_EXPRESS = hex('A5 5A 0C 00 00 00 20 7F 00 00 00 45 78 70 72 65 73 73 00');
const EXPRESS_DESCRIPTOR = hex('A5 5A 54 00 00 40 82');
/** GET_SAMPLERATE answer: Tstandard 500 µs (0x01F4), Texpress 250 µs (0xFA). */
const SAMPLE_RATE_500_250 = hex('A5 5A 04 00 00 00 15 F4 01 FA 00');
const { GET_LIDAR_CONF, GET_SAMPLERATE, EXPRESS_SCAN } = RplidarCommand;

/** Capsules of one turn of 360°: 32 samples each at `distanceMm`, start angles `stepDeg` apart. */
function capsules(count: number, stepDeg: number, distanceMm: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    encodeRplidarCapsule({
      startFlag: i === 0,
      startAngleQ6: Math.round(((i * stepDeg) % 360) * 64),
      distancesMm: new Array(32).fill(distanceMm),
      angleOffsetsQ3: [],
    }),
  );
}

describe('RPLIDAR A1 driver: choosing the scan', () => {
  async function throughInfo(params: Record<string, unknown> = {}, info = INFO) {
    const context = setUp({ scanMode: 'auto', ...params });
    await context.lidar.start();
    await advanceMs(context.clock, 20);
    context.port.send(HEALTH_GOOD);
    context.port.send(info);
    return context;
  }

  it('asks the scan modes as Slamtec SDK 2.x does, starts the typical express mode and says so', async () => {
    const context = await throughInfo({ pointsPerMessage: 400 });
    const { port, lidar } = context;
    const answers: Array<[string, Uint8Array]> = [
      ['84 70 00 00 00', CONF_COUNT_2],
      ['84 7C 00 00 00', CONF_TYPICAL_1],
      ['84 75 00 00 00 00 00', CONF_ANS_TYPE_81],
      ['84 75 00 00 00 01 00', CONF_ANS_TYPE_82],
      ['84 71 00 00 00 01 00', CONF_US_250],
      ['84 7F 00 00 00 01 00', CONF_NAME_EXPRESS],
    ];
    for (const [request, answer] of answers) {
      expect(port.lastRequest()).toBe(request);
      port.send(answer);
    }
    // Working mode 1, the Express mode's id, as SDK 2.x sends it.
    expect(port.lastRequest()).toBe('82 01 00 00 00 00');
    port.send(EXPRESS_DESCRIPTOR);
    expect(lidar.health().state).toBe('starting');
    // 45° per capsule: eight capsules a turn. The ninth (at 0°) begins a new turn, which ends the message.
    for (const capsule of capsules(11, 45, 2000)) port.send(capsule);
    expect(lidar.health().state).toBe('ok');
    const points = context.messages.flatMap((m) => Array.from(m.rangeM));
    expect(points.length).toBe(8 * 32);
    for (const rangeM of points) expect(rangeM).toBeCloseTo(2, 3);
    expect(lidar.scanPlan()).toMatchObject({ kind: 'express', modeName: 'Express', usPerSample: 250 });
    expect(lidar.details()).toMatchObject({ scanMode: 'Express', scanKind: 'express', sampleRateHz: 4000 });
    expect(lidar.counters()).toMatchObject({ capsules: 11, badCapsules: 0 });
    expect(context.messages.map((m) => m.count)).toEqual([256]);
  });

  it('falls back to the standard SCAN when GET_LIDAR_CONF goes unanswered', async () => {
    const { clock, port, lidar } = await throughInfo();
    expect(port.commandList().at(-1)).toBe(GET_LIDAR_CONF);
    await advanceMs(clock, 1_010);
    expect(port.commandList().at(-1)).toBe(SCAN);
    port.send(SCAN_DESCRIPTOR);
    port.send(sweep(3, 0, 1000));
    expect(lidar.health().state).toBe('ok');
    expect(lidar.details()).toMatchObject({ scanMode: 'Standard', scanKind: 'standard' });
  });

  it('falls back to the standard SCAN when EXPRESS_SCAN goes unanswered, and keeps to it after a restart', async () => {
    const { clock, port, lidar } = await throughInfo(
      {},
      hex('A5 5A 14 00 00 00 04 18 14 01 07 ' + '00 '.repeat(15) + '00'),
    );
    // Firmware 1.20: no GET_LIDAR_CONF, but GET_SAMPLERATE and the legacy express scan.
    expect(port.commandList().at(-1)).toBe(GET_SAMPLERATE);
    port.send(SAMPLE_RATE_500_250);
    expect(port.lastRequest()).toBe('82 00 00 00 00 00');
    expect(lidar.scanPlan()).toMatchObject({ kind: 'express', usPerSample: 250 });
    await advanceMs(clock, 1_010);
    expect(port.commandList().at(-1)).toBe(SCAN);
    expect(lidar.health().state).toBe('starting');
    port.send(SCAN_DESCRIPTOR);
    port.send(sweep(3, 0, 1000));
    expect(lidar.details()).toMatchObject({ scanMode: 'Standard', scanKind: 'standard' });
    expect(port.commandList().filter((c) => c === EXPRESS_SCAN)).toHaveLength(1);
  });

  it('with scanMode standard asks nothing about modes and sends SCAN', async () => {
    const { port } = await throughInfo({ scanMode: 'standard' });
    expect(port.commandList()).toEqual([STOP, GET_HEALTH, GET_INFO, SCAN]);
  });

  it('drops a capsule with a bad checksum and counts it', async () => {
    const context = await throughInfo();
    const { port, lidar } = context;
    for (const answer of [
      CONF_COUNT_2,
      CONF_TYPICAL_1,
      CONF_ANS_TYPE_81,
      CONF_ANS_TYPE_82,
      CONF_US_250,
      CONF_NAME_EXPRESS,
    ])
      port.send(answer);
    port.send(EXPRESS_DESCRIPTOR);
    const list = capsules(4, 10, 1500);
    const damaged = list[1]!;
    damaged[30] = (damaged[30] as number) ^ 0xff;
    for (const capsule of list) port.send(capsule);
    expect(lidar.counters().badCapsules).toBeGreaterThanOrEqual(1);
    expect(lidar.counters().capsules).toBe(3);
  });
});
