import createDebug from 'debug';
import type { Cancel } from '../../../time/clock.js';
import { US_PER_MS } from '../../../time/clock.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { NO_PINS } from '../../device-wiring.js';
import { ResilientSerialPort } from '../../transport/serial/resilient-serial-port.js';
import { TransportError } from '../../transport/transport-error.js';
import type { RangeDevice } from '../api.js';
import {
  TFMINI_S_COMMAND,
  TFMINI_S_OUTPUT_FORMAT,
  TfminiSDecoder,
  frameRateCommand,
  outputEnableCommand,
  outputFormatCommand,
  payloadValue,
  type TfminiSCommandFrame,
  type TfminiSFrame,
} from './codec.js';
import { tfminiSSerialParamsSchema, type TfminiSSerialParams } from './params.js';
import { TfminiSRangeSensor, WATCHDOG_PERIOD_US, noDataTimeoutUs } from './range-sensor.js';

const log = createDebug('spinal:hal:tfmini-s');

const SERIAL_COMPATIBLE = 'benewake,tfmini-s';

/**
 * How long the serial driver waits for the answer to a command, milliseconds. The manual gives
 * 100 ms for a command to be processed (§5.6); on the UART the answer then follows at once.
 */
const COMMAND_REPLY_TIMEOUT_MS = 100;
/** Times a configuration command is sent before it counts as unconfirmed. */
const COMMAND_ATTEMPTS = 3;

/** One configuration command, what it sets in plain words, and how its answer confirms it. */
interface ConfigStep {
  what: string;
  id: number;
  bytes: Uint8Array;
  confirms(answer: TfminiSCommandFrame): boolean;
}

function serialConfigSteps(frameRateHz: number): ConfigStep[] {
  return [
    {
      what: 'standard frames in cm',
      id: TFMINI_S_COMMAND.outputFormat,
      bytes: outputFormatCommand(TFMINI_S_OUTPUT_FORMAT.standardCm),
      confirms: (answer) => answer.payload[0] === TFMINI_S_OUTPUT_FORMAT.standardCm,
    },
    {
      what: `frame rate ${frameRateHz} Hz`,
      id: TFMINI_S_COMMAND.frameRate,
      bytes: frameRateCommand(frameRateHz),
      confirms: (answer) => payloadValue(answer.payload) === frameRateHz,
    },
    {
      what: 'output on',
      id: TFMINI_S_COMMAND.outputEnable,
      bytes: outputEnableCommand(true),
      confirms: (answer) => answer.payload[0] === 1,
    },
  ];
}

interface ReplyWaiter {
  id: number;
  settle(answer: TfminiSCommandFrame | undefined): void;
}

/**
 * A TFmini-S on a UART. At every (re)open it sends three commands, each up to three times until
 * the sensor echoes it: standard frames in cm, the configured frame rate, output on. Nothing is
 * saved to the sensor's flash: the settings are sent again after every reopen instead. Every data
 * frame becomes a {@link RangeReading}.
 *
 * Health: `starting` until the first valid frame after an open; `ok` while valid frames arrive;
 * `degraded` when frames arrive but the sensor did not confirm a setting; `failed` when the port
 * cannot be opened or goes away (the port reopens by itself with backoff) or when no valid frame
 * has come for 5 frame periods (at least 500 ms).
 */
class TfminiSSerialSensor extends TfminiSRangeSensor {
  readonly compatible = SERIAL_COMPATIBLE;

  private readonly params: TfminiSSerialParams;
  private readonly path: string;
  private readonly port: ResilientSerialPort;
  private readonly decoder = new TfminiSDecoder();
  private readonly timeoutUs: number;

  private running = false;
  private portState: 'opening' | 'up' | 'down' = 'opening';
  private downReason = '';
  /** Bumped on every open, outage and stop, so a configuration from an older connection stops. */
  private generation = 0;
  private configuring = false;
  private unconfirmed: string[] = [];
  private framesSinceOpen = 0;
  private lastGoodOrOpenUs = 0;
  private bytesReceived = 0;
  /** Bytes of valid answers to commands, which say nothing about the data frames. */
  private replyBytes = 0;
  /** Bytes received, answers left out, at the last good frame or open. */
  private bytesAtLastGoodOrOpen = 0;
  private noDataReason = '';
  private waiter: ReplyWaiter | undefined;
  private watchdog: Cancel | undefined;
  private readonly commandCounts = { commandsSent: 0, commandTimeouts: 0, unexpectedReplies: 0 };

