import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRows } from '../comms/ledger/ledger.js';
import { openSqlite } from '../comms/ledger/sqlite-driver.js';
import { SqliteSupervisorStore } from '../comms/supervisor/sqlite-supervisor-store.js';
import { SupervisorServer } from '../comms/supervisor/supervisor-server.js';
import type { SimReport } from '../simulator/report.js';
import { cliEnv, runCli } from './harness/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'spinal-outage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OUTAGE_MS = 30_000;

describe('a supervisor outage', () => {
  it(`GIVEN a robot in the lidar-unplug scenario at real time WHEN its supervisor is stopped for ${OUTAGE_MS / 1000} s and restarted THEN every event arrives exactly once and in order, and the mission went on`, async () => {
    const storePath = join(dir, 'supervisor.db');
    const ledgerPath = join(dir, 'robot.db');
    const reportPath = join(dir, 'report.json');
    let store = new SqliteSupervisorStore(storePath);
    await store.init();
    let supervisor = new SupervisorServer(store);
    const port = await supervisor.listen('127.0.0.1:0');
    const env = cliEnv({
      SPINAL_UPLINK_TARGET: `127.0.0.1:${port}`,
      SPINAL_LEDGER_PATH: ledgerPath,
      SPINAL_UPLINK_KEEPALIVE_MS: '1000',
    });
    const run = runCli(
      ['sim', '--headless', '--speed', '1', '--scenario', 'lidar-unplug', '--duration', '45', '--report', reportPath],
      { env, timeoutMs: 120_000 },
    );
    // The supervisor goes away 2 s in, through the unplug at 4 s and the replug at 7 s.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await supervisor.stop();
    await store.close();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    store = new SqliteSupervisorStore(storePath);
    await store.init();
    supervisor = new SupervisorServer(store);
    await supervisor.listen(`127.0.0.1:${port}`);
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    // THEN the robot kept on: the goal was reached, the mission never aborted
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as SimReport;
    expect(report.robots[0]!.missionState).toBe('succeeded');
    // AND the supervisor holds the robot's whole ledger, once each, in order
    const db = openSqlite(ledgerPath, { readonly: true });
    const ledger = readRows(db, 0, 1e9).map((row) => row.event.seq);
    db.close();
    const deadline = Date.now() + 10_000;
    let held = await store.events('robot-1');
    while (held.length < ledger.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      held = await store.events('robot-1');
    }
    const robotView = supervisor.robots().find((r) => r.robotId === 'robot-1');
    await supervisor.stop();
    await store.close();
    // Events committed while the robot shut down may not have been sent; everything before is there.
    const sent = held.map((e) => e.seq);
    expect(sent).toEqual(ledger.slice(0, sent.length));
    expect(sent.length).toBeGreaterThan(0);
    expect(ledger.slice(sent.length).every((seq) => seq > (held.at(-1)?.seq ?? 0))).toBe(true);
    // including what happened during the outage: the lidar failing at 4 s and coming back at 7 s
    expect(held.some((e) => e.kind === 'deviceHealth' && e.payload.includes('"to":"failed"'))).toBe(true);
    expect(robotView?.outOfOrder ?? 0).toBe(0);
  }, 150_000);
});
