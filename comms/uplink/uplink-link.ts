import createDebug from 'debug';
import type { LedgerRow } from '../ledger/ledger.js';
import type { UplinkAcks } from '../ledger/uplink-acks.js';
import { Backoff } from '../../time/backoff.js';
import type { Hello, RobotFrame, Telemetry } from '../proto/generated/spinal/v1/uplink.generated.js';
import { runtimeEventToWire } from '../proto-adapters/runtime-event.js';
import { commandIdOf, supervisorCommandFromBytes, type SupervisorCommand } from '../proto-adapters/supervisor-frame.js';
import { linkMetadata, openUplinkClient, type RobotStream } from './grpc-link.js';
import { LinkStateMachine, type LinkState } from './link-state.js';
import type { UplinkSettings } from './uplink-settings.js';

const log = createDebug('spinal:comms:uplink');

/** The longest wait between attempts, ms: a supervisor back from an outage is found within it. */
const BACKOFF_MAX_MS = 5_000;

/** Events read from the ledger per page while sending: the most the link holds in memory for replay. */
export const REPLAY_PAGE = 1_024;

/** What the link needs from the robot: its ledger, its identity, its telemetry, and someone to carry out commands. */
export interface UplinkPorts {
  ledger: { rowsSince(after: number, limit: number): LedgerRow[]; lastSeq(): number; readonly bootId: string };
  acks: UplinkAcks;
  identity(): Pick<Hello, 'robotId' | 'board' | 'version' | 'capabilities'>;
  /** The latest telemetry, or null before the first status. */
  telemetry(): Telemetry | null;
  /** Carries out a command; resolves with whether it was accepted and why not. */
  command(command: Exclude<SupervisorCommand, { kind: 'event-ack' }>): Promise<{ accepted: boolean; reason: string }>;
}

/** The link's figures for status and `/metrics`. */
export interface UplinkStats {
  state: LinkState;
  /** Events committed but not acknowledged by the supervisor. */
  backlog: number;
  /** Events still to replay on this link (0 once live). */
  replayRemaining: number;
  ackedSeq: number;
  eventsSent: number;
  telemetrySent: number;
  /** Telemetry frames skipped because the link was backed up (events always go first). */
  telemetrySkipped: number;
  /** Supervisor frames refused (malformed, absurd), each answered with the reason. */
  framesRejected: number;
  connects: number;
}

/**
 * The robot's uplink: one `Link` stream at a time, opened and reopened through an explicit state
 * machine with the shared backoff. On every (re)connect it sends hello, waits for the supervisor's
 * EventAck (the last sequence it holds), replays the ledger from there in order, then sends each
 * event as it is committed; telemetry at `telemetryHz`, skipped while the stream is backed up.
 * Frames from the supervisor are decoded here; a bad one is refused with a reason, the link stays.
 */
export class UplinkLink {
  private readonly link = new LinkStateMachine();
  private readonly backoff = new Backoff({ maxMs: BACKOFF_MAX_MS });
  private client: ReturnType<typeof openUplinkClient> | null = null;
  private stream: RobotStream | null = null;
  private cursor = 0;
  /** Rows read from the ledger and not yet sent (all with `seq > cursor`), from `pageAt` on. */
  private page: LedgerRow[] = [];
  private pageAt = 0;
  private replayUntil = 0;
  private blocked = false;
  private acked: number;
  private retry: NodeJS.Timeout | null = null;
  private handshake: NodeJS.Timeout | null = null;
  private telemetryTimer: NodeJS.Timeout;
  private readonly counts = { eventsSent: 0, telemetrySent: 0, telemetrySkipped: 0, framesRejected: 0, connects: 0 };

  constructor(
    private readonly settings: UplinkSettings,
    private readonly ports: UplinkPorts,
  ) {
    this.acked = ports.acks.ackedSeq(settings.target);
    this.link.onChange((to, from, why) => log('%s -> %s (%s)', from, to, why));
    this.telemetryTimer = setInterval(() => this.sendTelemetry(), 1000 / settings.telemetryHz);
  }

  get state(): LinkState {
    return this.link.state;
  }

  start(): void {
    this.connect();
  }

  /** New events are committed: send them if the link is live. */
  committed(): void {
    this.pump();
  }

  stats(): UplinkStats {
    const last = this.ports.ledger.lastSeq();
    return {
      state: this.link.state,
      backlog: Math.max(0, last - this.acked),
      replayRemaining: this.link.state === 'ready' ? Math.max(0, this.replayUntil - this.cursor) : 0,
      ackedSeq: this.acked,
      ...this.counts,
    };
  }

  /** Called at every change of the link's state, with why. */
  onStateChange(listener: (to: LinkState, from: LinkState, why: string) => void): void {
    this.link.onChange(listener);
  }

  /** A new telemetry rate (a config update), frames a second: the next frame is one new period away. */
  setTelemetryHz(hz: number): void {
    clearInterval(this.telemetryTimer);
    if (this.link.state !== 'shutdown') this.telemetryTimer = setInterval(() => this.sendTelemetry(), 1000 / hz);
  }

