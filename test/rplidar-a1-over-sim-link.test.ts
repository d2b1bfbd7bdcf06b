import { fakeWorldView } from './harness/fake-world-view.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusConfig } from '../config/board-schema.js';
import type { DeviceHealth } from '../hal/device-health.js';
import { RplidarCommand } from '../hal/lidar/rplidar-a1/codec.js';
import { rplidarA1Model, type RplidarA1Device } from '../hal/lidar/rplidar-a1/driver.js';
import { rplidarA1ParamsSchema } from '../hal/lidar/rplidar-a1/params.js';
import type { Pose2D } from '../messages/geometry.js';
import type { LidarPoints } from '../messages/lidar-points.js';
import { createRplidarA1SimDevice, type RplidarA1SimDevice } from '../simulator/devices/rplidar-a1-model.js';
import type { SimWorldView } from '../simulator/devices/sim-device.js';
import { NO_SERIAL_FAULT } from '../simulator/robot-link-server.js';
import { SimLinkPair, seededRandom } from './harness/sim-link-pair.js';

const UART = '/dev/ttyUSB0';
const BUS: BusConfig = { id: 'lidar-usb', kind: 'serial', path: UART };
const { STOP, RESET, GET_INFO, GET_HEALTH, GET_LIDAR_CONF, EXPRESS_SCAN } = RplidarCommand;
/**
 * What the driver asks after each open of an A1 on firmware 1.29: STOP, health, info, the scan
 * modes (count, typical, the answer type of both modes, the chosen one's µs per sample and
 * name), then the express scan.
 */
const START_SEQUENCE = [STOP, GET_HEALTH, GET_INFO, ...new Array<number>(6).fill(GET_LIDAR_CONF), EXPRESS_SCAN];
/** The model's range noise is gaussian with σ = 5 mm; 6σ bounds every sample of a short run. */
const NOISE_BOUND_M = 0.03;
const RAD_TO_DEG = 180 / Math.PI;

/** The robot at the origin facing +x, and one endless wall along the world line x = `wallXM`. */
function wallAheadWorld(wallXM = 1): SimWorldView {
  const pose: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
  return fakeWorldView({
    robotPose: () => pose,
    raycast(xM, _yM, angleRad, maxRangeM) {
      const dx = Math.cos(angleRad);
      if (dx < 1e-9) return Infinity;
      const distanceM = (wallXM - xM) / dx;
      return distanceM >= 0 && distanceM <= maxRangeM ? distanceM : Infinity;
    },
    random: seededRandom(20_240_917),
  });
}

const pairs: SimLinkPair[] = [];

afterEach(() => {
  for (const pair of pairs.splice(0)) pair.close();
});

/**
 * The real RPLIDAR A1 driver on the robot side and the simulated A1 on the world side, each given
 * its params the way a board config gives them (`simParams` is how the sensor is really fitted).
 */
function setUp(driverParams: Record<string, unknown> = {}, simParams: Record<string, unknown> = driverParams) {
  const sensor: RplidarA1SimDevice = createRplidarA1SimDevice(UART, rplidarA1ParamsSchema.parse(simParams));
  const pair = new SimLinkPair([sensor]);
  pairs.push(pair);
  const lidar: RplidarA1Device = rplidarA1Model.create({
    id: 'lidar',
    bus: BUS,
    address: undefined,
    pins: {},
    params: rplidarA1Model.paramsSchema.parse(driverParams),
    clock: pair.clock,
    backends: pair.backends,
  });
  const messages: LidarPoints[] = [];
  lidar.onPoints((points) => messages.push(points));
  const healthLog: DeviceHealth[] = [];
  lidar.onHealthChange((health) => healthLog.push(health));
  const points = () =>
    messages.flatMap((message) =>
      Array.from({ length: message.count }, (_, i) => {
        const xM = message.xM[i] as number;
        const yM = message.yM[i] as number;
        return { xM, yM, rangeM: message.rangeM[i] as number, bearingDeg: Math.atan2(yM, xM) * RAD_TO_DEG };
      }),
    );
  return { pair, sensor, lidar, messages, healthLog, points };
}

