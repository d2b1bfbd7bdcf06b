import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliEnv, startCli } from './harness/run-cli.js';

/** A live fleet run (until stopped), as many robots as the scenario holds, each robot's debug port announced. */
function startFleet(): { sim: ChildProcess; addresses: Promise<Map<string, string>>; stderr: () => string } {
  const sim = startCli(['sim', '--scenario', 'two-robots-passing', '--speed', '1', '--robot-processes'], {
    env: cliEnv({ SPINAL_MESH_ENABLED: 'false' }),
  });
  let text = '';
  const addresses = new Promise<Map<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the robots' debug ports were not announced: ${text}`)), 60_000);
    sim.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = new Map(
        [...text.matchAll(/debug port: http:\/\/([^/\s]+)\/api\/v1\/status \(([\w-]+)\)/g)].map((m) => [m[2]!, m[1]!]),
      );
      if (found.size === 2) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  return { sim, addresses, stderr: () => text };
}

/** Each robot's pid, from its own debug port's status. */
async function robotPids(addresses: Map<string, string>): Promise<Map<string, number>> {
  const pids = new Map<string, number>();
  for (const [id, address] of addresses) {
    const status = (await (await fetch(`http://${address}/api/v1/status`)).json()) as { robotId: string; pid: number };
    expect(status.robotId).toBe(id);
    pids.set(id, status.pid);
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once none of `pids` is alive any more (false if some still are after the bound). */
async function allGone(pids: Iterable<number>): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (![...pids].some(alive)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('fleets: each robot in a process of its own', () => {
  it(
    "GIVEN a live two-robot sim WHEN each robot's status is read THEN each reports its own process, " +
      'neither the other nor the simulator; AND WHEN the sim is sent SIGTERM THEN it ends and no robot process survives it',
    async () => {
      const { sim, addresses, stderr } = startFleet();
      const pids = await robotPids(await addresses);
      const [one, two] = [pids.get('robot-1')!, pids.get('robot-2')!];
      expect(one).toBeGreaterThan(0);
      expect(two).toBeGreaterThan(0);
      expect(one).not.toBe(two);
      expect([one, two]).not.toContain(sim.pid);
      expect(alive(one) && alive(two)).toBe(true);

      const end = exited(sim);
      sim.kill('SIGTERM');
      expect((await end).code, stderr()).toBe(0);
      expect(await allGone([one, two])).toBe(true);
    },
    90_000,
  );

  it('GIVEN a live two-robot sim WHEN the sim is killed outright (SIGKILL) THEN its robot processes end too (no orphans)', async () => {
    const { sim, addresses } = startFleet();
    const pids = await robotPids(await addresses);
    const end = exited(sim);
    sim.kill('SIGKILL');
    expect((await end).signal).toBe('SIGKILL');
    expect(await allGone(pids.values())).toBe(true);
  }, 90_000);

  it(
    "GIVEN a live two-robot sim WHEN one robot's process dies THEN the sim ends with an error naming that robot, " +
      'and the other robot process is stopped',
    async () => {
      const { sim, addresses, stderr } = startFleet();
      const pids = await robotPids(await addresses);
      const end = exited(sim);
      process.kill(pids.get('robot-2')!, 'SIGKILL');
      const { code } = await end;
      expect(code).toBe(1);
      expect(stderr()).toMatch(
        new RegExp(
          `the simulation failed: the process of robot robot-2 \\(pid ${pids.get('robot-2')}\\) died \\(signal SIGKILL\\)`,
        ),
      );
      expect(await allGone(pids.values())).toBe(true);
    },
    90_000,
  );
});
