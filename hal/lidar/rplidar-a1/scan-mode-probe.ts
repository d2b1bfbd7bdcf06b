import {
  RPLIDAR_SCAN_MODE_EXPRESS,
  RPLIDAR_SCAN_MODE_STANDARD,
  RplidarCommand,
  RplidarConfType,
  RplidarDataType,
  decodeRplidarConfValue,
  encodeRplidarConfRequestPayload,
  type RplidarDeviceInfo,
  type RplidarResponse,
} from './codec.js';

/** Firmware that answers GET_SAMPLERATE and EXPRESS_SCAN (Slamtec SDK `checkExpressScanSupported`: 1.17). */
const FIRMWARE_EXPRESS = (1 << 8) | 17;
/** Firmware that answers GET_LIDAR_CONF (Slamtec SDK `checkSupportConfigCommands`: 1.24). */
const FIRMWARE_LIDAR_CONF = (1 << 8) | 24;
/** Scan modes asked about at most (an A1 has 2, the A3 5). */
const MAX_MODES = 8;

/** How the scan will be started, and what the sensor said about it. */
export interface RplidarScanPlan {
  /** `express`: EXPRESS_SCAN and capsules; `standard`: SCAN and 5-byte nodes. */
  kind: 'express' | 'standard';
  /** The mode's name as the firmware gives it (`Standard`, `Express`), or the protocol's name for it. */
  modeName: string;
  /** The scan mode id. */
  modeId: number;
  /**
   * EXPRESS_SCAN's working mode byte: the mode id when the firmware describes its modes (as
   * Slamtec's SDK 2.x sends it), 0 for the legacy express scan of older firmware.
   */
  workingMode: number;
  /** Microseconds per sample the sensor reports; null when it cannot tell (firmware before 1.17). */
  usPerSample: number | null;
}

/** A request the probe wants sent. */
export interface RplidarProbeQuery {
  command: number;
  payload: Uint8Array;
}

/** What the probe learnt of one scan mode. */
interface ModeFacts {
  answerType?: number;
  usPerSample?: number;
  name?: string;
}

/**
 * Decides, from what the firmware answers, which scan to start: a pure state machine, no I/O.
 * It asks what Slamtec's SDK 2.x asks (`getAllSupportedScanModes`): on firmware ≥ 1.24 the scan
 * mode count, each mode's answer type and the typical mode through GET_LIDAR_CONF, then the chosen
 * mode's µs per sample and name; on 1.17 .. 1.23 GET_SAMPLERATE (the legacy express scan exists);
 * before that nothing. The chosen mode is the typical one when it streams express capsules (0x82),
 * else the first mode that does, else the standard SCAN. `preferExpress: false` chooses the
 * standard SCAN at once, asking nothing (its sample duration then stays unknown). When a query goes unanswered,
 * {@link RplidarScanModeProbe.unanswered} settles for the standard SCAN.
 */
export class RplidarScanModeProbe {
  private readonly firmware: number;
  private readonly queue: RplidarProbeQuery[] = [];
  private pending: RplidarProbeQuery | undefined;
  private readonly modes = new Map<number, ModeFacts>();
  private modeCount = 0;
  private typical: number | undefined;
  private chosen: number | undefined;
  private standardUs: number | null = null;
  private plan: RplidarScanPlan | undefined;

  constructor(
    info: RplidarDeviceInfo,
    private readonly preferExpress = true,
  ) {
    this.firmware = (info.firmwareMajor << 8) | info.firmwareMinor;
    if (!preferExpress) this.plan = standardPlan(null);
    else if (this.firmware >= FIRMWARE_LIDAR_CONF) this.queue.push(conf(RplidarConfType.SCAN_MODE_COUNT));
    else if (this.firmware >= FIRMWARE_EXPRESS)
      this.queue.push({ command: RplidarCommand.GET_SAMPLERATE, payload: new Uint8Array(0) });
    else this.plan = standardPlan(null);
  }

  /** The next request to send, or the plan once it is decided. */
  next(): RplidarProbeQuery | RplidarScanPlan {
    if (this.plan) return this.plan;
    this.pending = this.queue.shift();
    if (this.pending) return this.pending;
    this.plan = this.decide();
    return this.plan;
  }

