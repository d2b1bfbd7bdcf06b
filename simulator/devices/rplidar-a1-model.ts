import createDebug from 'debug';
import {
  RPLIDAR_A1_BAUD_RATE,
  RPLIDAR_HEALTH_LENGTH,
  RPLIDAR_INFO_LENGTH,
  RPLIDAR_NODE_LENGTH,
  RPLIDAR_SCAN_MODE_EXPRESS,
  RPLIDAR_SCAN_MODE_STANDARD,
  RplidarCommand,
  RplidarConfType,
  RplidarDataType,
  RplidarRequestDecoder,
  RplidarSendMode,
  encodeRplidarConfAnswer,
  encodeRplidarDescriptor,
  encodeRplidarDeviceInfo,
  encodeRplidarHealth,
  encodeRplidarSampleRate,
  encodeRplidarScanNode,
  parseRplidarConfRequestPayload,
  type RplidarConfValue,
  type RplidarDeviceInfo,
  type RplidarHealth,
  RPLIDAR_A1_MAX_RANGE_M,
  RPLIDAR_A1_MIN_RANGE_M,
} from '../../hal/lidar/rplidar-a1/codec.js';
import {
  RPLIDAR_CAPSULE_LENGTH,
  RPLIDAR_SAMPLES_PER_CAPSULE,
  encodeRplidarCapsule,
} from '../../hal/lidar/rplidar-a1/express-codec.js';
import type { RplidarA1Params } from '../../hal/lidar/rplidar-a1/params.js';
import { lidarBeamDropped } from '../imperfections.js';
import type { SimSerialDevice, SimWorldView, TimedBytes } from './sim-device.js';

const log = createDebug('spinal:sim:rplidar-a1');

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
/** Firmware from which GET_SAMPLERATE and EXPRESS_SCAN are answered (Slamtec SDK: express scan needs 1.17). */
const FIRMWARE_EXPRESS = (1 << 8) | 17;
/** Firmware from which GET_LIDAR_CONF is answered (Slamtec SDK `checkSupportConfigCommands`: 1.24). */
const FIRMWARE_LIDAR_CONF = (1 << 8) | 24;

