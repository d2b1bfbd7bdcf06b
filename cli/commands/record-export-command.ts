import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { resolveParams } from '../../config/param-values.js';
import { loadRuntimeConfigFile } from '../../config/runtime-config-file.js';
import { recordedRowCount, recordedRun } from '../../comms/ledger/recorded-run.js';
import { decodeTelemetry } from '../../comms/ledger/telemetry-payloads.js';
import { openSqlite } from '../../comms/ledger/sqlite-driver.js';
import { McapRecording } from '../../comms/foxglove/mcap-recording.js';
import { UsageError } from '../usage-error.js';

/** An append-only file as `@mcap/core` writes to it. */
function fileWritable(fd: number): { write(buffer: Uint8Array): Promise<void>; position(): bigint } {
  let offset = 0n;
  return {
    write: (buffer) => {
      let done = 0;
      while (done < buffer.length) done += writeSync(fd, buffer, done, buffer.length - done);
      offset += BigInt(buffer.length);
      return Promise.resolve();
    },
    position: () => offset,
  };
}

/** A `--since`/`--until` time (ISO 8601) as microseconds since the epoch. */
function readTime(option: '--since' | '--until', text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new UsageError(`${option}: "${text}" is not a time (e.g. 2026-01-31T12:00:00Z)`);
  return ms * 1000;
}

/** Below this many rows an export says only what it wrote; above, it reports its progress every tenth. */
const PROGRESS_MIN_ROWS = 20_000;

/**
 * `spinal record export --format mcap [--out FILE] [--ledger PATH] [--since TIME] [--until TIME]
 * [--config FILE]`: writes the recorded run the ledger holds (every event, its log line, the reflex
 * trips' black boxes, and the recorded telemetry: pose, motion, scans, path, reflex state,
 * footprint, map) as an MCAP file Foxglove opens. Opens the ledger read-only, so it works beside a
 * running robot.
 */
export async function runRecordExport(options: {
  format: string | undefined;
  out: string | undefined;
  ledger: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  config: string | undefined;
  err: { write(text: string): boolean };
}): Promise<number> {
  if (options.format !== 'mcap') {
    throw new UsageError(
      options.format === undefined
        ? '--format mcap is needed (the only format)'
        : `--format: "${options.format}" is not a known format (mcap)`,
    );
  }
  const sinceUs = readTime('--since', options.since);
  const untilUs = readTime('--until', options.until);
  const params = resolveParams({
    config: options.config === undefined ? undefined : loadRuntimeConfigFile(options.config),
    env: process.env,
  });
  const path = options.ledger ?? params['ledger.path'];
  if (path === ':memory:' || !existsSync(path)) {
    options.err.write(`spinal record export: no ledger at "${path}" (--ledger PATH, or ledger.path)\n`);
    return 1;
  }
  const out = options.out ?? 'spinal-record.mcap';
  const db = openSqlite(path, { readonly: true });
  const fd = openSync(out, 'w');
  try {
    const recording = await McapRecording.start(fileWritable(fd), params['robot.id']);
    const total = recordedRowCount(db);
    let read = 0;
    let undecodable = 0;
    let tenths = 0;
    for (const item of recordedRun(db, { sinceUs, untilUs })) {
      read += 1;
      if (item.kind === 'event') {
        await recording.addEvent(item.row, item.logTimeUs);
      } else {
        const sample = decodeTelemetry(item.row.topic, item.row.payload, item.row.atUs);
        if (sample) await recording.addTelemetry(sample, item.logTimeUs);
        else undecodable += 1;
      }
      if (total >= PROGRESS_MIN_ROWS && Math.floor((10 * read) / total) > tenths) {
        tenths = Math.floor((10 * read) / total);
        options.err.write(`spinal record export: ${10 * tenths} % (${read} of ${total} rows)\n`);
      }
    }
    await recording.end();
    const counts = Object.entries(recording.counts()).map(([topic, n]) => `${topic} ${n}`);
    const skipped = undecodable > 0 ? `; ${undecodable} telemetry rows not understood, skipped` : '';
    options.err.write(`spinal record export: wrote ${out} (${counts.join(', ') || 'nothing'})${skipped}\n`);
    return 0;
  } finally {
    closeSync(fd);
    db.close();
  }
}
