import createDebug from 'debug';
import {
  RPLIDAR_A1_BAUD_RATE,
  RPLIDAR_HEALTH_LENGTH,
  RPLIDAR_INFO_LENGTH,
  RPLIDAR_NODE_LENGTH,
  RplidarCommand,
  RplidarDataType,
  RplidarRequestDecoder,
  RplidarSendMode,
  encodeRplidarDescriptor,
  encodeRplidarDeviceInfo,
  encodeRplidarHealth,
  encodeRplidarScanNode,
  type RplidarDeviceInfo,
  type RplidarHealth,
} from '../../hal/lidar/rplidar-a1/codec.js';
import type { RplidarA1Params } from '../../hal/lidar/rplidar-a1/params.js';
import type { SimSerialDevice, SimWorldView, TimedBytes } from './sim-device.js';

const log = createDebug('spinal:sim:rplidar-a1');

/** Nearest return the A1 reports, metres (A1M8 datasheet, Figure 2-1: range 0.15–12 m). */
const MIN_RANGE_M = 0.15;
/** Farthest return, metres (same table). */
const MAX_RANGE_M = 12;
/** Quality given to every return: the model has no notion of surface reflectivity. */
const RETURN_QUALITY = 15;
/** Bits on the wire per byte at 8N1: start, 8 data, stop. */
const BITS_PER_BYTE = 10;
/** Time from the last byte of a request to the first byte of the answer, microseconds (assumed). */
const ANSWER_LATENCY_US = 1_000;
/** Time a RESET takes before the core answers again and prints its start-up text, microseconds (assumed). */
const REBOOT_US = 50_000;
/** What the core prints after a reset: plain text outside any response, which a host must skip. */
const BOOT_TEXT = new TextEncoder().encode('RP LIDAR System.\r\nFirmware Ver 1.29 - rc1, HW Ver 7\r\nModel: 18\r\n');
const DEG_TO_RAD = Math.PI / 180;

/** How a simulated RPLIDAR A1 behaves beyond its mount. */
export interface RplidarA1SimOptions {
  /** Rotation once the motor is up to speed, turns per second. Default 5.5 (A1M8 datasheet, typical scan rate). */
  rotationHz?: number;
  /**
   * Measurements per second while scanning. Default 2000 (A1M8 datasheet: 0.5 ms per sample in
   * the standard SCAN mode). At most 2304: five bytes a node must fit through 115200 baud.
   */
  samplesPerS?: number;
  /** Standard deviation of the gaussian range noise, metres. Default 0.005. */
  rangeNoiseM?: number;
  /** Time from the motor being switched on until measurements flow, milliseconds. Default 300 (assumed). */
  motorSpinUpMs?: number;
  /**
   * Nodes handed to the host together, like a USB adapter passes bytes on in bursts. Default 4
   * (20 bytes, 2 ms at 2000 samples/s). A burst cut short by a request or a stopping motor is lost.
   */
  nodesPerChunk?: number;
  /** What GET_INFO answers. Default: model 0x18 (A1M8), firmware 1.29, hardware 7. */
  info?: RplidarDeviceInfo;
}

/** A simulated RPLIDAR A1: a serial device, plus the switches a fault test throws. */
export interface RplidarA1SimDevice extends SimSerialDevice {
  /**
   * What GET_HEALTH answers from now on. `error` is a protection stop: the scan stops and SCAN is
   * ignored until a RESET clears it (unless `survivesReset`, a lasting hardware fault). `warning`
   * changes nothing else and lasts until set back to `good`.
   */
  setSensorHealth(health: RplidarHealth, options?: { survivesReset?: boolean }): void;
  /** Whether the scan motor turns now (switched on, whether or not up to speed). */
  motorOn(): boolean;
  /** Whether the sensor is in its scanning state (it sends nodes once the motor is up to speed). */
  isScanning(): boolean;
  /** Requests received since the start, by command byte, in order. */
  requestLog(): readonly number[];
}

