import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { resolveParams } from '../../config/param-values.js';
import { loadRuntimeConfigFile } from '../../config/runtime-config-file.js';
import { readRows } from '../../comms/ledger/ledger.js';
import { openSqlite } from '../../comms/ledger/sqlite-driver.js';
import { McapRecording } from '../../comms/foxglove/mcap-recording.js';
import { UsageError } from '../usage-error.js';

/** Rows read per query (the export streams; memory stays flat whatever the ledger holds). */
const PAGE = 5_000;

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

/**
 * `spinal record export --format mcap [--out FILE] [--ledger PATH] [--config FILE]`: writes the
 * recorded run the ledger holds (every event, its log line, the reflex trips' black boxes) as an
 * MCAP file Foxglove opens. Opens the ledger read-only, so it works beside a running robot.
 */
export async function runRecordExport(options: {
  format: string | undefined;
  out: string | undefined;
  ledger: string | undefined;
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
    const robotId = params['robot.id'];
    const recording = await McapRecording.start(fileWritable(fd), robotId);
    let after = 0;
    for (;;) {
      const rows = readRows(db, after, PAGE);
      for (const row of rows) await recording.add(row, robotId);
      if (rows.length < PAGE) break;
      after = rows.at(-1)!.event.seq;
    }
    await recording.end();
    const counts = Object.entries(recording.counts()).map(([topic, n]) => `${topic} ${n}`);
    options.err.write(`spinal record export: wrote ${out} (${counts.join(', ')})\n`);
    return 0;
  } finally {
    closeSync(fd);
    db.close();
  }
}
