import { fakeWorldView } from '../../test/harness/fake-world-view.js';
import { describe, expect, it } from 'vitest';
import {
  RplidarCommand,
  RplidarConfType,
  RplidarResponseDecoder,
  decodeRplidarConfValue,
  encodeRplidarConfRequestPayload,
  encodeRplidarExpressScanPayload,
  encodeRplidarRequest,
  type RplidarResponse,
  type RplidarScanNode,
} from '../../hal/lidar/rplidar-a1/codec.js';
import { RplidarCapsuleAssembler, type RplidarExpressSample } from '../../hal/lidar/rplidar-a1/express-codec.js';
import { rplidarA1ParamsSchema } from '../../hal/lidar/rplidar-a1/params.js';
import type { Pose2D } from '../../messages/geometry.js';
import { createRplidarA1SimDevice, type RplidarA1SimDevice, type RplidarA1SimOptions } from './rplidar-a1-model.js';
import type { SimWorldView, TimedBytes } from './sim-device.js';

const PATH = '/dev/ttyUSB0';

/** A world with one infinite wall along x = `wallXM`, seen from `pose`. */
function wallWorld(pose: Pose2D = { xM: 0, yM: 0, yawRad: 0 }, wallXM = 1): SimWorldView {
  let state = 777;
  return fakeWorldView({
    robotPose: () => pose,
    raycast(xM, _yM, angleRad, maxRangeM) {
      const dx = Math.cos(angleRad);
      if (dx < 1e-9) return Infinity;
      const distanceM = (wallXM - xM) / dx;
      return distanceM >= 0 && distanceM <= maxRangeM ? distanceM : Infinity;
    },
    random() {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      return state / 4_294_967_296;
    },
  });
}

/** The model with a host at the other end: requests go in at `nowUs`, output is decoded as it comes. */
class Host {
  readonly decoder = new RplidarResponseDecoder();
  readonly responses: Array<RplidarResponse & { atUs: number }> = [];
  readonly chunks: TimedBytes[] = [];
  nowUs = 0;

  constructor(
    readonly device: RplidarA1SimDevice,
    readonly world: SimWorldView = wallWorld(),
    baudRate = 115_200,
  ) {
    device.open(baudRate, 0);
  }

  request(command: number, payload?: Uint8Array): void {
    this.decoder.expectResponse();
    this.device.write(encodeRplidarRequest(command, payload), this.nowUs);
  }

  /** Runs the device to `toUs` in 1 ms steps, as the world does. */
  runTo(toUs: number, stepUs = 1_000): void {
    while (this.nowUs < toUs) {
      const previousUs = this.nowUs;
      this.nowUs = Math.min(toUs, this.nowUs + stepUs);
      for (const chunk of this.device.advance(this.nowUs, this.world)) {
        expect(chunk.simTimeUs).toBeGreaterThan(previousUs);
        expect(chunk.simTimeUs).toBeLessThanOrEqual(this.nowUs);
        this.chunks.push(chunk);
        for (const response of this.decoder.push(chunk.bytes))
          this.responses.push({ ...response, atUs: chunk.simTimeUs });
      }
    }
  }

  nodes(): Array<RplidarScanNode & { atUs: number }> {
    return this.responses.flatMap((r) => (r.kind === 'node' ? [{ ...r.node, atUs: r.atUs }] : []));
  }
}

function device(params: Record<string, unknown> = {}, options: RplidarA1SimOptions = {}): RplidarA1SimDevice {
  return createRplidarA1SimDevice(PATH, rplidarA1ParamsSchema.parse(params), options);
}

function near(angleDeg: number, targetDeg: number, toleranceDeg: number): boolean {
  return Math.abs(((angleDeg - targetDeg + 540) % 360) - 180) <= toleranceDeg;
}