  constructor(context: DeviceCreateContext<TfminiSSerialParams>) {
    super(context);
    if (context.bus.kind !== 'serial') {
      throw new Error(
        `device "${context.id}" (${SERIAL_COMPATIBLE}) needs a serial bus, got a ${context.bus.kind} bus`,
      );
    }
    this.params = context.params;
    this.path = context.bus.path;
    this.timeoutUs = noDataTimeoutUs(context.params.frameRateHz);
    this.port = new ResilientSerialPort({
      backend: context.backends.serial,
      path: this.path,
      baudRate: context.params.baudRate,
      clock: context.clock,
      onData: (bytes) => this.handleData(bytes),
      onOpen: () => this.handleOpen(),
      onDown: (reason) => this.handleDown(reason),
    });
  }

  /**
   * `frames`, `commandReplies`, `badChecksums`, `droppedBytes`, `bytesReceived` (decoding);
   * `commandsSent`, `commandTimeouts`, `unexpectedReplies` (configuration); `opens`,
   * `openFailures`, `unexpectedCloses`, `writeErrors` (the port); `readingsOk`, `weakSignal`,
   * `saturated`, `outOfRange` (readings by status).
   */
  counters(): Record<string, number> {
    const decoded = this.decoder.counters();
    return {
      frames: decoded.frames,
      commandReplies: decoded.commands,
      badChecksums: decoded.badChecksums,
      droppedBytes: decoded.droppedBytes,
      bytesReceived: this.bytesReceived,
      ...this.commandCounts,
      ...this.port.counters(),
      ...this.readingCounts,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.portState = 'opening';
    this.refreshHealth();
    this.watchdog = this.clock.every(WATCHDOG_PERIOD_US, () => this.checkDataFlow());
    await this.port.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.watchdog?.();
    this.watchdog = undefined;
    this.settleWaiter(undefined);
    this.configuring = false;
    await this.port.stop();
    this.refreshHealth();
  }

  private handleOpen(): void {
    const generation = ++this.generation;
    this.portState = 'up';
    this.downReason = '';
    this.decoder.reset();
    this.framesSinceOpen = 0;
    this.noDataReason = '';
    this.unconfirmed = [];
    this.lastGoodOrOpenUs = this.clock.nowUs();
    this.bytesAtLastGoodOrOpen = this.bytesReceived - this.replyBytes;
    this.refreshHealth();
    void this.configure(generation);
  }

  private handleDown(reason: string): void {
    this.generation++;
    this.portState = 'down';
    this.downReason = reason;
    this.configuring = false;
    this.settleWaiter(undefined);
    this.refreshHealth();
  }

  private handleData(bytes: Uint8Array): void {
    if (!this.running) return;
    this.bytesReceived += bytes.length;
    for (const message of this.decoder.push(bytes)) {
      if (message.kind === 'frame') {
        this.handleFrame(message.frame);
        continue;
      }
      this.replyBytes += message.command.payload.length + 4;
      if (this.waiter && this.waiter.id === message.command.id) this.settleWaiter(message.command);
      else this.commandCounts.unexpectedReplies++;
    }
  }

  private handleFrame(frame: TfminiSFrame): void {
    this.framesSinceOpen++;
    this.lastGoodOrOpenUs = this.clock.nowUs();
    this.bytesAtLastGoodOrOpen = this.bytesReceived - this.replyBytes;
    this.noDataReason = '';
    this.refreshHealth();
    this.emitFrame(frame);
  }

  /** Sends the configuration; settings the sensor does not confirm make the device degraded. */
  private async configure(generation: number): Promise<void> {
    this.configuring = true;
    const unconfirmed: string[] = [];
    for (const step of serialConfigSteps(this.params.frameRateHz)) {
      const confirmed = await this.exchange(step, generation);
      if (generation !== this.generation) return;
      if (!confirmed) unconfirmed.push(step.what);
    }
    this.configuring = false;
    this.unconfirmed = unconfirmed;
    if (unconfirmed.length > 0) log('%s: the sensor did not confirm %s', this.id, unconfirmed.join(', '));
    else log('%s: configured: frame rate %d Hz', this.id, this.params.frameRateHz);
    this.refreshHealth();
  }

  /** Sends one command until its answer arrives (at most {@link COMMAND_ATTEMPTS} times); true when it confirms. */
  private async exchange(step: ConfigStep, generation: number): Promise<boolean> {
    for (let attempt = 1; attempt <= COMMAND_ATTEMPTS; attempt++) {
      const answer = this.awaitReply(step.id);
      try {
        await this.port.write(step.bytes);
        this.commandCounts.commandsSent++;
      } catch (cause) {
        log('%s: %s: %s', this.id, step.what, TransportError.from(cause, 'write').message);
        this.settleWaiter(undefined);
        return false;
      }
      const reply = await answer;
      if (generation !== this.generation) return false;
      if (reply) return step.confirms(reply);
      this.commandCounts.commandTimeouts++;
    }
    return false;
  }

  /** Resolves with the next command frame of identifier `id`, or undefined after the reply timeout. */
  private awaitReply(id: number): Promise<TfminiSCommandFrame | undefined> {
    this.settleWaiter(undefined);
    return new Promise((resolve) => {
      let cancelTimer: Cancel = () => undefined;
      const waiter: ReplyWaiter = {
        id,
        settle: (answer) => {
          cancelTimer();
          if (this.waiter === waiter) this.waiter = undefined;
          resolve(answer);
        },
      };
      this.waiter = waiter;
      cancelTimer = this.clock.after(COMMAND_REPLY_TIMEOUT_MS * US_PER_MS, () => waiter.settle(undefined));
    });
  }

  private settleWaiter(answer: TfminiSCommandFrame | undefined): void {
    this.waiter?.settle(answer);
  }

  /** With the port open but no valid frame for a while, says so (and what may be wrong) without closing it. */
  private checkDataFlow(): void {
    if (this.portState !== 'up') return;
    const silentUs = this.clock.nowUs() - this.lastGoodOrOpenUs;
    if (silentUs < this.timeoutUs) return;
    const hint =
      this.bytesReceived - this.replyBytes > this.bytesAtLastGoodOrOpen
        ? `bytes arrive but none form a valid frame (is ${this.params.baudRate} baud right?)`
        : 'nothing arrives (is the sensor powered, and its TX wired to our RX?)';
    this.noDataReason = `no valid frame from ${this.path} for over ${Math.round(this.timeoutUs / US_PER_MS)} ms: ${hint}`;
    this.refreshHealth();
  }

  private refreshHealth(): void {
    if (!this.running) return this.setHealth('stopped', '');
    if (this.portState === 'opening') return this.setHealth('starting', `opening ${this.path}`);
    if (this.portState === 'down') return this.setHealth('failed', this.downReason);
    if (this.noDataReason) return this.setHealth('failed', this.noDataReason);
    if (this.framesSinceOpen === 0) return this.setHealth('starting', `${this.path} open, waiting for frames`);
    if (!this.configuring && this.unconfirmed.length > 0) {
      return this.setHealth('degraded', `the sensor did not confirm: ${this.unconfirmed.join(', ')}`);
    }
    this.setHealth('ok', '');
  }
}

/**
 * The Benewake TFmini-S single-beam lidar on a UART (115200 baud by default): streams 9-byte
 * frames at `frameRateHz`, each one a {@link RangeReading}. Board config: `compatible:
 * benewake,tfmini-s` on a `serial` bus.
 */
export const tfminiSSerialModel: DeviceModel<TfminiSSerialParams, RangeDevice> = {
  compatible: SERIAL_COMPATIBLE,
  kind: 'range',
  description: 'Benewake TFmini-S single-beam lidar, 0.1-12 m, UART 115200 baud, 9-byte frames at up to 1000 Hz',
  busKind: 'serial',
  address: 'none',
  pins: NO_PINS,
  paramsSchema: tfminiSSerialParamsSchema,
  create: (context) => new TfminiSSerialSensor(context),
};
