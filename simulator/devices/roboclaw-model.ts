import createDebug from 'debug';
import {
  ENCODER_STATUS_BACKWARD,
  ENCODER_STATUS_OVERFLOW,
  ENCODER_STATUS_UNDERFLOW,
  ROBOCLAW_PACKET_TIMEOUT_MS,
  RoboclawRequestDecoder,
  encodeRoboclawReply,
  rawToDuty,
  type RoboclawMotor,
  type RoboclawReply,
  type RoboclawRequest,
} from '../../hal/motor/roboclaw/codec.js';
import type { BridgeOutputState } from '../../hal/motor/bridge-codec.js';
import type { RoboclawParams } from '../../hal/motor/roboclaw/params.js';
import type { SimMotorOutputs, SimSerialDevice, SimStuckable, SimWorldView, TimedBytes } from './sim-device.js';

const log = createDebug('spinal:sim:roboclaw');

/** Bits per byte on the wire: start, 8 data, stop (8N1). */
const BITS_PER_BYTE = 10;
const MOTORS: readonly RoboclawMotor[] = ['M1', 'M2'];
const U32 = 4_294_967_296;
/** The speed reading is the count change over at least this long, microseconds. */
const SPEED_WINDOW_US = 20_000;

/** How a simulated RoboClaw behaves beyond its board-config params. */
export interface RoboclawSimOptions {
  /** Which drive wheel each channel's motor and encoder sit on. Default `{ M1: 'left', M2: 'right' }`. */
  wheels?: Record<RoboclawMotor, 'left' | 'right'>;
  /** Battery voltage with no load, volts. Default 12.0. */
  batteryOpenCircuitV?: number;
  /** Battery internal resistance: the voltage sags by this times the motor current, ohms. Default 0.1. */
  batteryInternalResistanceOhm?: number;
  /**
   * Wheel surface speed at full duty, m/s: a speed command (35..37) of
   * `maxWheelSpeedMps × ticksPerMetre` pulses per second gives full duty. Default 0.5.
   */
  maxWheelSpeedMps?: number;
  /** Text the firmware version command (21) answers. Default `RoboClaw 10.2A v4.1.11` (the manual's example). */
  firmwareVersion?: string;
  /** Time from the last request byte to the first reply byte, microseconds. Default 100. */
  replyLatencyUs?: number;
}

/** A simulated RoboClaw, plus the hooks scenarios use to inject faults. */
export interface RoboclawSimDevice extends SimSerialDevice, SimMotorOutputs, SimStuckable {
  /** While false the controller neither answers nor acts on packets (logic supply lost, wrong mode). Default true. */
  setResponding(responding: boolean): void;
  /** The controller loses power and comes back: motors off, encoder counters zero, serial timeout off. */
  powerCycle(): void;
  /** The raw 32-bit encoder counters the controller would report now (as of the last `advance`). */
  encoderCounts(): Record<RoboclawMotor, number>;
  /** The serial timeout the host set (command 14), milliseconds; 0 when off. */
  serialTimeoutMs(): number;
  /** Packets received for this address and answered or applied; packets dropped for a bad CRC; packets for other addresses. */
  counters(): { packets: number; badCrc: number; otherAddress: number; droppedBytes: number };
}

interface Drive {
  mode: 'duty' | 'speed';
  /** Raw duty -32768..32767, or pulses per second. */
  value: number;
}

/**
 * A Basicmicro RoboClaw at `path`, answering packet serial at `params.address` exactly as the
 * controller does (same codec as the driver): reads get their data and a CRC16, valid writes
 * one 0xFF; packets with a bad CRC are ignored, packets for other addresses too, and a partial
 * packet is dropped after a 10 ms gap (manual, "Packet Timeout"). Replies leave the wire after
 * the request and the reply have crossed it at the line speed (8N1) plus `replyLatencyUs`.
 * Opened at any other rate than `params.baudRate`, it understands nothing and answers nothing.
 *
 * Motors: a duty command drives its channel at that duty (`output()` says `drive`, or `coast` at
 * duty 0); a speed command drives at `speed / (maxWheelSpeedMps × ticksPerMetre)` (speed 0 holds
 * the wheel: `brake`). Encoders count `wheelTravelM() × ticksPerMetre` of the channel's wheel
 * (M1 left, M2 right by default) from the last reset, as a wrapping 32-bit counter with the
 * status bits of command 16. The main battery reads `batteryOpenCircuitV − R × motorCurrentA()`.
 * With the serial timeout set (command 14), no valid packet for that long stops both motors;
 * a closed port (host gone, cable pulled) stops them at once, since the model sees no time then.
 */
