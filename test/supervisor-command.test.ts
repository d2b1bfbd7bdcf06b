import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SqliteSupervisorStore } from '../comms/supervisor/sqlite-supervisor-store.js';
import { cliEnv, runCli, startCli } from './harness/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'spinal-supervisor-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
});

/** A stack trace line, which no message to a person should carry. */
const STACK_LINE = /^\s+at /m;

/** `spinal supervisor ...` started; its output collected, with a wait for a pattern in it. */
function supervisor(args: string[]) {
  const child = startCli(['supervisor', ...args], { env: cliEnv() });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const until = async (pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(stdout);
      if (match) return match;
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no ${String(pattern)} in the output:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { child, until, stdout: () => stdout, stderr: () => stderr };
}

describe('spinal supervisor', () => {
  it.each([
    [['--listen', 'nowhere'], '--listen'],
    [['--listen', '127.0.0.1:70000'], '--listen'],
    [['--store', 'mysql://db/fleet'], '--store: "mysql://db/fleet" is neither sqlite:PATH nor postgres://'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--listen', '127.0.0.1:0', '--listen', '127.0.0.1:1'], '--listen is given more than once'],
    [['--missions', join(dir, 'no-such-plan.yaml')], 'no-such-plan.yaml'],
  ])('GIVEN %j THEN it exits 2 with a message naming the problem and no stack trace', async (args, expected) => {
    const result = await runCli(['supervisor', ...args], { env: cliEnv() });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(expected);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('GIVEN a missions file with a mission that cannot be THEN it exits 2 naming the file and the field', async () => {
    const plan = join(dir, 'bad-plan.yaml');
    writeFileSync(plan, 'missions:\n  - { robot: robot-1, id: m-1, drive: { vMps: 0.1, durationS: -5 } }\n');
    const result = await runCli(['supervisor', '--missions', plan, '--listen', '127.0.0.1:0'], { env: cliEnv() });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`${plan}: missions.0.drive.durationS`);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('GIVEN its port is taken THEN it exits 1 saying where it could not listen, with no stack trace', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const store = `sqlite:${join(dir, 'taken.db')}`;
      const result = await runCli(['supervisor', '--listen', `127.0.0.1:${port}`, '--store', store], { env: cliEnv() });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain(`spinal supervisor: cannot listen on 127.0.0.1:${port}`);
      expect(result.stderr).not.toMatch(STACK_LINE);
    } finally {
      taken.close();
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'GIVEN it listens on port 0 THEN it prints the port it got, and %s stops it with exit 0',
    async (signal) => {
      const s = supervisor(['--listen', '127.0.0.1:0', '--store', `sqlite:${join(dir, `idle-${signal}.db`)}`]);
      const [, port] = await s.until(/listening on 127\.0\.0\.1:(\d+), store /);
      expect(Number(port)).toBeGreaterThan(0);
      s.child.kill(signal);
      const [code] = (await once(s.child, 'exit')) as [number | null];
      expect(code, s.stderr()).toBe(0);
    },
  );

  it('GIVEN a missions file WHEN a simulated robot links up THEN it appears in the table, is assigned its mission and answers it accepted, its events are stored, and SIGINT stops the supervisor cleanly', async () => {
    const plan = join(dir, 'plan.yaml');
    writeFileSync(
      plan,
      'missions:\n  - { robot: robot-1, id: m-drive, drive: { vMps: 0.1, wRadps: 0.2, durationS: 60 } }\n',
    );
    const storePath = join(dir, 'fleet.db');
    const s = supervisor(['--listen', '127.0.0.1:0', '--missions', plan, '--store', `sqlite:${storePath}`]);
    const [, port] = await s.until(/listening on 127\.0\.0\.1:(\d+)/);

    const robot = startCli(['sim', '--speed', '1'], { env: cliEnv({ SPINAL_UPLINK_TARGET: `127.0.0.1:${port}` }) });
    children.push(robot);
    // The table's row for the robot: linked, driving the supervisor's mission (the scenario's own is a goto).
    await s.until(/^robot-1\s+up\s+sim\s+\S+\s+\S+(?: V)?\s+drive active\s+[1-9]\d*/m, 60_000);
    await s.until(/^robot-1: command 1 accepted$/m);
    robot.kill('SIGINT');
    await once(robot, 'exit');
    await s.until(/^robot-1\s+down\s/m);

    s.child.kill('SIGINT');
    const [code] = (await once(s.child, 'exit')) as [number | null];
    expect(code, s.stderr()).toBe(0);
    expect(s.stderr()).not.toMatch(STACK_LINE);

    const store = new SqliteSupervisorStore(storePath);
    await store.init();
    try {
      const events = await store.events('robot-1');
      expect(events.length).toBeGreaterThan(0);
      expect(events.some((e) => e.kind === 'mission' && e.payload.includes('"drive"'))).toBe(true);
    } finally {
      await store.close();
    }
  }, 120_000);
});