describe('RPLIDAR A1 driver over the sim link, against the simulated A1', () => {
  it('starts the motor, reads health and info, scans, and sees the wall 1 m ahead at 5.5 turns a second', async () => {
    const { pair, sensor, lidar, messages, points } = setUp();
    const world = wallAheadWorld(1);
    expect(sensor.motorOn()).toBe(false);

    await lidar.start();
    await pair.runUntil(2_000_000, world);

    expect(lidar.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(sensor.motorOn()).toBe(true);
    expect(sensor.requestLog()).toEqual(START_SEQUENCE);
    expect(sensor.scanKind()).toBe('express');
    expect(lidar.details()).toMatchObject({ scanMode: 'Express', sampleRateHz: 4000 });
    expect(lidar.deviceInfo()).toMatchObject({ model: 0x18, firmwareMajor: 1, firmwareMinor: 29, hardware: 7 });
    expect(lidar.sensorHealth()).toEqual({ status: 'good', errorCode: 0 });
    // Measurements from 0.3 s (motor up to speed) to 2 s at 4000 a second, less the capsules still on their way.
    const counters = lidar.counters();
    expect(counters.samples).toBeGreaterThan(6_600);
    expect(counters.samples).toBeLessThanOrEqual(6_800);
    expect(counters).toMatchObject({ badCapsules: 0, badDescriptors: 0, droppedBytes: 0, timeouts: 0 });
    expect(Math.abs(lidar.speedDegPerS() - 5.5 * 360)).toBeLessThan(30);
    expect(Math.abs((lidar.details().measuredSampleRateHz as number) - 4_000)).toBeLessThan(100);
    expect(messages.length).toBeGreaterThan((counters.samples as number) / 32);
    for (const message of messages) expect(message.stampUs).toBeLessThanOrEqual(pair.nowUs());

    const all = points();
    const ahead = all.filter((point) => Math.abs(point.bearingDeg) < 1.5);
    expect(ahead.length).toBeGreaterThanOrEqual(8);
    for (const point of ahead) expect(Math.abs(point.rangeM - 1.0)).toBeLessThanOrEqual(NOISE_BOUND_M);
    // The wall is the only thing in the world: every return lies on the line x = 1 m, none behind.
    for (const point of all) expect(Math.abs(point.xM - 1.0)).toBeLessThanOrEqual(NOISE_BOUND_M);
    expect(all.some((point) => point.yM > 2)).toBe(true);
    expect(all.some((point) => point.yM < -2)).toBe(true);
  });

  it('mounted facing backwards on both sides, still puts the wall ahead of the robot', async () => {
    const mount = { mount: { xM: 0.1, yM: 0, yawDeg: 180 } };
    const { pair, lidar, points } = setUp(mount);

    await lidar.start();
    await pair.runUntil(1_500_000, wallAheadWorld(1));

    expect(lidar.health().state).toBe('ok');
    const all = points();
    expect(all.length).toBeGreaterThan(500);
    for (const point of all) expect(Math.abs(point.xM - 1.0)).toBeLessThanOrEqual(NOISE_BOUND_M);
  });

  it('is failed while the USB cable is out, and scans again by itself once it is back', async () => {
    const { pair, sensor, lidar, healthLog } = setUp();
    const world = wallAheadWorld(1);
    await lidar.start();
    await pair.runUntil(1_000_000, world);
    expect(lidar.health().state).toBe('ok');

    pair.server.setSerialFault(UART, { ...NO_SERIAL_FAULT, unplugged: true });
    await pair.runUntil(1_010_000, world);
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toMatch(/ENXIO/);
    expect(lidar.speedDegPerS()).toBe(0);
    const samplesWhenPulled = lidar.counters().samples as number;

    await pair.runUntil(3_000_000, world);
    expect(lidar.health().state).toBe('failed');
    expect(lidar.counters().samples).toBe(samplesWhenPulled);
    expect(lidar.counters().openFailures).toBeGreaterThanOrEqual(1);

    pair.server.setSerialFault(UART, null);
    // The port list shows it again within 500 ms; the sequence and the motor's spin-up take another 0.35 s.
    await pair.runUntil(4_500_000, world);
    expect(lidar.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(sensor.motorOn()).toBe(true);
    expect(sensor.requestLog()).toEqual([...START_SEQUENCE, ...START_SEQUENCE]);
    expect(lidar.counters().samples).toBeGreaterThan(samplesWhenPulled + 500);
    expect(lidar.counters().unexpectedCloses).toBe(1);
    expect(healthLog.map((h) => h.state)).toEqual(['starting', 'starting', 'ok', 'failed', 'starting', 'ok']);
  });

  it('on a protection stop goes failed, resets the sensor and scans again', async () => {
    const { pair, sensor, lidar, healthLog } = setUp();
    const world = wallAheadWorld(1);
    await lidar.start();
    await pair.runUntil(1_000_000, world);
    expect(lidar.health().state).toBe('ok');

    sensor.setSensorHealth({ status: 'error', errorCode: 0x0042 });
    // The scan stops; 1 s later the driver asks for the health, learns of the protection stop and resets.
    await pair.runUntil(2_100_000, world);
    expect(
      healthLog.some((h) => h.state === 'failed' && h.reason.includes('protection stop (error code 0x0042)')),
    ).toBe(true);
    expect(sensor.requestLog().slice(START_SEQUENCE.length)).toEqual([STOP, GET_HEALTH, RESET]);

    await pair.runUntil(3_000_000, world);
    expect(lidar.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(sensor.requestLog().slice(START_SEQUENCE.length)).toEqual([
      STOP,
      GET_HEALTH,
      RESET,
      GET_HEALTH,
      EXPRESS_SCAN,
    ]);
    expect(lidar.counters().resets).toBe(1);
    expect(lidar.sensorHealth()).toEqual({ status: 'good', errorCode: 0 });
  });

  it('stays failed, saying so, while a protection stop survives its resets', async () => {
    const { pair, sensor, lidar } = setUp();
    sensor.setSensorHealth({ status: 'error', errorCode: 0x0007 }, { survivesReset: true });
    await lidar.start();
    await pair.runUntil(2_000_000, wallAheadWorld(1));

    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toMatch(/stays in protection stop \(error code 0x0007\) after 2 resets/);
    expect(sensor.requestLog()).toEqual([STOP, GET_HEALTH, RESET, GET_HEALTH, RESET, GET_HEALTH]);
    expect(sensor.isScanning()).toBe(false);
  });

  it('on a health warning is degraded, and its points still flow', async () => {
    const { pair, sensor, lidar, messages } = setUp();
    sensor.setSensorHealth({ status: 'warning', errorCode: 0x0101 });
    await lidar.start();
    await pair.runUntil(1_000_000, wallAheadWorld(1));

    expect(lidar.health().state).toBe('degraded');
    expect(lidar.health().reason).toContain('warning (code 0x0101)');
    expect(messages.length).toBeGreaterThan(20);
  });

  it('stop() sends STOP and stops the motor', async () => {
    const { pair, sensor, lidar } = setUp();
    await lidar.start();
    await pair.runUntil(1_000_000, wallAheadWorld(1));
    expect(sensor.isScanning()).toBe(true);

    await lidar.stop();
    await pair.runUntil(1_100_000, wallAheadWorld(1));
    expect(sensor.requestLog().at(-1)).toBe(STOP);
    expect(sensor.isScanning()).toBe(false);
    expect(sensor.motorOn()).toBe(false);
    expect(lidar.health().state).toBe('stopped');
  });

  it('opened at the wrong baud rate gets no answer, says so, and reopens after three tries', async () => {
    const { pair, lidar } = setUp({ baudRate: 230_400 }, {});
    await lidar.start();
    await pair.runUntil(1_100_000, wallAheadWorld(1));
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toBe(
      `no answer to GET_HEALTH from ${UART} within 1000 ms (try 1 of 3): nothing arrives (is the sensor powered and connected?)`,
    );

    // Tries at 0.02, 1.04 and 2.06 s, each unanswered for 1 s: the port is dropped at 3.06 s.
    await pair.runUntil(3_100_000, wallAheadWorld(1));
    expect(lidar.counters().timeouts).toBe(3);
    expect(lidar.health().state).toBe('failed');
    expect(lidar.health().reason).toMatch(/lost: ETIMEDOUT: no answer to GET_HEALTH .* \(try 3 of 3\)/);

    await pair.runUntil(4_000_000, wallAheadWorld(1));
    expect(lidar.counters().opens).toBe(2);
    expect(lidar.health().state).toBe('starting');
  });
});
