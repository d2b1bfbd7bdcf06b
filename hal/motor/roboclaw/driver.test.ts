import { describe, expect, it } from 'vitest';
import type { BusConfig } from '../../../config/board-schema.js';
import { runClockFor, settle as settleTurns } from '../../../test/harness/clock-steps.js';
import { deviceContext } from '../../../test/harness/device-context.js';
import { MemorySerialBackend } from '../../transport/serial/memory-serial-backend.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import type { BatteryReading } from '../../../messages/battery-reading.js';
import type { DeviceHealth } from '../../device-health.js';
import type { EncoderReading } from '../../../messages/encoder-reading.js';
import { TransportError } from '../../transport/transport-error.js';
import {
  RoboclawRequestDecoder,
  encodeRoboclawReply,
  encodeRoboclawRequest,
  type RoboclawPacket,
  type RoboclawReply,
  type RoboclawRequest,
} from './codec.js';
import { isBattery } from '../../battery/api.js';
import { capabilityOf, findCapability } from '../../device-api.js';
import { isEncoder } from '../../encoder/api.js';
import { isRoboclaw, roboclawModel } from './driver.js';
import { roboclawParamsSchema } from './params.js';

const PATH = '/dev/ttyACM0';
const ADDRESS = 0x80;
const MS = 1_000;

/**
 * A serial port with a scripted RoboClaw behind it: every request the driver writes is decoded
 * and, while `responding`, answered on the next microtask by `answer` (default: a plain
 * controller with settable counters and voltage). Tests can override one answer with `script`.
 */
class FakeRoboclawPort extends MemorySerialBackend {
  responding = true;
  /** Replies for the next requests, in order, instead of the default ones (`null`: no reply). */
  script: Array<Uint8Array | null> = [];
  readonly packets: RoboclawPacket[] = [];
  encoder = { M1: 0, M2: 0 };
  batteryDecivolts = 121;
  private readonly decoder = new RoboclawRequestDecoder();

  constructor() {
    super([PATH]);
    this.peer = () => (bytes, reply) => {
      for (const packet of this.decoder.push(bytes)) this.receive(packet, reply);
    };
  }

  /** The requests seen, by kind, in order. */
  kinds(): string[] {
    return this.packets.map((packet) => packet.request.kind);
  }

  private receive(packet: RoboclawPacket, reply: (bytes: Uint8Array) => void): void {
    this.packets.push(packet);
    if (!this.responding) return;
    const scripted = this.script.length > 0 ? this.script.shift() : undefined;
    const bytes = scripted === undefined ? this.answer(packet.request) : scripted;
    if (!bytes) return;
    queueMicrotask(() => reply(bytes));
  }

  private answer(request: RoboclawRequest): Uint8Array {
    let reply: RoboclawReply;
    switch (request.kind) {
      case 'read-firmware':
        reply = { kind: 'firmware', version: 'USB Roboclaw 2x15a v4.1.34' };
        break;
      case 'read-encoder':
        reply = { kind: 'encoder', motor: request.motor, count: this.encoder[request.motor], status: 0 };
        break;
      case 'read-speed':
        reply = { kind: 'speed', motor: request.motor, speedQpps: -250, status: 1 };
        break;
      case 'read-main-battery':
        reply = { kind: 'main-battery', voltageDecivolts: this.batteryDecivolts };
        break;
      default:
        reply = { kind: 'ack' };
    }
    return encodeRoboclawReply(ADDRESS, request, reply);
  }
}

/** Lets pending promise callbacks (open, write, replies) run. */
function settle(): Promise<void> {
  return settleTurns(10);
}

/** Advances the clock in 1 ms steps, letting replies arrive between steps. */
function runFor(clock: VirtualClock, ms: number): Promise<void> {
  return runClockFor(clock, ms * MS, MS, settle);
}

function setUp(params: Record<string, unknown> = {}) {
  const clock = new VirtualClock(1_000_000);
  const port = new FakeRoboclawPort();
  const bus: BusConfig = { id: 'uart1', kind: 'serial', path: PATH };
  const device = roboclawModel.create(
    deviceContext({
      id: 'drive',
      bus,
      params: roboclawModel.paramsSchema.parse({ ticksPerMetre: 2_000, ...params }),
      clock,
      backends: { serial: port },
    }),
  );
  const healthLog: DeviceHealth[] = [];
  device.onHealthChange((health) => healthLog.push(health));
  const encoders: EncoderReading[] = [];
  device.onEncoderReading((reading) => encoders.push(reading));
  const batteries: BatteryReading[] = [];
  device.onBatteryReading((reading) => batteries.push(reading));
  return { clock, port, device, healthLog, encoders, batteries };
}

