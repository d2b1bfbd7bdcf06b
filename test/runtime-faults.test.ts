import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRows, type LedgerRow } from '../comms/ledger/ledger.js';
import { openSqlite } from '../comms/ledger/sqlite-driver.js';
import type { SimReport } from '../simulator/report.js';
import { cliEnv, ROOT, runCli } from './harness/run-cli.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'faults');
const dir = mkdtempSync(join(tmpdir(), 'spinal-runtime-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a fault scenario headless with its ledger in a file; returns the report and every ledger row. */
async function simulate(name: string): Promise<{ report: SimReport; rows: LedgerRow[]; output: string }> {
  const report = join(dir, `${name}.json`);
  const ledger = join(dir, `${name}.db`);
  const result = await runCli(['sim', '--headless', '--scenario', join(FIXTURES, `${name}.yaml`), '--report', report], {
    env: cliEnv({ SPINAL_LEDGER_PATH: ledger }),
    timeoutMs: 90_000,
  });
  expect(result.code, result.stderr).toBe(0);
  const db = openSqlite(ledger, { readonly: true });
  const rows = readRows(db, 0, Number.MAX_SAFE_INTEGER);
  const integrity = db.pragma('integrity_check', { simple: true });
  db.close();
  expect(integrity).toBe('ok');
  return { report: JSON.parse(readFileSync(report, 'utf8')) as SimReport, rows, output: result.stderr };
}

/** The sequence numbers run 1, 2, 3, ... with no gap and no repeat. */
function expectContiguous(rows: readonly LedgerRow[]): void {
  const seqs = rows.map((row) => row.event.seq);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
}

function missionRow(rows: readonly LedgerRow[], id: string, state: string): LedgerRow | undefined {
  return rows.find((row) => row.event.kind === 'mission' && row.event.id === id && row.event.state === state);
}

describe('runtime faults in the scenario schedule', () => {
  it('GIVEN the wall clock jumps 1 h forward at 2 s and back at 20 s WHEN the robot drives two goals THEN nothing trips, both missions finish, the sequence runs on and the wall times show both jumps', async () => {
    const { report, rows } = await simulate('clock-jump');
    const [robot] = report.robots;
    expect(robot!.reflexTrips).toEqual([]);
    expect(robot!.collisions).toBe(0);
    expect(robot!.missionState).toBe('succeeded');
    expect(report.eventsLost).toBe(0);
    expect(report.faults).toContainEqual({ device: 'clock', kind: 'clock-jump', atS: 2, clearedAtS: 20 });
    expectContiguous(rows);

    const firstStart = rows.find((row) => row.event.kind === 'mission' && row.event.state === 'active');
    const firstEnd = rows.find((row) => row.event.kind === 'mission' && row.event.state === 'succeeded');
    const secondEnd = missionRow(rows, 'back', 'succeeded');
    const ledgerText = JSON.stringify(rows.map((r) => r.event));
    expect(firstStart, ledgerText).toBeDefined();
    expect(firstEnd, ledgerText).toBeDefined();
    expect(secondEnd, ledgerText).toBeDefined();
    // Before the jump, within it, after it: wall time leaps an hour ahead, then comes back.
    expect(firstStart!.event.atUs).toBeLessThan(2e6);
    expect(firstEnd!.event.atUs).toBeGreaterThan(2e6);
    expect(firstEnd!.event.atUs).toBeLessThan(20e6);
    expect(firstEnd!.wallMs - firstStart!.wallMs).toBeGreaterThan(3_500_000);
    expect(secondEnd!.event.atUs).toBeGreaterThan(20e6);
    expect(secondEnd!.wallMs).toBeLessThan(firstEnd!.wallMs - 3_500_000);
    // The robot's own (monotonic) times never go back.
    const times = rows.map((row) => row.event.atUs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  }, 120_000);

  it('GIVEN the ledger disk full from 2 s to 8 s with the lidar unplugged in between WHEN the robot drives to its goal THEN safety events are written throughout, the others are written once there is room, and none is lost', async () => {
    const { report, rows } = await simulate('disk-full');
    const [robot] = report.robots;
    expect(robot!.collisions).toBe(0);
    expect(robot!.goalReached).toBe(true);
    expect(report.eventsLost).toBe(0);
    expect(report.faults).toContainEqual({ device: 'disk', kind: 'disk-full', atS: 2, clearedAtS: 8 });

    const notice = (which: string): LedgerRow | undefined =>
      rows.find((row) => row.event.kind === 'ledger-notice' && row.event.notice === which);
    const full = notice('disk-full');
    const ok = notice('disk-ok');
    const ledgerText = JSON.stringify(rows.map((r) => r.event));
    expect(full, ledgerText).toBeDefined();
    expect(ok, ledgerText).toBeDefined();
    expect(ok!.event.seq).toBeGreaterThan(full!.event.seq);
    expect(ok!.event.atUs).toBeGreaterThanOrEqual(8e6);
    // Making room deleted the oldest committed health events (retention's order), and said how many;
    // no safety or mission event is among them, and after them the sequence has no gap.
    const dropped = Number(
      / (\d+) older telemetry and health events dropped/.exec(
        full!.event.kind === 'ledger-notice' ? full!.event.detail : '',
      )?.[1],
    );
    const seqs = rows.map((row) => row.event.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1 + dropped));
    const missionStates = rows.flatMap((row) => (row.event.kind === 'mission' ? [row.event.state] : []));
    expect(missionStates[0]).toBe('queued');
    // The lidar's loss and return happened while the disk was full (3 s .. 4 s)...
    const lidarHealth = rows.filter((row) => row.event.kind === 'device-health' && row.event.device === 'lidar');
    const duringFull = lidarHealth.filter((row) => row.event.atUs >= 3e6 && row.event.atUs < 8e6);
    expect(duringFull.length).toBeGreaterThanOrEqual(2);
    // ...were held in memory, and written after the disk had room again, in the order they happened.
    for (const row of duringFull) expect(row.event.seq).toBeGreaterThan(ok!.event.seq);
    const heldTimes = duringFull.map((row) => row.event.atUs);
    expect(heldTimes).toEqual([...heldTimes].sort((a, b) => a - b));
    // The safety events of the outage were written while it lasted (before the disk had room).
    const trips = rows.filter(
      (row) => row.event.kind === 'reflex-trip' && row.event.atUs >= 3e6 && row.event.atUs < 8e6,
    );
    expect(trips.length).toBeGreaterThan(0);
    for (const row of trips) expect(row.event.seq).toBeLessThan(ok!.event.seq);
    // The mission's whole course is there.
    expect(rows.some((row) => row.event.kind === 'mission' && row.event.state === 'succeeded')).toBe(true);
  }, 120_000);

  it('GIVEN the robot process is killed with SIGKILL at 3 s WHEN the process supervisor restarts it 2 s later THEN it goes on to its goal from where its body was, and no committed event is lost', async () => {
    const { report, rows, output } = await simulate('kill');
    const [robot] = report.robots;
    expect(output).toContain('process killed (SIGKILL)');
    const kill = report.faults.find((f) => f.kind === 'kill');
    expect(kill).toMatchObject({ device: 'process', atS: 3 });
    // Ready once its successor's runtime was up: after the restart delay.
    expect(kill!.clearedAtS).toBeGreaterThanOrEqual(5);
    expect(robot!.collisions).toBe(0);
    expect(robot!.goalReached).toBe(true);
    expect(robot!.missionState).toBe('succeeded');
    expect(report.eventsLost).toBe(0);
    expectContiguous(rows);
    // Two boots on one ledger, the second going on where the first stopped.
    const boots = [...new Set(rows.map((row) => row.bootId))];
    expect(boots).toHaveLength(2);
    const firstOfSecond = rows.findIndex((row) => row.bootId === boots[1]);
    expect(rows.slice(firstOfSecond).every((row) => row.bootId === boots[1])).toBe(true);
  }, 120_000);

  it('GIVEN the power goes between a ledger write and its commit WHEN the process is restarted THEN the ledger file is intact, its sequence has no gap, no committed event is lost, and the robot reaches its goal', async () => {
    const { report, rows, output } = await simulate('power-loss');
    const [robot] = report.robots;
    expect(output).toContain('power loss armed');
    expect(output).not.toContain('wrote nothing since the power loss was armed');
    const cut = report.faults.find((f) => f.kind === 'power-loss');
    expect(cut).toMatchObject({ device: 'process', atS: 3 });
    expect(cut!.clearedAtS).toBeGreaterThanOrEqual(5);
    expect(robot!.collisions).toBe(0);
    expect(robot!.goalReached).toBe(true);
    expect(report.eventsLost).toBe(0);
    // integrity_check is asserted by simulate(); the sequence runs on across the cut.
    expectContiguous(rows);
    expect(new Set(rows.map((row) => row.bootId)).size).toBe(2);
  }, 120_000);
});