/** A standard normal sample from two uniform ones (Box–Muller). */
function gaussian(random: () => number): number {
  const u1 = 1 - random();
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A simulated Slamtec RPLIDAR A1 at `path`, speaking the real request/response protocol through
 * the driver's own codec. It answers GET_HEALTH and GET_INFO with a descriptor and the data, takes
 * STOP and RESET without answer (RESET reboots the core: 50 ms deaf, then a line of start-up
 * text), and on SCAN sends the scan descriptor, then one 5-byte node per sample while the motor
 * is up to speed. Any request ends a scan, as on the real sensor.
 *
 * Motor: the A1 kit's USB adapter drives MOTOCTL from DTR, inverted (DTR cleared = MOTOCTL high =
 * motor on; Slamtec's SDK starts an A1 motor by clearing DTR). The port opens with DTR set, as
 * Linux sets it on open, so the motor is off until the host clears DTR; with
 * `params.motorControl: none` MOTOCTL is wired high and the motor turns from the first open on.
 * Measurements start `motorSpinUpMs` after the motor is switched on and stop at once when it is
 * switched off. Closing the port leaves the motor as it was.
 *
 * Each node is a raycast from the sensor's world position (robot pose ⊕ `params.mount`) along
 * world heading `robotYaw + mountYaw − angle` (the head turns clockwise), 0.15 to 12 m with
 * gaussian noise; anything else reads distance 0, quality 0. The start flag is set on the first
 * node of each new turn. Answers go out 1 ms after the request plus their bytes' time at 115200
 * baud. Opened at another rate it understands nothing and stays silent, like a mismatched UART.
 */
export function createRplidarA1SimDevice(
  path: string,
  params: RplidarA1Params,
  options: RplidarA1SimOptions = {},
): RplidarA1SimDevice {
  const rotationHz = options.rotationHz ?? 5.5;
  const samplesPerS = options.samplesPerS ?? 2_000;
  const rangeNoiseM = options.rangeNoiseM ?? 0.005;
  const motorSpinUpUs = (options.motorSpinUpMs ?? 300) * 1_000;
  const nodesPerChunk = options.nodesPerChunk ?? 4;
  const info: RplidarDeviceInfo = options.info ?? {
    model: 0x18,
    firmwareMajor: 1,
    firmwareMinor: 29,
    hardware: 7,
    serialNumber: 'A1M8517E0D2C3B4A59687F8E9DACBDCE',
  };
  const byteUs = (BITS_PER_BYTE / RPLIDAR_A1_BAUD_RATE) * 1e6;
  const maxSamplesPerS = RPLIDAR_A1_BAUD_RATE / BITS_PER_BYTE / RPLIDAR_NODE_LENGTH;
  if (!(rotationHz > 0) || !Number.isFinite(rotationHz))
    throw new RangeError(`rotationHz must be > 0, got ${rotationHz}`);
  if (!(samplesPerS > 0) || !(samplesPerS <= maxSamplesPerS)) {
    throw new RangeError(`samplesPerS must be in (0, ${maxSamplesPerS}] at 115200 baud, got ${samplesPerS}`);
  }
  if (!(rangeNoiseM >= 0)) throw new RangeError(`rangeNoiseM must be >= 0, got ${rangeNoiseM}`);
  if (!(motorSpinUpUs >= 0)) throw new RangeError(`motorSpinUpMs must be >= 0, got ${options.motorSpinUpMs}`);
  if (!Number.isInteger(nodesPerChunk) || nodesPerChunk < 1) {
    throw new RangeError(`nodesPerChunk must be a whole number >= 1, got ${nodesPerChunk}`);
  }

  const samplePeriodUs = 1e6 / samplesPerS;
  const degPerUs = (rotationHz * 360) / 1e6;
  const { xM: mountXM, yM: mountYM, yawDeg: mountYawDeg } = params.mount;
  const motorWiredOn = params.motorControl === 'none';

  let open = false;
  let baudOk = false;
  let requests = new RplidarRequestDecoder();
  const requestCommands: number[] = [];
  /** Answers waiting for their time, in time order. */
  let outbox: TimedBytes[] = [];
  let dtrSet = true;
  /** When the motor reaches speed; undefined while it is off. */
  let motorStableAtUs: number | undefined;
  let health: RplidarHealth = { status: 'good', errorCode: 0 };
  let errorSurvivesReset = false;
  let protectionStop = false;
  let deafUntilUs = -Infinity;
  let scanning = false;
  /** Time of the next sample while scanning. */
  let nextSampleUs = 0;
  let previousAngleDeg: number | undefined;
  let burst: Uint8Array[] = [];

  function motorShouldTurn(): boolean {
    return motorWiredOn || !dtrSet;
  }

  function updateMotor(simTimeUs: number): void {
    const turning = motorShouldTurn();
    if (turning && motorStableAtUs === undefined) motorStableAtUs = simTimeUs + motorSpinUpUs;
    if (!turning && motorStableAtUs !== undefined) {
      motorStableAtUs = undefined;
      burst = [];
      previousAngleDeg = undefined;
    }
  }

  function answer(simTimeUs: number, bytes: Uint8Array): void {
    outbox.push({ simTimeUs: Math.round(simTimeUs + ANSWER_LATENCY_US + bytes.length * byteUs), bytes });
    outbox.sort((a, b) => a.simTimeUs - b.simTimeUs);
  }

  function leaveScan(): void {
    scanning = false;
    burst = [];
    previousAngleDeg = undefined;
  }

  function handleRequest(command: number, simTimeUs: number): void {
    requestCommands.push(command);
    if (simTimeUs < deafUntilUs) return;
    leaveScan();
    switch (command) {
      case RplidarCommand.STOP:
        return;
      case RplidarCommand.RESET:
        outbox = [];
        deafUntilUs = simTimeUs + REBOOT_US;
        if (protectionStop && !errorSurvivesReset) {
          protectionStop = false;
          health = { status: 'good', errorCode: 0 };
        }
        outbox.push({ simTimeUs: Math.round(simTimeUs + REBOOT_US + BOOT_TEXT.length * byteUs), bytes: BOOT_TEXT });
        return;
      case RplidarCommand.GET_HEALTH:
        answer(
          simTimeUs,
          concat([
            encodeRplidarDescriptor({
              length: RPLIDAR_HEALTH_LENGTH,
              sendMode: RplidarSendMode.SINGLE,
              dataType: RplidarDataType.DEVICE_HEALTH,
            }),
            encodeRplidarHealth(health),
          ]),
        );
        return;
      case RplidarCommand.GET_INFO:
        answer(
          simTimeUs,
          concat([
            encodeRplidarDescriptor({
              length: RPLIDAR_INFO_LENGTH,
              sendMode: RplidarSendMode.SINGLE,
              dataType: RplidarDataType.DEVICE_INFO,
            }),
            encodeRplidarDeviceInfo(info),
          ]),
        );
        return;
      case RplidarCommand.SCAN: {
        if (protectionStop) {
          log('%s: SCAN ignored in protection stop', path);
          return;
        }
        const descriptor = encodeRplidarDescriptor({
          length: RPLIDAR_NODE_LENGTH,
          sendMode: RplidarSendMode.MULTIPLE,
          dataType: RplidarDataType.MEASUREMENT,
        });
        answer(simTimeUs, descriptor);
        scanning = true;
        nextSampleUs = Math.round(simTimeUs + ANSWER_LATENCY_US + descriptor.length * byteUs + samplePeriodUs);
        return;
      }
      default:
        log('%s: request 0x%s ignored', path, command.toString(16));
    }
  }

  function measure(angleDeg: number, world: SimWorldView): Uint8Array {
    const pose = world.robotPose();
    const cosYaw = Math.cos(pose.yawRad);
    const sinYaw = Math.sin(pose.yawRad);
    const sensorXM = pose.xM + cosYaw * mountXM - sinYaw * mountYM;
    const sensorYM = pose.yM + sinYaw * mountXM + cosYaw * mountYM;
    const headingRad = pose.yawRad + (mountYawDeg - angleDeg) * DEG_TO_RAD;
    const hitM = world.raycast(sensorXM, sensorYM, headingRad, MAX_RANGE_M);
    const startFlag = previousAngleDeg !== undefined && angleDeg < previousAngleDeg;
    previousAngleDeg = angleDeg;
    if (Number.isFinite(hitM) && hitM >= MIN_RANGE_M && hitM <= MAX_RANGE_M) {
      const noisyM = rangeNoiseM > 0 ? hitM + rangeNoiseM * gaussian(() => world.random()) : hitM;
      const distanceMm = Math.max(MIN_RANGE_M * 1000, noisyM * 1000);
      return encodeRplidarScanNode({ startFlag, quality: RETURN_QUALITY, angleDeg, distanceMm });
    }
    return encodeRplidarScanNode({ startFlag, quality: 0, angleDeg, distanceMm: 0 });
  }

  function sampleUpTo(toUs: number, world: SimWorldView, out: TimedBytes[]): void {
    if (!scanning || protectionStop || motorStableAtUs === undefined) return;
    const stableAtUs = motorStableAtUs;
    for (;;) {
      if (nextSampleUs < stableAtUs) nextSampleUs = Math.round(stableAtUs + samplePeriodUs);
      if (nextSampleUs > toUs) return;
      const sampleUs = nextSampleUs;
      const angleDeg = Math.round((((sampleUs - stableAtUs) * degPerUs) % 360) * 64) / 64;
      burst.push(measure(angleDeg % 360, world));
      if (burst.length >= nodesPerChunk) {
        out.push({ simTimeUs: sampleUs, bytes: concat(burst) });
        burst = [];
      }
      nextSampleUs = Math.round(sampleUs + samplePeriodUs);
    }
  }

  return {
    kind: 'serial',
    path,
    open(baudRate: number, simTimeUs: number): void {
      open = true;
      baudOk = baudRate === RPLIDAR_A1_BAUD_RATE;
      requests = new RplidarRequestDecoder();
      outbox = [];
      dtrSet = true;
      leaveScan();
      updateMotor(simTimeUs);
      if (!baudOk)
        log('%s opened at %d baud; the A1 speaks %d: it will understand nothing', path, baudRate, RPLIDAR_A1_BAUD_RATE);
    },
    close(): void {
      open = false;
      outbox = [];
      leaveScan();
    },
    write(bytes: Uint8Array, simTimeUs: number): void {
      if (!open || !baudOk) return;
      for (const request of requests.push(bytes)) handleRequest(request.command, simTimeUs);
    },
    setSignals(signals: { dtr?: boolean; rts?: boolean }, simTimeUs: number): void {
      if (!open || signals.dtr === undefined) return;
      dtrSet = signals.dtr;
      updateMotor(simTimeUs);
    },
    advance(toUs: number, world: SimWorldView): TimedBytes[] {
      if (!open) return [];
      const out: TimedBytes[] = [];
      while (outbox.length > 0 && (outbox[0] as TimedBytes).simTimeUs <= toUs) out.push(outbox.shift() as TimedBytes);
      sampleUpTo(toUs, world, out);
      out.sort((a, b) => a.simTimeUs - b.simTimeUs);
      return out;
    },
    setSensorHealth(next: RplidarHealth, healthOptions: { survivesReset?: boolean } = {}): void {
      health = { ...next };
      protectionStop = next.status === 'error';
      errorSurvivesReset = protectionStop && (healthOptions.survivesReset ?? false);
      if (protectionStop) leaveScan();
    },
    motorOn(): boolean {
      return motorStableAtUs !== undefined;
    },
    isScanning(): boolean {
      return scanning;
    },
    requestLog(): readonly number[] {
      return requestCommands;
    },
  };
}