/** Starts the device and lets it probe the controller and set its serial timeout. */
async function started(params: Record<string, unknown> = {}) {
  const env = setUp(params);
  await env.device.start();
  await settle();
  return env;
}

describe('roboclawModel', () => {
  it('describes itself as a motor driver on a serial bus, with the documented defaults', () => {
    expect(roboclawModel.compatible).toBe('basicmicro,roboclaw');
    expect(roboclawModel.kind).toBe('motor-driver');
    expect(roboclawModel.busKind).toBe('serial');
    expect(roboclawParamsSchema.parse({ ticksPerMetre: 1_000 })).toEqual({
      address: 0x80,
      baudRate: 38_400,
      ticksPerMetre: 1_000,
      pollHz: 50,
      replyTimeoutMs: 20,
      serialTimeoutMs: 500,
    });
  });

  it('rejects missing ticksPerMetre, bad addresses and baud rates, unknown fields, and a serial timeout shorter than two polls', () => {
    expect(roboclawParamsSchema.safeParse({}).success).toBe(false);
    expect(roboclawParamsSchema.safeParse({ ticksPerMetre: 1, address: 0x88 }).success).toBe(false);
    expect(roboclawParamsSchema.safeParse({ ticksPerMetre: 1, baudRate: 12_345 }).success).toBe(false);
    expect(roboclawParamsSchema.safeParse({ ticksPerMetre: 1, addr: 0x80 }).success).toBe(false);
    expect(roboclawParamsSchema.safeParse({ ticksPerMetre: 1, replyTimeoutMs: 5 }).success).toBe(false);
    const short = roboclawParamsSchema.safeParse({ ticksPerMetre: 1, pollHz: 5, serialTimeoutMs: 300 });
    expect(short.success).toBe(false);
    expect(short.error?.issues[0]?.path).toEqual(['serialTimeoutMs']);
    expect(roboclawParamsSchema.safeParse({ ticksPerMetre: 1, pollHz: 5, serialTimeoutMs: 0 }).success).toBe(true);
  });
});

