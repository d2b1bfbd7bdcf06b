import { McapWriter, type IWritable } from '@mcap/core';
import type { LedgerRow } from '../ledger/ledger.js';
import { FOXGLOVE_CHANNELS, type FoxgloveChannelRole } from './foxglove-channels.js';
import { blackBoxMessage, foxgloveTime, logMessage } from './foxglove-messages.js';

/** The topics a recorded run is written on: every event as it is, as a log line, and the trips' black boxes. */
const RECORDED_ROLES = ['event', 'log', 'blackBox'] as const satisfies readonly FoxgloveChannelRole[];
type RecordedRole = (typeof RECORDED_ROLES)[number];

/** Messages written per topic. */
export type RecordingCounts = Record<string, number>;

/**
 * A recorded run (the ledger's rows, oldest first) written as MCAP (`@mcap/core`, chunked and
 * indexed) with JSON messages and their schemas, so Foxglove opens it. Messages are stamped with
 * the wall time the ledger committed each event (a run may span several boots, each with its own
 * robot clock); a black-box line keeps its offset from its trip.
 */
export class McapRecording {
  private readonly writer: McapWriter;
  private readonly channelIds = new Map<RecordedRole, number>();
  private readonly sequences = new Map<RecordedRole, number>();
  private readonly encoder = new TextEncoder();

  private constructor(writable: IWritable) {
    this.writer = new McapWriter({ writable, useStatistics: true, useChunks: true, useSummaryOffsets: true });
  }

  static async start(writable: IWritable, robotId: string): Promise<McapRecording> {
    const recording = new McapRecording(writable);
    await recording.writer.start({ profile: '', library: `spinal ${robotId}` });
    for (const role of RECORDED_ROLES) {
      const spec = FOXGLOVE_CHANNELS[role];
      const schemaId = await recording.writer.registerSchema({
        name: spec.schemaName,
        encoding: 'jsonschema',
        data: recording.encoder.encode(spec.schema),
      });
      const channelId = await recording.writer.registerChannel({
        schemaId,
        topic: spec.topic,
        messageEncoding: 'json',
        metadata: new Map(),
      });
      recording.channelIds.set(role, channelId);
    }
    return recording;
  }

  private async write(role: RecordedRole, timeNs: bigint, message: object): Promise<void> {
    const sequence = (this.sequences.get(role) ?? 0) + 1;
    this.sequences.set(role, sequence);
    await this.writer.addMessage({
      channelId: this.channelIds.get(role) as number,
      sequence,
      logTime: timeNs,
      publishTime: timeNs,
      data: this.encoder.encode(JSON.stringify(message)),
    });
  }

  /** One ledger row: the event on `/ledger/events`, its line on `/events`, a trip's black box on `/reflex/black_box`. */
  async add(row: LedgerRow, robotId: string): Promise<void> {
    const { event } = row;
    const wallUs = row.wallMs * 1000;
    const wallNs = BigInt(Math.max(0, Math.round(row.wallMs))) * 1_000_000n;
    await this.write('event', wallNs, { ...event, wallTime: new Date(row.wallMs).toISOString(), bootId: row.bootId });
    await this.write('log', wallNs, { ...logMessage(event, robotId), timestamp: foxgloveTime(wallUs) });
    if (event.kind === 'reflex-trip') {
      for (const entry of event.blackBox) {
        const atUs = wallUs + (entry.tUs - event.atUs);
        const line = { ...blackBoxMessage(entry, event.seq), timestamp: foxgloveTime(atUs) };
        await this.write('blackBox', BigInt(Math.max(0, Math.round(atUs))) * 1000n, line);
      }
    }
  }

  /** Messages written so far, by topic. */
  counts(): RecordingCounts {
    return Object.fromEntries(
      RECORDED_ROLES.map((role) => [FOXGLOVE_CHANNELS[role].topic, this.sequences.get(role) ?? 0]),
    );
  }

  /** Writes the summary and index; the file is complete after this. */
  end(): Promise<void> {
    return this.writer.end();
  }
}
