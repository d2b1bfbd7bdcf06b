import { fakeWorldView } from '../../test/harness/fake-world-view.js';
import { describe, expect, it } from 'vitest';
import {
  RoboclawReplyDecoder,
  encodeRoboclawRequest,
  type RoboclawReply,
  type RoboclawReplyResult,
  type RoboclawRequest,
} from '../../hal/motor/roboclaw/codec.js';
import { roboclawParamsSchema } from '../../hal/motor/roboclaw/params.js';
import { createRoboclawSimDevice, type RoboclawSimDevice, type RoboclawSimOptions } from './roboclaw-model.js';
import type { SimWorldView } from './sim-device.js';

const PATH = '/dev/ttyACM0';
const ADDRESS = 0x80;
/** 1000 counts per metre keeps the arithmetic readable. */
const TICKS_PER_METRE = 1_000;

/** A world whose wheel travel and motor current the test sets. */
function adjustableWorld() {
  const state = { leftM: 0, rightM: 0, currentA: 0, nowUs: 0 };
  const world: SimWorldView = fakeWorldView({
    wheelTravelM: () => ({ leftM: state.leftM, rightM: state.rightM }),
    motorCurrentA: () => state.currentA,
    nowUs: () => state.nowUs,
  });
  return { state, world };
}

function setUp(params: Record<string, unknown> = {}, options: RoboclawSimOptions = {}) {
  const parsed = roboclawParamsSchema.parse({ ticksPerMetre: TICKS_PER_METRE, ...params });
  const device = createRoboclawSimDevice(PATH, parsed, options);
  const { state, world } = adjustableWorld();
  device.open(parsed.baudRate, 0);
  return { device, state, world };
}

/**
 * Sends one request at `atUs`, runs the model to `untilUs` and decodes what came back as the
 * reply to it. Returns the decoded results and the stamps of the chunks.
 */
function ask(
  device: RoboclawSimDevice,
  world: SimWorldView,
  request: RoboclawRequest,
  atUs: number,
  untilUs = atUs + 20_000,
  address = ADDRESS,
): { results: RoboclawReplyResult[]; stampsUs: number[] } {
  device.write(encodeRoboclawRequest(address, request), atUs);
  const chunks = device.advance(untilUs, world);
  const decoder = new RoboclawReplyDecoder();
  decoder.expect(address, request);
  return {
    results: chunks.flatMap((chunk) => decoder.push(chunk.bytes)),
    stampsUs: chunks.map((chunk) => chunk.simTimeUs),
  };
}

function replyOf(results: RoboclawReplyResult[]): RoboclawReply | undefined {
  const [first] = results;
  return first?.ok ? first.reply : undefined;
}