describe('RoboClaw driver', () => {
  it('opens the port, asks for the firmware version, turns ok, then writes its serial timeout', async () => {
    const { port, device, healthLog } = setUp();
    expect(isRoboclaw(device)).toBe(true);
    await device.start();
    await settle();
    expect(port.openCalls).toEqual([{ path: PATH, baudRate: 38_400 }]);
    expect(healthLog.map((health) => health.state)).toEqual(['starting', 'starting', 'ok']);
    expect(healthLog[0]?.reason).toBe(`opening ${PATH}`);
    expect(healthLog[1]?.reason).toMatch(/asking the RoboClaw at address 0x80 for its firmware version/);
    expect(device.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(device.firmwareVersion()).toBe('USB Roboclaw 2x15a v4.1.34');
    expect([...port.writes[0]!]).toEqual([0x80, 21]);
    // 500 ms = 5 steps of 100 ms (command 14).
    expect(port.packets[1]).toEqual({ address: ADDRESS, request: { kind: 'set-serial-timeout', tenthsOfSecond: 5 } });
    expect(device.channelNames()).toEqual(['M1', 'M2']);
    expect(device.encoderChannelNames()).toEqual(['M1', 'M2']);
  });

  it('polls both encoders and the battery at pollHz and reports counts, travel and volts', async () => {
    const { clock, port, device, encoders, batteries } = await started();
    port.encoder = { M1: 100, M2: 200 };
    await runFor(clock, 20);
    expect(port.kinds().slice(2)).toEqual(['read-encoder', 'read-encoder', 'read-main-battery']);
    // The first reading after start is the origin.
    expect(encoders.at(-1)).toMatchObject({ counts: { M1: 0, M2: 0 }, travelM: { M1: 0, M2: 0 } });
    expect(batteries.at(-1)).toMatchObject({ voltageV: 12.1 });
    expect(batteries.at(-1)?.currentA).toBeNaN();

    port.encoder = { M1: 2_100, M2: 0xffff_ffff - 799 }; // +2000 and -1000 (wrapped below zero)
    await runFor(clock, 20);
    const reading = device.lastEncoderReading();
    expect(reading?.counts).toEqual({ M1: 2_000, M2: -1_000 });
    expect(reading?.travelM).toEqual({ M1: 1, M2: -0.5 });
    expect(reading?.stampUs).toBe(clock.nowUs());
    expect(device.lastBatteryReading()?.voltageV).toBe(12.1);
    expect(device.counters()).toMatchObject({ polls: 2, commands: 8, failedCommands: 0 });
  });

  it('offers its encoders and its battery as capabilities, with its own id and health', async () => {
    const { clock, port, device } = await started();
    const encoder = capabilityOf(device, isEncoder);
    const battery = capabilityOf(device, isBattery);
    expect(isEncoder(device) || isBattery(device)).toBe(false);
    expect(encoder).toMatchObject({ id: device.id, compatible: 'basicmicro,roboclaw', kind: 'encoder' });
    expect(battery).toMatchObject({ id: device.id, kind: 'battery' });
    expect(encoder?.channelNames()).toEqual(['M1', 'M2']);
    expect(encoder?.health()).toBe(device.health());
    const travel: number[] = [];
    const stopListening = encoder?.onReading((reading) => travel.push(reading.travelM.M1 ?? NaN));
    port.encoder = { M1: 100, M2: 0 };
    await runFor(clock, 20);
    stopListening?.();
    port.encoder = { M1: 2_100, M2: 0 };
    await runFor(clock, 20);
    expect(travel).toEqual([0]);
    expect(encoder?.lastReading()).toBe(device.lastEncoderReading());
    expect(battery?.lastReading()?.voltageV).toBe(12.1);
    expect(findCapability([device], isBattery)).toBe(battery);
  });

  it('sends commands for both channels made together as one packet, and never lets a motor command wait behind polls', async () => {
    const { clock, port, device } = await started();
    await runFor(clock, 19);
    clock.advanceBy(MS); // the poll is queued, nothing sent yet
    const left = device.channel('M1').setDuty(0.5);
    const right = device.channel('M2').setDuty(-1);
    await Promise.all([left, right]);
    const fromPoll = port.packets.slice(2);
    expect(fromPoll[0]).toEqual({ address: ADDRESS, request: { kind: 'duty-both', dutyM1: 16_384, dutyM2: -32_767 } });
    await settle();
    expect(port.kinds().slice(3)).toEqual(['read-encoder', 'read-encoder', 'read-main-battery']);
  });

  it('brakes and coasts with duty 0 (the RoboClaw has no brake), and stops both channels in one packet', async () => {
    const { port, device } = await started();
    await device.channel('M1').brake();
    await device.channel('M2').coast();
    await device.stopAll();
    expect(port.packets.slice(2).map((p) => p.request)).toEqual([
      { kind: 'duty', motor: 'M1', duty: 0 },
      { kind: 'duty', motor: 'M2', duty: 0 },
      { kind: 'duty-both', dutyM1: 0, dutyM2: 0 },
    ]);
    expect(() => device.channel('M3')).toThrow(RangeError);
    await expect(device.channel('M1').setDuty(1.5)).rejects.toThrow(RangeError);
  });

  it('lets a newer duty replace one not yet sent, answering both callers', async () => {
    const { port, device } = await started();
    const first = device.channel('M1').setDuty(0.1);
    const second = device.channel('M1').setDuty(0.2);
    await Promise.all([first, second]);
    expect(port.packets.slice(2).map((p) => p.request)).toEqual([{ kind: 'duty', motor: 'M1', duty: 6_553 }]);
  });

  it('sends the same packet again when no acknowledgement comes within replyTimeoutMs, and succeeds on the second try', async () => {
    const { clock, port, device } = await started({ pollHz: 1, serialTimeoutMs: 0 });
    port.script = [null];
    const done = device.channel('M2').setDuty(0.25);
    await settle();
    expect(port.writes).toHaveLength(3);
    await runFor(clock, 19);
    expect(port.writes).toHaveLength(3);
    await runFor(clock, 1);
    await done;
    expect(port.writes).toHaveLength(4);
    expect([...port.writes[3]!]).toEqual([...port.writes[2]!]);
    expect(device.health().state).toBe('ok');
    expect(device.counters()).toMatchObject({ retries: 1, timeouts: 1, failedCommands: 0 });
  });

  it('retries after a reply with a bad CRC, at the end of the attempt', async () => {
    const { clock, port, device } = await started({ pollHz: 1, serialTimeoutMs: 0 });
    const good = encodeRoboclawReply(
      ADDRESS,
      { kind: 'read-speed', motor: 'M1' },
      { kind: 'speed', motor: 'M1', speedQpps: 7, status: 0 },
    );
    const bad = good.slice();
    bad[6]! ^= 0x10;
    port.script = [bad, good];
    const speed = device.readSpeedQpps('M1');
    await settle();
    await runFor(clock, 20);
    await expect(speed).resolves.toBe(7);
    expect(device.counters()).toMatchObject({ retries: 1, badReplies: 1, timeouts: 0 });
  });

  it('fails a command after 3 attempts (degraded), turns failed after 3 in a row, and is ok again once the controller answers', async () => {
    const { clock, port, device } = await started({ pollHz: 1, serialTimeoutMs: 0 });
    port.responding = false;
    /** One command, left to fail: three sends 20 ms apart. */
    const failOne = async (): Promise<unknown> => {
      const outcome = device
        .channel('M1')
        .setDuty(0.3)
        .catch((error: unknown) => error);
      await settle();
      await runFor(clock, 60);
      return outcome;
    };
    const error = await failOne();
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('ETIMEDOUT');
    expect((error as TransportError).message).toMatch(/no reply within 20 ms \(3 attempts\)/);
    expect(port.writes.filter((w) => w[1] === 32)).toHaveLength(3);
    expect(device.health()).toMatchObject({ state: 'degraded', reason: expect.stringMatching(/command 32/) });

    await failOne();
    expect(device.health().state).toBe('degraded');
    await failOne();
    expect(device.health()).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/3 commands in a row failed/),
    });
    expect(device.counters().failedCommands).toBe(3);

    // It asks again after its backoff (500 ms ± 20 %), and is ok as soon as the controller answers.
    port.responding = true;
    await runFor(clock, 700);
    expect(device.health().state).toBe('ok');
    expect(device.counters().probes).toBe(2);
  });

  it('says where to look when nothing answers after opening', async () => {
    const { clock, port, device } = setUp({ address: 0x82 });
    port.responding = false;
    await device.start();
    await runFor(clock, 60);
    expect(device.health().state).toBe('failed');
    expect(device.health().reason).toMatch(/no answer from the RoboClaw at address 0x82 on \/dev\/ttyACM0/);
    expect(device.health().reason).toMatch(/packet serial mode, address 0x82, 38400 baud/);
  });

  it('on unplug is failed, refuses motor commands at once, and reopens by itself when the port is back', async () => {
    const { clock, port, device, encoders } = await started();
    port.encoder = { M1: 500, M2: 500 };
    await runFor(clock, 20);
    port.encoder = { M1: 700, M2: 500 };
    await runFor(clock, 20);
    expect(device.lastEncoderReading()?.counts).toEqual({ M1: 200, M2: 0 });

    port.present = false;
    port.unplug(new TransportError('ENXIO', `${PATH}: device disconnected`));
    await settle();
    expect(device.health()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/ENXIO/) });
    await expect(device.channel('M1').setDuty(0.5)).rejects.toMatchObject({ code: 'ECLOSED' });

    // Power-cycled while away: its counters restart at 0. The driver starts counting again from there.
    port.encoder = { M1: 0, M2: 0 };
    port.present = true;
    await runFor(clock, 600);
    expect(port.openCalls.length).toBeGreaterThanOrEqual(2);
    expect(device.health().state).toBe('ok');
    const before = encoders.length;
    port.encoder = { M1: 40, M2: 0 };
    await runFor(clock, 40);
    expect(encoders.length).toBeGreaterThan(before);
    expect(device.lastEncoderReading()?.counts).toEqual({ M1: 240, M2: 0 });
  });

  it('resets the encoders (command 20) and counts from zero again', async () => {
    const { clock, port, device } = await started();
    port.encoder = { M1: 10, M2: 10 };
    await runFor(clock, 20);
    port.encoder = { M1: 30, M2: 10 };
    await runFor(clock, 20);
    expect(device.lastEncoderReading()?.counts.M1).toBe(20);
    await device.resetEncoders();
    port.encoder = { M1: 5, M2: 0 };
    await runFor(clock, 20);
    expect(device.lastEncoderReading()?.counts).toEqual({ M1: 5, M2: 0 });
    expect(port.kinds()).toContain('reset-encoders');
  });

  it('drives by speed with both channels in one packet (command 37)', async () => {
    const { port, device } = await started();
    await Promise.all([device.setSpeedQpps('M1', 1_000), device.setSpeedQpps('M2', -1_000)]);
    expect(port.packets.at(-1)?.request).toEqual({ kind: 'speed-both', speedM1Qpps: 1_000, speedM2Qpps: -1_000 });
  });

  it('on stop sends duty 0 to both channels without waiting, closes the port, and refuses commands', async () => {
    const { port, device } = await started();
    await device.stop();
    expect([...port.writes.at(-1)!]).toEqual([
      ...encodeRoboclawRequest(ADDRESS, { kind: 'duty-both', dutyM1: 0, dutyM2: 0 }),
    ]);
    expect(port.isOpen).toBe(false);
    expect(device.health().state).toBe('stopped');
    await expect(device.stopAll()).rejects.toMatchObject({ code: 'ECLOSED' });
  });

  it('reports an open failure as failed health, and retries on the clock', async () => {
    const { clock, port, device } = setUp();
    port.failWith = new TransportError('EACCES', `${PATH}: permission denied`);
    await device.start();
    expect(device.health()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/EACCES/) });
    port.failWith = undefined;
    await runFor(clock, 700);
    expect(device.health().state).toBe('ok');
    expect(device.counters()).toMatchObject({ openFailures: 1, opens: 1 });
  });
});