  stop(): void {
    this.link.to('shutdown', 'stopping');
    clearInterval(this.telemetryTimer);
    this.close();
  }

  private connect(): void {
    if (!this.link.to('connecting', this.counts.connects === 0 ? 'start' : 'backoff over')) return;
    this.counts.connects += 1;
    const client = openUplinkClient(this.settings);
    const stream = client.link(linkMetadata(this.settings));
    this.client = client;
    this.stream = stream;
    this.blocked = false;
    stream.on('data', (bytes: Buffer) => this.onFrame(bytes));
    stream.on('error', (error: Error & { details?: string }) => this.fail(error.details ?? error.message));
    stream.on('end', () => this.fail('the supervisor ended the stream'));
    const { ledger } = this.ports;
    stream.write({
      frame: { $case: 'hello', value: { ...this.ports.identity(), bootId: ledger.bootId, lastAckedSeq: this.acked } },
    });
    const waitMs = 2 * (this.settings.keepaliveMs + this.settings.keepaliveTimeoutMs);
    this.handshake = setTimeout(() => this.fail(`no answer to hello within ${waitMs} ms`), waitMs);
  }

  private onFrame(bytes: Buffer): void {
    const read = supervisorCommandFromBytes(bytes);
    if (!read.ok) {
      this.counts.framesRejected += 1;
      log('refused a frame: %s', read.reason);
      this.write({
        frame: { $case: 'commandAck', value: { commandId: commandIdOf(bytes), accepted: false, reason: read.reason } },
      });
      return;
    }
    const command = read.value;
    if (command.kind === 'event-ack') {
      this.onAck(command.seq);
      return;
    }
    void this.ports.command(command).then(
      ({ accepted, reason }) =>
        this.write({ frame: { $case: 'commandAck', value: { commandId: command.commandId, accepted, reason } } }),
      (error: unknown) =>
        this.write({
          frame: {
            $case: 'commandAck',
            value: { commandId: command.commandId, accepted: false, reason: String(error) },
          },
        }),
    );
  }

  private onAck(seq: number): void {
    if (this.link.state === 'connecting') {
      // The answer to hello: replay from what the supervisor holds.
      if (this.handshake) clearTimeout(this.handshake);
      const last = this.ports.ledger.lastSeq();
      this.cursor = Math.min(seq, last);
      this.page = [];
      this.pageAt = 0;
      this.replayUntil = last;
      this.link.to('ready', `supervisor holds up to ${seq}; replaying ${last - this.cursor}`);
      this.backoff.reset();
    }
    if (seq > this.acked) {
      this.acked = seq;
      this.ports.acks.record(this.settings.target, seq);
    }
    this.pump();
  }

  private pump(): void {
    const stream = this.stream;
    if (this.link.state !== 'ready' || this.blocked || !stream) return;
    for (;;) {
      const row = this.nextRow();
      if (!row) return;
      this.cursor = row.event.seq;
      this.counts.eventsSent += 1;
      const frame: RobotFrame = {
        frame: {
          $case: 'event',
          value: { bootId: row.bootId, wallMs: row.wallMs, event: runtimeEventToWire(row.event) },
        },
      };
      if (!stream.write(frame)) {
        this.blocked = true;
        stream.once('drain', () => {
          this.blocked = false;
          this.pump();
        });
        return;
      }
    }
  }

  /** The next committed row after the cursor, read a page at a time; null when all are sent. */
  private nextRow(): LedgerRow | null {
    if (this.pageAt >= this.page.length) {
      this.page = this.ports.ledger.rowsSince(this.cursor, REPLAY_PAGE);
      this.pageAt = 0;
    }
    return this.page[this.pageAt++] ?? null;
  }

  private sendTelemetry(): void {
    if (this.link.state !== 'ready') return;
    const telemetry = this.ports.telemetry();
    if (!telemetry) return;
    if (this.blocked) {
      this.counts.telemetrySkipped += 1;
      return;
    }
    this.counts.telemetrySent += 1;
    this.write({ frame: { $case: 'telemetry', value: telemetry } });
  }

  private write(frame: RobotFrame): void {
    if (this.link.state !== 'ready' && this.link.state !== 'connecting') return;
    this.stream?.write(frame);
  }

  private fail(why: string): void {
    if (this.link.state === 'shutdown' || this.link.state === 'transient-failure') return;
    this.close();
    this.link.to('transient-failure', why);
    const delayMs = this.backoff.nextDelayMs();
    this.retry = setTimeout(() => this.connect(), delayMs);
  }

  private close(): void {
    if (this.retry) clearTimeout(this.retry);
    if (this.handshake) clearTimeout(this.handshake);
    const { stream, client } = this;
    this.stream = null;
    this.client = null;
    if (stream) {
      stream.removeAllListeners('data');
      stream.removeAllListeners('end');
      stream.removeAllListeners('error');
      stream.on('error', () => undefined);
      stream.cancel();
    }
    client?.close();
  }
}