  /**
   * An answer came. Returns true when it answers the pending query (then call `next()`); any other
   * response is not for the probe and changes nothing.
   */
  answer(response: RplidarResponse): boolean {
    const pending = this.pending;
    if (!pending) return false;
    if (response.kind === 'sample-rate' && pending.command === RplidarCommand.GET_SAMPLERATE) {
      this.pending = undefined;
      this.standardUs = response.sampleRate.standardUs || null;
      this.plan = {
        kind: 'express',
        modeName: 'Express',
        modeId: RPLIDAR_SCAN_MODE_EXPRESS,
        workingMode: 0,
        usPerSample: response.sampleRate.expressUs || null,
      };
      return true;
    }
    if (response.kind !== 'conf' || pending.command !== RplidarCommand.GET_LIDAR_CONF) return false;
    const asked = pending.payload;
    const askedType = (asked[0] as number) | ((asked[1] as number) << 8);
    const askedMode = asked.length >= 6 ? (asked[4] as number) | ((asked[5] as number) << 8) : 0;
    if (response.conf.type !== askedType) return false;
    this.pending = undefined;
    this.learn(askedType, askedMode, decodeRplidarConfValue(response.conf));
    return true;
  }

  /** The pending query timed out: the standard SCAN, with what is known of it. */
  unanswered(): RplidarScanPlan {
    this.pending = undefined;
    this.queue.length = 0;
    this.plan = standardPlan(this.standardUs ?? this.modes.get(RPLIDAR_SCAN_MODE_STANDARD)?.usPerSample ?? null);
    return this.plan;
  }

  private learn(type: number, modeId: number, value: number | string | undefined): void {
    const facts = this.modes.get(modeId) ?? {};
    this.modes.set(modeId, facts);
    switch (type) {
      case RplidarConfType.SCAN_MODE_COUNT: {
        this.modeCount = Math.min(MAX_MODES, typeof value === 'number' ? value : 0);
        this.queue.push(conf(RplidarConfType.TYPICAL));
        for (let id = 0; id < this.modeCount; id++) this.queue.push(conf(RplidarConfType.ANS_TYPE, id));
        return;
      }
      case RplidarConfType.TYPICAL:
        if (typeof value === 'number') this.typical = value;
        return;
      case RplidarConfType.ANS_TYPE:
        if (typeof value === 'number') facts.answerType = value;
        if (this.queue.length === 0) this.choose();
        return;
      case RplidarConfType.US_PER_SAMPLE:
        if (typeof value === 'number') facts.usPerSample = value;
        return;
      case RplidarConfType.NAME:
        if (typeof value === 'string') facts.name = value;
        return;
    }
  }

  /** Every answer type is known: pick the mode, then ask its sample duration and name. */
  private choose(): void {
    const isExpress = (id: number): boolean => this.modes.get(id)?.answerType === RplidarDataType.MEASUREMENT_CAPSULED;
    const candidates = Array.from({ length: this.modeCount }, (_, id) => id).filter(isExpress);
    this.chosen =
      this.typical !== undefined && isExpress(this.typical)
        ? this.typical
        : (candidates[0] ?? RPLIDAR_SCAN_MODE_STANDARD);
    this.queue.push(conf(RplidarConfType.US_PER_SAMPLE, this.chosen), conf(RplidarConfType.NAME, this.chosen));
  }

  private decide(): RplidarScanPlan {
    const id = this.chosen ?? RPLIDAR_SCAN_MODE_STANDARD;
    const facts = this.modes.get(id) ?? {};
    if (id === RPLIDAR_SCAN_MODE_STANDARD || facts.answerType !== RplidarDataType.MEASUREMENT_CAPSULED) {
      const plan = standardPlan(this.modes.get(RPLIDAR_SCAN_MODE_STANDARD)?.usPerSample ?? null);
      return facts.name && id === RPLIDAR_SCAN_MODE_STANDARD ? { ...plan, modeName: facts.name } : plan;
    }
    return {
      kind: 'express',
      modeName: facts.name ?? 'Express',
      modeId: id,
      workingMode: id,
      usPerSample: facts.usPerSample ?? null,
    };
  }
}

function conf(type: number, modeId?: number): RplidarProbeQuery {
  return { command: RplidarCommand.GET_LIDAR_CONF, payload: encodeRplidarConfRequestPayload(type, modeId) };
}

function standardPlan(usPerSample: number | null): RplidarScanPlan {
  return {
    kind: 'standard',
    modeName: 'Standard',
    modeId: RPLIDAR_SCAN_MODE_STANDARD,
    workingMode: 0,
    usPerSample,
  };
}