export function createRoboclawSimDevice(
  path: string,
  params: RoboclawParams,
  options: RoboclawSimOptions = {},
): RoboclawSimDevice {
  const wheels = options.wheels ?? { M1: 'left', M2: 'right' };
  const openCircuitV = options.batteryOpenCircuitV ?? 12.0;
  const internalResistanceOhm = options.batteryInternalResistanceOhm ?? 0.1;
  const maxWheelSpeedMps = options.maxWheelSpeedMps ?? 0.5;
  const firmwareVersion = options.firmwareVersion ?? 'RoboClaw 10.2A v4.1.11';
  const replyLatencyUs = options.replyLatencyUs ?? 100;
  if (!(maxWheelSpeedMps > 0)) throw new RangeError(`maxWheelSpeedMps must be > 0, got ${maxWheelSpeedMps}`);
  if (!(internalResistanceOhm >= 0)) throw new RangeError(`batteryInternalResistanceOhm must be >= 0`);
  if (!(replyLatencyUs >= 0)) throw new RangeError(`replyLatencyUs must be >= 0, got ${replyLatencyUs}`);
  const fullDutyQpps = maxWheelSpeedMps * params.ticksPerMetre;
  const { address } = params;

  const decoder = new RoboclawRequestDecoder();
  let openBaudRate: number | undefined;
  let responding = true;
  let stuck = false;
  let lastByteUs = -Infinity;
  let lastValidPacketUs = 0;
  let serialTimeoutMs = 0;
  let wireFreeUs = 0;
  let packets = 0;
  let otherAddress = 0;
  const drives: Record<RoboclawMotor, Drive> = { M1: { mode: 'duty', value: 0 }, M2: { mode: 'duty', value: 0 } };
  /** Requests answered at `dueUs`; the reply is built then, from the world as it is. */
  const pending: Array<{ dueUs: number; request: RoboclawRequest }> = [];

  /** Travel-derived count of each channel at the last reset (power-on is the sim start), and the signed count at the last sample. */
  let zeroCounts: Record<RoboclawMotor, number> = { M1: 0, M2: 0 };
  let resetPending = false;
  const signedCounts: Record<RoboclawMotor, number> = { M1: 0, M2: 0 };
  const status: Record<RoboclawMotor, number> = { M1: 0, M2: 0 };
  const speedQpps: Record<RoboclawMotor, number> = { M1: 0, M2: 0 };
  /** Start of the current speed window: its time and counts. */
  let speedRef: { atUs: number; counts: Record<RoboclawMotor, number> } | undefined;
  let batteryDecivolts = Math.round(openCircuitV * 10);

  function travelCounts(world: SimWorldView): Record<RoboclawMotor, number> {
    const travel = world.wheelTravelM();
    const of = (motor: RoboclawMotor): number =>
      Math.round((wheels[motor] === 'left' ? travel.leftM : travel.rightM) * params.ticksPerMetre);
    return { M1: of('M1'), M2: of('M2') };
  }

  /** Brings counters, speeds and the battery up to the world's state at `nowUs` (frozen while stuck). */
  function sample(nowUs: number, world: SimWorldView): void {
    if (stuck) return;
    const raw = travelCounts(world);
    if (resetPending) {
      zeroCounts = raw;
      resetPending = false;
    }
    for (const motor of MOTORS) {
      const count = raw[motor] - zeroCounts[motor];
      const before = signedCounts[motor];
      if (count !== before) {
        status[motor] =
          count < before ? status[motor] | ENCODER_STATUS_BACKWARD : status[motor] & ~ENCODER_STATUS_BACKWARD;
      }
      if (Math.floor(before / U32) > Math.floor(count / U32)) status[motor] |= ENCODER_STATUS_UNDERFLOW;
      if (Math.floor(before / U32) < Math.floor(count / U32)) status[motor] |= ENCODER_STATUS_OVERFLOW;
      signedCounts[motor] = count;
    }
    if (!speedRef) {
      speedRef = { atUs: nowUs, counts: { ...signedCounts } };
    } else if (nowUs - speedRef.atUs >= SPEED_WINDOW_US) {
      const dtS = (nowUs - speedRef.atUs) / 1e6;
      for (const motor of MOTORS) speedQpps[motor] = Math.round((signedCounts[motor] - speedRef.counts[motor]) / dtS);
      speedRef = { atUs: nowUs, counts: { ...signedCounts } };
    }
    const volts = openCircuitV - internalResistanceOhm * world.motorCurrentA();
    batteryDecivolts = Math.min(0xffff, Math.max(0, Math.round(volts * 10)));
  }

  function rawCount(motor: RoboclawMotor): number {
    return ((signedCounts[motor] % U32) + U32) % U32;
  }

  function reply(request: RoboclawRequest): RoboclawReply {
    switch (request.kind) {
      case 'read-encoder': {
        const motor = request.motor;
        const bits = status[motor];
        status[motor] &= ~(ENCODER_STATUS_UNDERFLOW | ENCODER_STATUS_OVERFLOW);
        return { kind: 'encoder', motor, count: rawCount(motor), status: bits };
      }
      case 'read-speed': {
        const speed = Math.max(-2_147_483_648, Math.min(2_147_483_647, speedQpps[request.motor]));
        return { kind: 'speed', motor: request.motor, speedQpps: speed, status: speed < 0 ? 1 : 0 };
      }
      case 'read-firmware':
        return { kind: 'firmware', version: firmwareVersion };
      case 'read-main-battery':
        return { kind: 'main-battery', voltageDecivolts: batteryDecivolts };
      default:
        return { kind: 'ack' };
    }
  }

  /** Applies a write command as the packet arrives; reads change nothing. */
  function apply(request: RoboclawRequest): void {
    switch (request.kind) {
      case 'duty':
        drives[request.motor] = { mode: 'duty', value: request.duty };
        return;
      case 'duty-both':
        drives.M1 = { mode: 'duty', value: request.dutyM1 };
        drives.M2 = { mode: 'duty', value: request.dutyM2 };
        return;
      case 'speed':
        drives[request.motor] = { mode: 'speed', value: request.speedQpps };
        return;
      case 'speed-both':
        drives.M1 = { mode: 'speed', value: request.speedM1Qpps };
        drives.M2 = { mode: 'speed', value: request.speedM2Qpps };
        return;
      case 'set-serial-timeout':
        serialTimeoutMs = request.tenthsOfSecond * 100;
        return;
      default:
        return;
    }
  }

  function stopMotors(why: string): void {
    if (drives.M1.value === 0 && drives.M2.value === 0 && drives.M1.mode === 'duty' && drives.M2.mode === 'duty')
      return;
    log('%s 0x%s: motors stopped: %s', path, address.toString(16), why);
    drives.M1 = { mode: 'duty', value: 0 };
    drives.M2 = { mode: 'duty', value: 0 };
  }

  function byteTimeUs(bytes: number): number {
    return ((bytes * BITS_PER_BYTE) / (openBaudRate ?? params.baudRate)) * 1e6;
  }

  return {
    kind: 'serial',
    path,
    open(baudRate: number, simTimeUs: number): void {
      openBaudRate = baudRate;
      wireFreeUs = simTimeUs;
      decoder.reset();
      pending.length = 0;
      if (baudRate !== params.baudRate) {
        log(
          '%s opened at %d baud; the controller listens at %d: it will not understand',
          path,
          baudRate,
          params.baudRate,
        );
      }
    },
    close(): void {
      openBaudRate = undefined;
      pending.length = 0;
      if (serialTimeoutMs > 0) stopMotors('port closed with the serial timeout set');
    },
    write(bytes: Uint8Array, simTimeUs: number): void {
      if (openBaudRate !== params.baudRate || !responding) return;
      if (simTimeUs - lastByteUs > ROBOCLAW_PACKET_TIMEOUT_MS * 1_000) decoder.reset();
      lastByteUs = simTimeUs;
      const arrivedUs = simTimeUs + byteTimeUs(bytes.length);
      for (const packet of decoder.push(bytes)) {
        if (packet.address !== address) {
          otherAddress++;
          continue;
        }
        packets++;
        lastValidPacketUs = arrivedUs;
        apply(packet.request);
        const startUs = Math.max(arrivedUs + replyLatencyUs, wireFreeUs);
        const dueUs = Math.ceil(startUs + byteTimeUs(replyLength(packet.request, firmwareVersion)));
        wireFreeUs = dueUs;
        pending.push({ dueUs, request: packet.request });
      }
    },
    setSignals(): void {},
    advance(toUs: number, world: SimWorldView): TimedBytes[] {
      if (serialTimeoutMs > 0 && toUs - lastValidPacketUs > serialTimeoutMs * 1_000) {
        stopMotors(`no valid packet for ${serialTimeoutMs} ms (serial timeout)`);
      }
      const out: TimedBytes[] = [];
      while (pending.length > 0 && (pending[0]?.dueUs ?? Infinity) <= toUs) {
        const { dueUs, request } = pending.shift() as { dueUs: number; request: RoboclawRequest };
        if (request.kind === 'reset-encoders') {
          resetPending = true;
          speedRef = undefined;
          signedCounts.M1 = 0;
          signedCounts.M2 = 0;
          status.M1 = 0;
          status.M2 = 0;
        }
        sample(dueUs, world);
        out.push({ simTimeUs: dueUs, bytes: encodeRoboclawReply(address, request, reply(request)) });
      }
      sample(toUs, world);
      return out;
    },
    output(channel: string): BridgeOutputState {
      const drive = channel === 'M1' ? drives.M1 : channel === 'M2' ? drives.M2 : undefined;
      if (!drive) return { duty: 0, mode: 'coast' };
      if (drive.mode === 'speed') {
        if (drive.value === 0) return { duty: 0, mode: 'brake' };
        return { duty: Math.max(-1, Math.min(1, drive.value / fullDutyQpps)), mode: 'drive' };
      }
      return drive.value === 0 ? { duty: 0, mode: 'coast' } : { duty: rawToDuty(drive.value), mode: 'drive' };
    },
    setStuck(value: boolean): void {
      log('%s 0x%s: %s', path, address.toString(16), value ? 'stuck' : 'unstuck');
      stuck = value;
    },
    setResponding(value: boolean): void {
      log('%s 0x%s: %s', path, address.toString(16), value ? 'responding' : 'not responding');
      responding = value;
      if (!value) pending.length = 0;
    },
    powerCycle(): void {
      log('%s 0x%s: power cycle', path, address.toString(16));
      drives.M1 = { mode: 'duty', value: 0 };
      drives.M2 = { mode: 'duty', value: 0 };
      serialTimeoutMs = 0;
      resetPending = true;
      speedRef = undefined;
      speedQpps.M1 = 0;
      speedQpps.M2 = 0;
      signedCounts.M1 = 0;
      signedCounts.M2 = 0;
      status.M1 = 0;
      status.M2 = 0;
      pending.length = 0;
      decoder.reset();
    },
    encoderCounts(): Record<RoboclawMotor, number> {
      return { M1: rawCount('M1'), M2: rawCount('M2') };
    },
    serialTimeoutMs(): number {
      return serialTimeoutMs;
    },
    counters() {
      const decoded = decoder.counters();
      return { packets, badCrc: decoded.badCrc, otherAddress, droppedBytes: decoded.droppedBytes };
    },
  };
}

/** Bytes of the reply to a request: 1 for an acknowledgement; data and CRC for reads (manual, commands 16..24). */
function replyLength(request: RoboclawRequest, firmwareVersion: string): number {
  switch (request.kind) {
    case 'read-encoder':
    case 'read-speed':
      return 7;
    case 'read-main-battery':
      return 4;
    case 'read-firmware':
      return firmwareVersion.length + 4;
    default:
      return 1;
  }
}
