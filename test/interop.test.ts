import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimReport } from '../simulator/report.js';
import { cliEnv, ROOT, runCli } from './harness/run-cli.js';

/** Debian's interpreter, where python3-grpcio and python3-grpc-tools install (not a pyenv on PATH). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(ROOT, 'test', 'interop', 'supervisor.py');
const hasGrpc = spawnSync(PYTHON, ['-c', 'import grpc, grpc_tools'], { stdio: 'ignore' }).status === 0;
if (process.env.CI === 'true' && !hasGrpc) throw new Error(`CI=true but ${PYTHON} has no grpc / grpc_tools`);

const dir = mkdtempSync(join(tmpdir(), 'spinal-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Line = Record<string, unknown> & { t: string };

describe('an independent supervisor (Python grpcio, from the .proto files alone)', () => {
  it.skipIf(!hasGrpc)(
    "receives hello, telemetry and events, and sends a mission that preempts the scenario's: the robot drives there, then finishes its own",
    async () => {
      const goal = { xM: 2.5, yM: 4.5 };
      const python = spawn(PYTHON, [SCRIPT, join(ROOT, 'comms', 'proto'), String(goal.xM), String(goal.yM)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines: Line[] = [];
      const listening = new Promise<number>((resolve) => {
        createInterface({ input: python.stdout }).on('line', (text) => {
          const line = JSON.parse(text) as Line;
          lines.push(line);
          if (line.t === 'listening') resolve(line.port as number);
        });
      });
      try {
        const port = await listening;
        const report = join(dir, 'report.json');
        // GIVEN the default scenario (its own goal 5 m east, at (6, 3)) WHEN the supervisor sends (2.5, 4.5) at priority 80
        const result = await runCli(['sim', '--headless', '--speed', '4', '--duration', '40', '--report', report], {
          env: cliEnv({ SPINAL_UPLINK_TARGET: `127.0.0.1:${port}` }),
          timeoutMs: 90_000,
        });
        expect(result.code, result.stderr).toBe(0);
        const hello = lines.find((l) => l.t === 'hello');
        expect(hello).toMatchObject({ robotId: 'robot-1', lastAckedSeq: 0 });
        expect(lines.some((l) => l.t === 'telemetry' && l.hasPose === true)).toBe(true);
        const events = lines.filter((l) => l.t === 'event');
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
        expect(events.some((e) => e.body === 'device_health')).toBe(true);
        expect(lines.find((l) => l.t === 'ack')).toMatchObject({ commandId: 42, accepted: true });
        // THEN the robot drove to the supervisor's goal first (it preempted the scenario's mission)
        const telemetry = lines.filter((l) => l.t === 'telemetry' && l.hasPose === true);
        const there = telemetry.findIndex(
          (l) => Math.hypot((l.xM as number) - goal.xM, (l.yM as number) - goal.yM) < 0.3,
        );
        expect(there).toBeGreaterThanOrEqual(0);
        // AND then resumed its own and reached the scenario's goal
        const parsed = JSON.parse(readFileSync(report, 'utf8')) as SimReport;
        expect(parsed.robots[0]!.goalReached).toBe(true);
        const last = telemetry.at(-1)!;
        expect(Math.hypot((last.xM as number) - 6, (last.yM as number) - 3)).toBeLessThan(0.3);
      } finally {
        python.kill('SIGKILL');
      }
    },
    120_000,
  );
});