describe('simulated RPLIDAR A1', () => {
  it('answers GET_HEALTH and GET_INFO with a descriptor and the data, 1 ms plus the bytes later', () => {
    const host = new Host(device());
    host.request(RplidarCommand.GET_HEALTH);
    host.runTo(10_000);
    expect(host.responses.map((r) => r.kind)).toEqual(['descriptor', 'health']);
    expect(host.responses[1]).toMatchObject({ health: { status: 'good', errorCode: 0 } });
    // 10 bytes at 115200 baud (86.8 µs each) after 1 ms.
    expect(host.chunks[0]?.simTimeUs).toBe(Math.round(1_000 + 10 * (1e6 / 11_520)));

    host.request(RplidarCommand.GET_INFO);
    host.runTo(20_000);
    expect(host.responses[3]).toMatchObject({
      kind: 'info',
      info: { model: 0x18, firmwareMajor: 1, firmwareMinor: 29, hardware: 7 },
    });
    expect(host.device.requestLog()).toEqual([RplidarCommand.GET_HEALTH, RplidarCommand.GET_INFO]);
  });

  it('takes STOP without an answer', () => {
    const host = new Host(device());
    host.request(RplidarCommand.STOP);
    host.runTo(50_000);
    expect(host.chunks).toEqual([]);
  });

  it('opens with DTR set, so the motor is off: SCAN gets its descriptor but no measurement', () => {
    const host = new Host(device());
    expect(host.device.motorOn()).toBe(false);
    host.request(RplidarCommand.SCAN);
    host.runTo(2_000_000);
    expect(host.responses.map((r) => r.kind)).toEqual(['descriptor']);
    expect(host.responses[0]).toMatchObject({ descriptor: { length: 5, sendMode: 1, dataType: 0x81 } });
    expect(host.device.isScanning()).toBe(true);
  });

  it('with DTR cleared, turns at 5.5 Hz and sends 2000 measurements a second once up to speed', () => {
    const host = new Host(device());
    host.device.setSignals({ dtr: false }, 0);
    expect(host.device.motorOn()).toBe(true);
    host.request(RplidarCommand.SCAN);
    host.runTo(2_300_000);
    const nodes = host.nodes();
    // Up to speed 300 ms after DTR was cleared: two seconds of samples.
    expect(nodes[0]?.atUs).toBeGreaterThanOrEqual(300_000);
    expect(nodes.length).toBeGreaterThanOrEqual(3_990);
    expect(nodes.length).toBeLessThanOrEqual(4_000);
    const turnStarts = nodes.filter((n) => n.startFlag);
    expect(turnStarts.length).toBe(11);
    const turnUs = ((turnStarts[10] as { atUs: number }).atUs - (turnStarts[0] as { atUs: number }).atUs) / 10;
    expect(Math.abs(turnUs - 1e6 / 5.5)).toBeLessThan(2_500);
    // About 0.99° between samples, clockwise (growing headings), in 1/64° steps.
    const steps = nodes.slice(1, 100).map((n, i) => (n.angleDeg - (nodes[i] as RplidarScanNode).angleDeg + 360) % 360);
    for (const step of steps) expect(Math.abs(step - 0.99)).toBeLessThan(0.02);
    expect(host.decoder.counters()).toMatchObject({ badNodes: 0, droppedBytes: 0 });
  });

  it('measures a wall 1 m ahead at about 1000 mm near 0°, and nothing behind', () => {
    const host = new Host(device());
    host.device.setSignals({ dtr: false }, 0);
    host.request(RplidarCommand.SCAN);
    host.runTo(1_500_000);
    const nodes = host.nodes();
    const ahead = nodes.filter((n) => near(n.angleDeg, 0, 2));
    expect(ahead.length).toBeGreaterThan(10);
    for (const node of ahead) {
      expect(Math.abs(node.distanceMm - 1000)).toBeLessThan(30);
      expect(node.quality).toBe(15);
    }
    // Clockwise 45° is front-right: the same wall at √2 m.
    for (const node of nodes.filter((n) => near(n.angleDeg, 45, 0.5))) {
      expect(Math.abs(node.distanceMm - 1414)).toBeLessThan(30);
    }
    for (const node of nodes.filter((n) => near(n.angleDeg, 180, 60)))
      expect(node).toMatchObject({ distanceMm: 0, quality: 0 });
  });

  it('turns clockwise: with the robot facing +y, the wall at x = 1 m is at 90°; mount yaw turns it back', () => {
    const facingLeft = new Host(device(), wallWorld({ xM: 0, yM: 0, yawRad: Math.PI / 2 }));
    facingLeft.device.setSignals({ dtr: false }, 0);
    facingLeft.request(RplidarCommand.SCAN);
    facingLeft.runTo(1_000_000);
    const right = facingLeft.nodes().filter((n) => near(n.angleDeg, 90, 1.5));
    expect(right.length).toBeGreaterThan(3);
    for (const node of right) expect(Math.abs(node.distanceMm - 1000)).toBeLessThan(30);

    const mountedLeft = new Host(device({ mount: { yawDeg: 90, xM: 0.2 } }));
    mountedLeft.device.setSignals({ dtr: false }, 0);
    mountedLeft.request(RplidarCommand.SCAN);
    mountedLeft.runTo(1_000_000);
    for (const node of mountedLeft.nodes().filter((n) => near(n.angleDeg, 90, 1.5))) {
      expect(Math.abs(node.distanceMm - 800)).toBeLessThan(30);
    }
  });

  it('stops measuring at once when DTR is set again, and on any new request', () => {
    const host = new Host(device());
    host.device.setSignals({ dtr: false }, 0);
    host.request(RplidarCommand.SCAN);
    host.runTo(500_000);
    const before = host.nodes().length;
    expect(before).toBeGreaterThan(300);
    host.device.setSignals({ dtr: true }, host.nowUs);
    host.runTo(1_000_000);
    expect(host.nodes().length).toBe(before);
    expect(host.device.motorOn()).toBe(false);

    host.device.setSignals({ dtr: false }, host.nowUs);
    host.runTo(1_400_000);
    const resumed = host.nodes().length;
    expect(resumed).toBeGreaterThan(before + 150);
    host.request(RplidarCommand.GET_HEALTH);
    host.runTo(1_600_000);
    expect(host.device.isScanning()).toBe(false);
    expect(host.nodes().length).toBe(resumed);
    expect(host.responses.at(-1)).toMatchObject({ kind: 'health' });
  });

  it('with motorControl none, MOTOCTL is wired high: the motor turns whatever DTR says', () => {
    const host = new Host(device({ motorControl: 'none' }));
    expect(host.device.motorOn()).toBe(true);
    host.request(RplidarCommand.SCAN);
    host.runTo(1_000_000);
    expect(host.nodes().length).toBeGreaterThan(1_000);
  });

  it('reports a warning and still scans', () => {
    const host = new Host(device());
    host.device.setSignals({ dtr: false }, 0);
    host.device.setSensorHealth({ status: 'warning', errorCode: 0x0042 });
    host.request(RplidarCommand.GET_HEALTH);
    host.runTo(10_000);
    expect(host.responses.at(-1)).toMatchObject({ health: { status: 'warning', errorCode: 0x42 } });
    host.request(RplidarCommand.SCAN);
    host.runTo(600_000);
    expect(host.nodes().length).toBeGreaterThan(100);
  });

  it('in protection stop: stops scanning, reports the error, ignores SCAN; RESET clears it after a start-up text', () => {
    const host = new Host(device());
    host.device.setSignals({ dtr: false }, 0);
    host.request(RplidarCommand.SCAN);
    host.runTo(500_000);
    const before = host.nodes().length;
    host.device.setSensorHealth({ status: 'error', errorCode: 0x8001 });
    host.runTo(700_000);
    expect(host.nodes().length).toBeLessThanOrEqual(before + 4);
    host.request(RplidarCommand.GET_HEALTH);
    host.runTo(710_000);
    expect(host.responses.at(-1)).toMatchObject({ health: { status: 'error', errorCode: 0x8001 } });
    const answered = host.responses.length;
    host.request(RplidarCommand.SCAN);
    host.runTo(800_000);
    expect(host.responses).toHaveLength(answered);

    host.request(RplidarCommand.RESET);
    host.request(RplidarCommand.GET_HEALTH); // too soon: the core is rebooting
    host.runTo(900_000);
    expect(host.responses).toHaveLength(answered);
    const dropped = host.decoder.counters().droppedBytes;
    expect(dropped).toBeGreaterThan(30); // the start-up text
    host.request(RplidarCommand.GET_HEALTH);
    host.runTo(910_000);
    expect(host.responses.at(-1)).toMatchObject({ health: { status: 'good', errorCode: 0 } });
  });

  it('keeps a lasting fault through RESET', () => {
    const host = new Host(device());
    host.device.setSensorHealth({ status: 'error', errorCode: 0x0007 }, { survivesReset: true });
    host.request(RplidarCommand.RESET);
    host.runTo(100_000);
    host.request(RplidarCommand.GET_HEALTH);
    host.runTo(110_000);
    expect(host.responses.at(-1)).toMatchObject({ health: { status: 'error', errorCode: 7 } });
  });

  it('gives the same bytes whatever the step size', () => {
    const run = (stepUs: number): TimedBytes[] => {
      const host = new Host(device());
      host.device.setSignals({ dtr: false }, 0);
      host.request(RplidarCommand.GET_HEALTH);
      host.runTo(10_000, stepUs);
      host.request(RplidarCommand.SCAN);
      host.runTo(700_000, stepUs);
      return host.chunks;
    };
    const fine = run(1_000);
    expect(fine.length).toBeGreaterThan(100);
    expect(run(10_000)).toEqual(fine);
  });

  it('understands nothing and stays silent when opened at the wrong baud rate', () => {
    const host = new Host(device(), wallWorld(), 230_400);
    host.device.setSignals({ dtr: false }, 0);
    host.request(RplidarCommand.GET_HEALTH);
    host.request(RplidarCommand.SCAN);
    host.runTo(1_000_000);
    expect(host.chunks).toEqual([]);
  });

  it('refuses nonsense options, and a sample rate the UART cannot carry', () => {
    const params = rplidarA1ParamsSchema.parse({});
    expect(() => createRplidarA1SimDevice(PATH, params, { rotationHz: 0 })).toThrow(RangeError);
    expect(() => createRplidarA1SimDevice(PATH, params, { samplesPerS: 8_000 })).toThrow(RangeError);
    expect(() => createRplidarA1SimDevice(PATH, params, { nodesPerChunk: 0 })).toThrow(RangeError);
    expect(() => createRplidarA1SimDevice(PATH, params, { rangeNoiseM: -1 })).toThrow(RangeError);
  });
});