describe('simulated RoboClaw', () => {
  it('answers the firmware version with the manual example, after both packets crossed the wire at 38400 baud', () => {
    const { device, world } = setUp();
    const { results, stampsUs } = ask(device, world, { kind: 'read-firmware' }, 10_000);
    expect(results).toEqual([{ ok: true, reply: { kind: 'firmware', version: 'RoboClaw 10.2A v4.1.11' } }]);
    // 2 request bytes + 100 µs + 26 reply bytes, 10 bits each at 38400 baud: 10 000 + 520.8 + 100 + 6770.8.
    expect(stampsUs).toEqual([17_392]);
  });

  it('drives at the commanded duty, coasts at duty 0, and acknowledges each command with 0xFF', () => {
    const { device, world } = setUp();
    expect(device.output('M1')).toEqual({ duty: 0, mode: 'coast' });

    expect(replyOf(ask(device, world, { kind: 'duty', motor: 'M1', duty: 16_384 }, 0).results)).toEqual({
      kind: 'ack',
    });
    expect(device.output('M1').mode).toBe('drive');
    expect(device.output('M1').duty).toBeCloseTo(0.5, 3);
    expect(device.output('M2')).toEqual({ duty: 0, mode: 'coast' });

    ask(device, world, { kind: 'duty-both', dutyM1: 0, dutyM2: -32_767 }, 20_000);
    expect(device.output('M1')).toEqual({ duty: 0, mode: 'coast' });
    expect(device.output('M2')).toEqual({ duty: -1, mode: 'drive' });
  });

  it('turns a speed command into duty against maxWheelSpeedMps × ticksPerMetre, and holds (brakes) at speed 0', () => {
    const { device, world } = setUp({}, { maxWheelSpeedMps: 0.5 });
    // Full duty is 0.5 m/s × 1000 counts/m = 500 counts/s.
    ask(device, world, { kind: 'speed-both', speedM1Qpps: 250, speedM2Qpps: -1_000 }, 0);
    expect(device.output('M1')).toEqual({ duty: 0.5, mode: 'drive' });
    expect(device.output('M2')).toEqual({ duty: -1, mode: 'drive' });
    ask(device, world, { kind: 'speed', motor: 'M1', speedQpps: 0 }, 20_000);
    expect(device.output('M1')).toEqual({ duty: 0, mode: 'brake' });
  });

  it('ignores a packet with a bad CRC (no acknowledgement, motors unchanged) and packets for other addresses', () => {
    const { device, world } = setUp();
    const bytes = encodeRoboclawRequest(ADDRESS, { kind: 'duty', motor: 'M1', duty: 10_000 });
    bytes[5]! ^= 0xff;
    device.write(bytes, 0);
    expect(device.advance(20_000, world)).toEqual([]);
    expect(device.output('M1')).toEqual({ duty: 0, mode: 'coast' });

    const other = ask(device, world, { kind: 'duty', motor: 'M1', duty: 10_000 }, 20_000, 40_000, 0x81);
    expect(other.results).toEqual([]);
    expect(device.output('M1').mode).toBe('coast');
    expect(device.counters()).toMatchObject({ packets: 0, badCrc: 1, otherAddress: 1 });
  });

  it('drops half a packet after a gap of more than 10 ms, as the controller does', () => {
    const { device, world } = setUp();
    const bytes = encodeRoboclawRequest(ADDRESS, { kind: 'duty', motor: 'M1', duty: 10_000 });
    device.write(bytes.subarray(0, 3), 0);
    device.write(bytes.subarray(3), 11_000);
    expect(device.advance(30_000, world)).toEqual([]);
    expect(device.output('M1').mode).toBe('coast');

    // The same split with a 5 ms gap is one packet.
    device.write(bytes.subarray(0, 3), 40_000);
    device.write(bytes.subarray(3), 45_000);
    expect(device.advance(60_000, world).map((chunk) => [...chunk.bytes])).toEqual([[0xff]]);
    expect(device.output('M1').mode).toBe('drive');
  });

  it('counts wheel travel × ticksPerMetre on M1 (left) and M2 (right), as a wrapping 32-bit counter with direction and underflow bits', () => {
    const { device, state, world } = setUp();
    state.leftM = 1.5;
    state.rightM = -0.002;
    const m1 = replyOf(ask(device, world, { kind: 'read-encoder', motor: 'M1' }, 0).results);
    const m2 = replyOf(ask(device, world, { kind: 'read-encoder', motor: 'M2' }, 20_000).results);
    expect(m1).toEqual({ kind: 'encoder', motor: 'M1', count: 1_500, status: 0 });
    // -2 counts: 0xFFFFFFFE, moving backwards (bit 1), went below zero (bit 0).
    expect(m2).toEqual({ kind: 'encoder', motor: 'M2', count: 0xffff_fffe, status: 0x03 });
    // Underflow is cleared once read; direction stays.
    const again = replyOf(ask(device, world, { kind: 'read-encoder', motor: 'M2' }, 40_000).results);
    expect(again).toEqual({ kind: 'encoder', motor: 'M2', count: 0xffff_fffe, status: 0x02 });
  });

  it('swaps the wheels when told M1 is on the right', () => {
    const { device, state, world } = setUp({}, { wheels: { M1: 'right', M2: 'left' } });
    state.leftM = 1;
    state.rightM = 2;
    expect(replyOf(ask(device, world, { kind: 'read-encoder', motor: 'M1' }, 0).results)).toMatchObject({
      count: 2_000,
    });
  });

  it('zeroes its counters on command 20, and reports speed in counts per second', () => {
    const { device, state, world } = setUp();
    state.leftM = 0.5;
    device.advance(10_000, world);
    expect(replyOf(ask(device, world, { kind: 'reset-encoders' }, 10_000).results)).toEqual({ kind: 'ack' });
    expect(device.encoderCounts()).toEqual({ M1: 0, M2: 0 });
    state.leftM = 0.6; // +100 counts over the next 100 ms: 1000 counts/s.
    device.advance(130_000, world);
    const count = replyOf(ask(device, world, { kind: 'read-encoder', motor: 'M1' }, 130_000, 130_000 + 5_000).results);
    expect(count).toMatchObject({ count: 100 });
    state.leftM = 0.65;
    device.advance(200_000, world);
    const speed = replyOf(ask(device, world, { kind: 'read-speed', motor: 'M1' }, 200_000, 250_000).results);
    // The speed window opened at 130 ms (samples closer than 20 ms apart do not close it): 50 counts / 0.070 s.
    expect(speed).toEqual({ kind: 'speed', motor: 'M1', speedQpps: Math.round(50 / 0.07), status: 0 });
  });

  it('reads the main battery as 12.0 V minus 0.1 Ω × motor current, in tenths of a volt', () => {
    const { device, state, world } = setUp();
    expect(replyOf(ask(device, world, { kind: 'read-main-battery' }, 0).results)).toEqual({
      kind: 'main-battery',
      voltageDecivolts: 120,
    });
    state.currentA = 5;
    expect(replyOf(ask(device, world, { kind: 'read-main-battery' }, 20_000).results)).toEqual({
      kind: 'main-battery',
      voltageDecivolts: 115,
    });
  });

  it('freezes its readings while stuck', () => {
    const { device, state, world } = setUp();
    state.leftM = 0.1;
    device.advance(10_000, world);
    device.setStuck(true);
    state.leftM = 0.9;
    state.currentA = 20;
    expect(replyOf(ask(device, world, { kind: 'read-encoder', motor: 'M1' }, 10_000).results)).toMatchObject({
      count: 100,
    });
    expect(replyOf(ask(device, world, { kind: 'read-main-battery' }, 30_000).results)).toMatchObject({
      voltageDecivolts: 120,
    });
    device.setStuck(false);
    expect(replyOf(ask(device, world, { kind: 'read-encoder', motor: 'M1' }, 50_000).results)).toMatchObject({
      count: 900,
    });
  });

  it('stops both motors when its serial timeout runs out, and when the port closes with the timeout set', () => {
    const { device, world } = setUp();
    ask(device, world, { kind: 'set-serial-timeout', tenthsOfSecond: 2 }, 0);
    expect(device.serialTimeoutMs()).toBe(200);
    ask(device, world, { kind: 'duty-both', dutyM1: 20_000, dutyM2: 20_000 }, 20_000);
    // The duty packet's 8 bytes finished arriving at 20 000 + 8 × 260.4 µs = 22 083 µs.
    device.advance(222_000, world);
    expect(device.output('M1').mode).toBe('drive');
    device.advance(223_000, world);
    expect(device.output('M1')).toEqual({ duty: 0, mode: 'coast' });
    expect(device.output('M2')).toEqual({ duty: 0, mode: 'coast' });

    ask(device, world, { kind: 'duty', motor: 'M2', duty: 20_000 }, 300_000);
    expect(device.output('M2').mode).toBe('drive');
    device.close();
    expect(device.output('M2')).toEqual({ duty: 0, mode: 'coast' });
  });

  it('keeps driving after the port closes when no serial timeout is set (the factory default)', () => {
    const { device, world } = setUp();
    ask(device, world, { kind: 'duty', motor: 'M1', duty: 20_000 }, 0);
    device.close();
    expect(device.output('M1').mode).toBe('drive');
  });

  it('answers nothing when opened at the wrong baud rate, or while not responding', () => {
    const { device, world } = setUp();
    device.open(115_200, 0);
    expect(ask(device, world, { kind: 'read-firmware' }, 0).results).toEqual([]);
    device.open(38_400, 30_000);
    device.setResponding(false);
    expect(ask(device, world, { kind: 'read-firmware' }, 30_000).results).toEqual([]);
    device.setResponding(true);
    expect(ask(device, world, { kind: 'read-firmware' }, 60_000).results).toHaveLength(1);
  });

  it('comes back from a power cycle with motors off, counters zero and no serial timeout', () => {
    const { device, state, world } = setUp();
    ask(device, world, { kind: 'set-serial-timeout', tenthsOfSecond: 5 }, 0);
    ask(device, world, { kind: 'duty', motor: 'M1', duty: 20_000 }, 20_000);
    state.leftM = 0.3;
    device.advance(50_000, world);
    device.powerCycle();
    device.advance(60_000, world);
    expect(device.output('M1')).toEqual({ duty: 0, mode: 'coast' });
    expect(device.serialTimeoutMs()).toBe(0);
    expect(device.encoderCounts()).toEqual({ M1: 0, M2: 0 });
  });
});