/** One scan mode as GET_LIDAR_CONF describes it. */
export interface RplidarA1SimScanMode {
  name: string;
  /** Microseconds per sample. */
  usPerSample: number;
  /** Farthest range, metres. */
  maxDistanceM: number;
  /** The answer type its stream uses (0x81 nodes, 0x82 express capsules). */
  answerType: number;
}

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
  /**
   * Measurements per second in the express scan. Default 4000 (A1M8 datasheet: 4 k samples/s in
   * express mode). At most 32 samples per 84-byte capsule through 115200 baud: 4388.
   */
  expressSamplesPerS?: number;
  /**
   * What GET_INFO answers. Default: model 0x18 (A1M8), firmware 1.29, hardware 7. The firmware
   * decides the requests answered: GET_SAMPLERATE and EXPRESS_SCAN from 1.17, GET_LIDAR_CONF from
   * 1.24; older firmware ignores them, as the real one does.
   */
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
  /** The scan being streamed: `standard` (SCAN, FORCE_SCAN) or `express` (EXPRESS_SCAN); null when idle. */
  scanKind(): 'standard' | 'express' | null;
  /** The scan modes GET_LIDAR_CONF reports, by id; the typical one is Express (id 1). */
  scanModes(): readonly RplidarA1SimScanMode[];
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
 * the driver's own codec. It answers GET_HEALTH, GET_INFO, GET_SAMPLERATE and GET_LIDAR_CONF
 * (scan mode count 2, typical mode 1; per mode: µs per sample, max distance 12 m, answer type,
 * name: 0 "Standard" 0x81, 1 "Express" 0x82) with a descriptor and the data, takes STOP and RESET
 * without answer (RESET reboots the core: 50 ms deaf, then a line of start-up text), on SCAN sends
 * the scan descriptor, then one 5-byte node per sample while the motor is up to speed (FORCE_SCAN:
 * without waiting for the speed), and on EXPRESS_SCAN with working mode 0 (the legacy express scan) or 1 (the Express mode's id, as
 * Slamtec's SDK 2.x sends it) the capsule descriptor,
 * then one 84-byte capsule per 32 samples (the first with the S bit). SET_MOTOR_PWM, express
 * working modes it does not have, and unknown commands are ignored without answer, as on the A1.
 * Any request ends a scan, as on the real sensor.
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
  const expressSamplesPerS = options.expressSamplesPerS ?? 4_000;
  const rangeNoiseM = options.rangeNoiseM ?? 0.005;
  const motorSpinUpUs = (options.motorSpinUpMs ?? 300) * 1_000;
  const nodesPerChunk = options.nodesPerChunk ?? 4;
  const info: RplidarDeviceInfo = options.info ?? {
    model: 0x18,
    firmwareMajor: 1,
    firmwareMinor: 29,
    hardware: 7,
    serialNumber: 'A1B8517E0D2C3B4A59687F8E9DACBDCE',
  };
  const byteUs = (BITS_PER_BYTE / RPLIDAR_A1_BAUD_RATE) * 1e6;
  const maxSamplesPerS = RPLIDAR_A1_BAUD_RATE / BITS_PER_BYTE / RPLIDAR_NODE_LENGTH;
  if (!(rotationHz > 0) || !Number.isFinite(rotationHz))
    throw new RangeError(`rotationHz must be > 0, got ${rotationHz}`);
  if (!(samplesPerS > 0) || !(samplesPerS <= maxSamplesPerS)) {
    throw new RangeError(`samplesPerS must be in (0, ${maxSamplesPerS}] at 115200 baud, got ${samplesPerS}`);
  }
  const maxExpressSamplesPerS =
    (RPLIDAR_A1_BAUD_RATE / BITS_PER_BYTE / RPLIDAR_CAPSULE_LENGTH) * RPLIDAR_SAMPLES_PER_CAPSULE;
  if (!(expressSamplesPerS > 0) || !(expressSamplesPerS <= maxExpressSamplesPerS)) {
    throw new RangeError(
      `expressSamplesPerS must be in (0, ${Math.floor(maxExpressSamplesPerS)}] at 115200 baud, got ${expressSamplesPerS}`,
    );
  }
  if (!(rangeNoiseM >= 0)) throw new RangeError(`rangeNoiseM must be >= 0, got ${rangeNoiseM}`);
  if (!(motorSpinUpUs >= 0)) throw new RangeError(`motorSpinUpMs must be >= 0, got ${options.motorSpinUpMs}`);
  if (!Number.isInteger(nodesPerChunk) || nodesPerChunk < 1) {
    throw new RangeError(`nodesPerChunk must be a whole number >= 1, got ${nodesPerChunk}`);
  }

  const firmware = (info.firmwareMajor << 8) | info.firmwareMinor;
  const modes: RplidarA1SimScanMode[] = [
    {
      name: 'Standard',
      usPerSample: 1e6 / samplesPerS,
      maxDistanceM: RPLIDAR_A1_MAX_RANGE_M,
      answerType: RplidarDataType.MEASUREMENT,
    },
    {
      name: 'Express',
      usPerSample: 1e6 / expressSamplesPerS,
      maxDistanceM: RPLIDAR_A1_MAX_RANGE_M,
      answerType: RplidarDataType.MEASUREMENT_CAPSULED,
    },
  ];
  const typicalMode = RPLIDAR_SCAN_MODE_EXPRESS;
  let samplePeriodUs = 1e6 / samplesPerS;
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
  let scanning: 'standard' | 'express' | null = null;
  /** FORCE_SCAN: measure without waiting for the motor to reach its speed. */
  let forced = false;
  /** Time of the next sample while scanning. */
  let nextSampleUs = 0;
  let previousAngleDeg: number | undefined;
  let burst: Uint8Array[] = [];
  /** The express capsule being filled: its first sample's angle, and distances so far. */
  let capsuleStartQ6 = 0;
  let capsuleDistancesMm: number[] = [];
  let firstCapsule = true;

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
      capsuleDistancesMm = [];
    }
  }

  function answer(simTimeUs: number, bytes: Uint8Array): void {
    outbox.push({ simTimeUs: Math.round(simTimeUs + ANSWER_LATENCY_US + bytes.length * byteUs), bytes });
    outbox.sort((a, b) => a.simTimeUs - b.simTimeUs);
  }

  function leaveScan(): void {
    scanning = null;
    forced = false;
    burst = [];
    previousAngleDeg = undefined;
    capsuleDistancesMm = [];
  }

  function single(simTimeUs: number, dataType: number, data: Uint8Array): void {
    const descriptor = encodeRplidarDescriptor({ length: data.length, sendMode: RplidarSendMode.SINGLE, dataType });
    answer(simTimeUs, concat([descriptor, data]));
  }

  /** The value GET_LIDAR_CONF answers for `type` (of scan mode `modeId`); undefined: not answered. */
  function confValue(type: number, modeId: number): RplidarConfValue | undefined {
    if (type === RplidarConfType.SCAN_MODE_COUNT) return modes.length;
    if (type === RplidarConfType.TYPICAL) return typicalMode;
    const mode = modes[modeId];
    if (!mode) return undefined;
    switch (type) {
      case RplidarConfType.US_PER_SAMPLE:
        return mode.usPerSample;
      case RplidarConfType.MAX_DISTANCE:
        return mode.maxDistanceM;
      case RplidarConfType.ANS_TYPE:
        return mode.answerType;
      case RplidarConfType.NAME:
        return mode.name;
      default:
        return undefined;
    }
  }

  /** Whether EXPRESS_SCAN's working mode starts capsules: 0 (legacy), or a mode id that streams them. */
  function expressWorkingMode(workingMode: number): boolean {
    if (workingMode === 0) return true;
    if (firmware < FIRMWARE_LIDAR_CONF) return false;
    return modes[workingMode]?.answerType === RplidarDataType.MEASUREMENT_CAPSULED;
  }

  function startStream(simTimeUs: number, kind: 'standard' | 'express', descriptor: Uint8Array): void {
    answer(simTimeUs, descriptor);
    scanning = kind;
    samplePeriodUs = 1e6 / (kind === 'express' ? expressSamplesPerS : samplesPerS);
    firstCapsule = true;
    nextSampleUs = Math.round(simTimeUs + ANSWER_LATENCY_US + descriptor.length * byteUs + samplePeriodUs);
  }

  function handleRequest(command: number, payload: Uint8Array, simTimeUs: number): void {
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
      case RplidarCommand.GET_SAMPLERATE:
        if (firmware < FIRMWARE_EXPRESS) break;
        single(
          simTimeUs,
          RplidarDataType.SAMPLE_RATE,
          encodeRplidarSampleRate({
            standardUs: Math.round(modes[RPLIDAR_SCAN_MODE_STANDARD]!.usPerSample),
            expressUs: Math.round(modes[RPLIDAR_SCAN_MODE_EXPRESS]!.usPerSample),
          }),
        );
        return;
      case RplidarCommand.GET_LIDAR_CONF: {
        const query = parseRplidarConfRequestPayload(payload);
        const value = query && firmware >= FIRMWARE_LIDAR_CONF ? confValue(query.type, query.modeId) : undefined;
        if (!query || value === undefined) break;
        single(simTimeUs, RplidarDataType.LIDAR_CONF, encodeRplidarConfAnswer(query.type, value));
        return;
      }
      case RplidarCommand.SCAN:
      case RplidarCommand.FORCE_SCAN:
        if (protectionStop) {
          log('%s: scan request ignored in protection stop', path);
          return;
        }
        startStream(
          simTimeUs,
          'standard',
          encodeRplidarDescriptor({
            length: RPLIDAR_NODE_LENGTH,
            sendMode: RplidarSendMode.MULTIPLE,
            dataType: RplidarDataType.MEASUREMENT,
          }),
        );
        forced = command === RplidarCommand.FORCE_SCAN;
        return;
      case RplidarCommand.EXPRESS_SCAN:
        // Working mode 0 is the legacy express scan; SDK 2.x sends the scan mode id instead (1, Express).
        if (firmware < FIRMWARE_EXPRESS || payload.length < 1 || !expressWorkingMode(payload[0] as number)) break;
        if (protectionStop) {
          log('%s: scan request ignored in protection stop', path);
          return;
        }
        startStream(
          simTimeUs,
          'express',
          encodeRplidarDescriptor({
            length: RPLIDAR_CAPSULE_LENGTH,
            sendMode: RplidarSendMode.MULTIPLE,
            dataType: RplidarDataType.MEASUREMENT_CAPSULED,
          }),
        );
        return;
      default:
        break;
    }
    log('%s: request 0x%s ignored', path, command.toString(16));
  }

  /** Distance to what the ray at sensor angle `angleDeg` hits, mm with noise; 0 when nothing is in range. */
  function rangeMm(angleDeg: number, world: SimWorldView): number {
    const pose = world.robotPose();
    const cosYaw = Math.cos(pose.yawRad);
    const sinYaw = Math.sin(pose.yawRad);
    const sensorXM = pose.xM + cosYaw * mountXM - sinYaw * mountYM;
    const sensorYM = pose.yM + sinYaw * mountXM + cosYaw * mountYM;
    const headingRad = pose.yawRad + (mountYawDeg - angleDeg) * DEG_TO_RAD;
    const hitM = world.raycast(sensorXM, sensorYM, headingRad, RPLIDAR_A1_MAX_RANGE_M);
    if (!(Number.isFinite(hitM) && hitM >= RPLIDAR_A1_MIN_RANGE_M && hitM <= RPLIDAR_A1_MAX_RANGE_M)) return 0;
    const imperfections = world.imperfections;
    if (imperfections && lidarBeamDropped(imperfections, hitM, RPLIDAR_A1_MAX_RANGE_M, world.random())) return 0;
    const noisyM = rangeNoiseM > 0 ? hitM + rangeNoiseM * gaussian(() => world.random()) : hitM;
    return Math.max(RPLIDAR_A1_MIN_RANGE_M * 1000, noisyM * 1000);
  }

  /** One SCAN node at `angleDeg` (1/64° steps); the start flag on the first node of a new turn. */
  function measureNode(angleDeg: number, world: SimWorldView): Uint8Array {
    const startFlag = previousAngleDeg !== undefined && angleDeg < previousAngleDeg;
    previousAngleDeg = angleDeg;
    const distanceMm = rangeMm(angleDeg, world);
    return encodeRplidarScanNode({ startFlag, quality: distanceMm > 0 ? RETURN_QUALITY : 0, angleDeg, distanceMm });
  }

  /** One express sample at `angleDeg`; returns the capsule it completes, if it does. */
  function measureSample(angleDeg: number, world: SimWorldView): Uint8Array | undefined {
    if (capsuleDistancesMm.length === 0) capsuleStartQ6 = Math.round(angleDeg * 64) % (360 * 64);
    capsuleDistancesMm.push(rangeMm(angleDeg, world));
    if (capsuleDistancesMm.length < RPLIDAR_SAMPLES_PER_CAPSULE) return undefined;
    const bytes = encodeRplidarCapsule({
      startFlag: firstCapsule,
      startAngleQ6: capsuleStartQ6,
      distancesMm: capsuleDistancesMm,
      angleOffsetsQ3: [],
    });
    firstCapsule = false;
    capsuleDistancesMm = [];
    return bytes;
  }

  /** The head's angle at `timeUs`: it turns from the moment the motor is up to speed (standing still before). */
  function headAngleDeg(timeUs: number, stableAtUs: number | undefined): number {
    if (stableAtUs === undefined || timeUs <= stableAtUs) return 0;
    return ((timeUs - stableAtUs) * degPerUs) % 360;
  }

  function sampleUpTo(toUs: number, world: SimWorldView, out: TimedBytes[]): void {
    if (scanning === null || protectionStop) return;
    if (motorStableAtUs === undefined && !forced) return;
    const stableAtUs = motorStableAtUs;
    for (;;) {
      if (!forced && stableAtUs !== undefined && nextSampleUs < stableAtUs) {
        nextSampleUs = Math.round(stableAtUs + samplePeriodUs);
      }
      if (nextSampleUs > toUs) return;
      const sampleUs = nextSampleUs;
      nextSampleUs = Math.round(sampleUs + samplePeriodUs);
      if (scanning === 'express') {
        const capsule = measureSample(headAngleDeg(sampleUs, stableAtUs), world);
        if (capsule) out.push({ simTimeUs: sampleUs, bytes: capsule });
        continue;
      }
      const angleDeg = Math.round(headAngleDeg(sampleUs, stableAtUs) * 64) / 64;
      burst.push(measureNode(angleDeg % 360, world));
      if (burst.length >= nodesPerChunk) {
        out.push({ simTimeUs: sampleUs, bytes: concat(burst) });
        burst = [];
      }
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
      for (const request of requests.push(bytes)) handleRequest(request.command, request.payload, simTimeUs);
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
      return scanning !== null;
    },
    requestLog(): readonly number[] {
      return requestCommands;
    },
    scanKind(): 'standard' | 'express' | null {
      return scanning;
    },
    scanModes(): readonly RplidarA1SimScanMode[] {
      return modes;
    },
  };
}