describe('simulated RPLIDAR A1: the requests of firmware 1.29', () => {
  /** Asks one configuration value as Slamtec's SDK 2.x does, and returns what came back. */
  function conf(host: Host, type: number, modeId?: number): unknown {
    const before = host.responses.length;
    host.request(RplidarCommand.GET_LIDAR_CONF, encodeRplidarConfRequestPayload(type, modeId));
    host.runTo(host.nowUs + 10_000);
    const answer = host.responses.slice(before).find((r) => r.kind === 'conf');
    if (!answer || answer.kind !== 'conf') return undefined;
    expect(answer.conf.type).toBe(type);
    return decodeRplidarConfValue(answer.conf);
  }

  it('answers GET_SAMPLERATE with the standard and express sample durations', () => {
    const host = new Host(device());
    host.request(RplidarCommand.GET_SAMPLERATE);
    host.runTo(10_000);
    expect(host.responses.map((r) => r.kind)).toEqual(['descriptor', 'sample-rate']);
    expect(host.responses[1]).toMatchObject({ sampleRate: { standardUs: 500, expressUs: 250 } });
  });

  it('describes its two scan modes through GET_LIDAR_CONF, as getAllSupportedScanModes reads them', () => {
    const host = new Host(device());
    expect(conf(host, RplidarConfType.SCAN_MODE_COUNT)).toBe(2);
    expect(conf(host, RplidarConfType.TYPICAL)).toBe(1);
    const modes = [0, 1].map((id) => ({
      name: conf(host, RplidarConfType.NAME, id),
      usPerSample: conf(host, RplidarConfType.US_PER_SAMPLE, id),
      maxDistanceM: conf(host, RplidarConfType.MAX_DISTANCE, id),
      answerType: conf(host, RplidarConfType.ANS_TYPE, id),
    }));
    expect(modes).toEqual([
      { name: 'Standard', usPerSample: 500, maxDistanceM: 12, answerType: 0x81 },
      { name: 'Express', usPerSample: 250, maxDistanceM: 12, answerType: 0x82 },
    ]);
    // A mode it does not have, and a type it does not know, get no answer.
    expect(conf(host, RplidarConfType.NAME, 2)).toBeUndefined();
    expect(conf(host, 0x7e)).toBeUndefined();
  });

  it('ignores GET_LIDAR_CONF on firmware before 1.24, and the express requests before 1.17', () => {
    const old = { model: 0x18, firmwareMajor: 1, firmwareMinor: 20, hardware: 7, serialNumber: '00' };
    const host = new Host(device({}, { info: old }));
    expect(conf(host, RplidarConfType.SCAN_MODE_COUNT)).toBeUndefined();
    host.request(RplidarCommand.GET_SAMPLERATE);
    host.runTo(host.nowUs + 10_000);
    expect(host.responses.at(-1)?.kind).toBe('sample-rate');
    const older = new Host(device({}, { info: { ...old, firmwareMinor: 15 } }));
    older.request(RplidarCommand.GET_SAMPLERATE);
    older.request(RplidarCommand.EXPRESS_SCAN, encodeRplidarExpressScanPayload());
    older.runTo(50_000);
    expect(older.chunks).toEqual([]);
  });

  it('streams express capsules on working mode 1 (the Express mode, as SDK 2.x asks) or 0 (legacy)', () => {
    const host = new Host(device({ motorControl: 'none' }, { motorSpinUpMs: 0 }));
    host.request(RplidarCommand.EXPRESS_SCAN, encodeRplidarExpressScanPayload(1));
    host.runTo(100_000);
    expect(host.device.scanKind()).toBe('express');
    host.request(RplidarCommand.EXPRESS_SCAN, encodeRplidarExpressScanPayload(0));
    expect(host.device.scanKind()).toBe('express');
    // Mode 0 (Standard) streams nodes, not capsules: through EXPRESS_SCAN only the legacy meaning of 0 applies.
    const old = new Host(
      device({}, { info: { model: 0x18, firmwareMajor: 1, firmwareMinor: 20, hardware: 7, serialNumber: '00' } }),
    );
    old.request(RplidarCommand.EXPRESS_SCAN, encodeRplidarExpressScanPayload(1));
    expect(old.device.scanKind()).toBe(null);
  });

  it('streams express capsules whose samples see the wall where it is', () => {
    const host = new Host(device({ motorControl: 'none' }, { rangeNoiseM: 0, motorSpinUpMs: 0 }));
    host.request(RplidarCommand.EXPRESS_SCAN, encodeRplidarExpressScanPayload());
    host.runTo(1_000_000);
    expect(host.device.scanKind()).toBe('express');
    expect(host.responses[0]).toMatchObject({ kind: 'descriptor', descriptor: { length: 84, dataType: 0x82 } });
    const capsules = host.responses.flatMap((r) => (r.kind === 'capsule' ? [r.capsule] : []));
    // 4000 samples a second, 32 a capsule: 125 capsules a second, less the first capsule's time.
    expect(capsules.length).toBeGreaterThanOrEqual(123);
    expect(capsules.length).toBeLessThanOrEqual(125);
    expect(capsules.map((c) => c.startFlag)).toEqual([true, ...new Array(capsules.length - 1).fill(false)]);
    expect(host.decoder.counters()).toMatchObject({ badCapsules: 0, droppedBytes: 0 });
    const assembler = new RplidarCapsuleAssembler();
    const samples: RplidarExpressSample[] = capsules.flatMap((c) => assembler.push(c));
    // The wall x = 1 m ahead: a sample at sensor angle a (clockwise) sees it at 1 / cos(a) metres.
    const ahead = samples.filter((s) => near(s.angleDeg, 0, 40) && s.distanceMm > 0);
    expect(ahead.length).toBeGreaterThan(100);
    for (const sample of ahead) {
      expect(Math.abs(sample.distanceMm - 1000 / Math.cos((sample.angleDeg * Math.PI) / 180))).toBeLessThanOrEqual(12);
    }
    expect(samples.filter((s) => near(s.angleDeg, 180, 60) && s.distanceMm > 0)).toEqual([]);
    // 5.5 turns a second: five or six turn starts in a second.
    expect(samples.filter((s) => s.startFlag).length).toBeGreaterThanOrEqual(4);
  });

  it('ends the express scan on STOP, and ignores an express working mode it does not have', () => {
    const host = new Host(device({ motorControl: 'none' }, { motorSpinUpMs: 0 }));
    host.request(RplidarCommand.EXPRESS_SCAN, encodeRplidarExpressScanPayload());
    host.runTo(100_000);
    host.request(RplidarCommand.STOP);
    const count = host.chunks.length;
    host.runTo(200_000);
    expect(host.chunks.length).toBe(count);
    host.request(RplidarCommand.EXPRESS_SCAN, encodeRplidarExpressScanPayload(2));
    host.runTo(300_000);
    expect(host.chunks.length).toBe(count);
    expect(host.device.isScanning()).toBe(false);
  });

  it('measures on FORCE_SCAN before the motor is up to speed, and ignores SET_MOTOR_PWM', () => {
    const host = new Host(device({ motorControl: 'none' }, { motorSpinUpMs: 500 }));
    host.request(RplidarCommand.SET_MOTOR_PWM, Uint8Array.of(0x58, 0x02));
    host.runTo(20_000);
    expect(host.chunks).toEqual([]);
    host.request(RplidarCommand.FORCE_SCAN);
    host.runTo(200_000);
    expect(host.nodes().length).toBeGreaterThan(300);
    const scan = new Host(device({ motorControl: 'none' }, { motorSpinUpMs: 500 }));
    scan.request(RplidarCommand.SCAN);
    scan.runTo(200_000);
    expect(scan.nodes()).toEqual([]);
  });
});
