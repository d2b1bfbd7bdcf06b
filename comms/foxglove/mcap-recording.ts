import { McapWriter, type IWritable } from '@mcap/core';
import type { LedgerRow } from '../ledger/ledger.js';
import type { TelemetrySample } from '../ledger/telemetry-payloads.js';
import { FOXGLOVE_CHANNELS, type FoxgloveChannelRole } from './foxglove-channels.js';
import {
  blackBoxMessage,
  footprintMessage,
  foxgloveTime,
  gridMessage,
  laserScanOfBins,
  logMessage,
  motionMessage,
  nanosOf,
  pathMessage,
  poseMessage,
  reflexStateMessage,
  transformMessage,
} from './foxglove-messages.js';

/** Messages written per topic. */
export type RecordingCounts = Record<string, number>;

/**
 * A recorded run written as MCAP (`@mcap/core`, chunked and indexed) with JSON messages and their
 * schemas, on the live server's topics, so Foxglove opens it. The caller gives each row its time
 * on the run's timeline (`recorded-run.ts`); it is the message's log time and its `timestamp`. A
 * topic's channel is written with its first message, so a run without telemetry has no telemetry
 * channels.
 */
export class McapRecording {
  private readonly writer: McapWriter;
  private readonly channelIds = new Map<FoxgloveChannelRole, number>();
  private readonly sequences = new Map<FoxgloveChannelRole, number>();
  private readonly encoder = new TextEncoder();

  private constructor(
    writable: IWritable,
    private readonly robotId: string,
  ) {
    this.writer = new McapWriter({ writable, useStatistics: true, useChunks: true, useSummaryOffsets: true });
  }

  static async start(writable: IWritable, robotId: string): Promise<McapRecording> {
    const recording = new McapRecording(writable, robotId);
    await recording.writer.start({ profile: '', library: `spinal ${robotId}` });
    return recording;
  }

  private async channel(role: FoxgloveChannelRole): Promise<number> {
    const known = this.channelIds.get(role);
    if (known !== undefined) return known;
    const spec = FOXGLOVE_CHANNELS[role];
    const schemaId = await this.writer.registerSchema({
      name: spec.schemaName,
      encoding: 'jsonschema',
      data: this.encoder.encode(spec.schema),
    });
    const channelId = await this.writer.registerChannel({
      schemaId,
      topic: spec.topic,
      messageEncoding: 'json',
      metadata: new Map(),
    });
    this.channelIds.set(role, channelId);
    return channelId;
  }

  private async write(role: FoxgloveChannelRole, timeUs: number, message: object): Promise<void> {
    const channelId = await this.channel(role);
    const sequence = (this.sequences.get(role) ?? 0) + 1;
    this.sequences.set(role, sequence);
    const timeNs = nanosOf(timeUs);
    await this.writer.addMessage({
      channelId,
      sequence,
      logTime: timeNs,
      publishTime: timeNs,
      data: this.encoder.encode(JSON.stringify(message)),
    });
  }

  /** One ledger event: as it is on `/ledger/events`, its line on `/events`, a trip's black box on `/reflex/black_box`. */
  async addEvent(row: LedgerRow, timeUs: number): Promise<void> {
    const { event } = row;
    await this.write('event', timeUs, { ...event, wallTime: new Date(row.wallMs).toISOString(), bootId: row.bootId });
    await this.write('log', timeUs, { ...logMessage(event, this.robotId), timestamp: foxgloveTime(timeUs) });
    if (event.kind === 'reflex-trip') {
      for (const entry of event.blackBox) {
        const atUs = timeUs + (entry.tUs - event.atUs);
        await this.write('blackBox', atUs, { ...blackBoxMessage(entry, event.seq), timestamp: foxgloveTime(atUs) });
      }
    }
  }

  /**
   * One telemetry row: a pose on `/pose`, `/tf` and `/motion`; a scan on `/scan`; the path on
   * `/path`; the reflex's state on `/reflex/state`; the footprint on `/footprint`; the grid on `/map`.
   */
  async addTelemetry(row: TelemetrySample, timeUs: number): Promise<void> {
    switch (row.topic) {
      case 'pose':
        await this.write('pose', timeUs, poseMessage(row.sample.pose, timeUs));
        await this.write('tf', timeUs, transformMessage(row.sample.pose, timeUs));
        await this.write('motion', timeUs, motionMessage(row.sample, timeUs));
        return;
      case 'scan':
        await this.write('scan', timeUs, laserScanOfBins({ ...row.sample, stampUs: timeUs }));
        return;
      case 'path':
        await this.write('path', timeUs, pathMessage(row.sample.path, timeUs));
        return;
      case 'reflex':
        await this.write('reflex', timeUs, reflexStateMessage(row.sample, timeUs));
        return;
      case 'footprint':
        await this.write('footprint', timeUs, footprintMessage(row.sample, timeUs));
        return;
      case 'map':
        await this.write('map', timeUs, gridMessage(row.sample, timeUs));
        return;
    }
  }

  /** Messages written so far, by topic, in the order the topics first appeared. */
  counts(): RecordingCounts {
    return Object.fromEntries(
      [...this.channelIds.keys()].map((role) => [FOXGLOVE_CHANNELS[role].topic, this.sequences.get(role) ?? 0]),
    );
  }

  /** Writes the summary and index; the file is complete after this. */
  end(): Promise<void> {
    return this.writer.end();
  }
}
