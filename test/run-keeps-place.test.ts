import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keptPosePath } from '../cortex/world-model/kept-place.js';
import { cliEnv, ROOT, startCli } from './harness/run-cli.js';

const BOARD = join(ROOT, 'board-configs', 'rpi4-ld06-motorhat.yaml');
const dir = mkdtempSync(join(tmpdir(), 'spinal-run-place-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `spinal run` in `dir` (no hardware: its devices fail and retry), stopped with SIGTERM once it is up. */
async function runUntilStopped(): Promise<{ code: number | null; output: string }> {
  const child = startCli(['run', '--board', BOARD], { cwd: dir, env: cliEnv() });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const closed = once(child, 'close');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`spinal run did not come up: ${output}`)), 30_000);
    const check = (): void => {
      if (output.includes('Ctrl-C to stop')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
  });
  // A few cortex cycles, so it has placed the robot and reported its pose.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  child.kill('SIGTERM');
  const [code] = (await closed) as [number | null];
  return { code, output };
}

describe('spinal run keeps the robot’s place across restarts', () => {
  const mapPath = join(dir, 'spinal-map.yaml');

  it('writes the map it built and its pose on SIGTERM, and starts the next run from that pose', async () => {
    // GIVEN a first run with nothing kept: the robot starts at the origin
    const first = await runUntilStopped();
    expect(first.code).toBe(0);
    expect(existsSync(mapPath)).toBe(true);
    const kept = JSON.parse(readFileSync(keptPosePath(mapPath), 'utf8')) as { map: string; pose: unknown };
    expect(kept).toMatchObject({ map: 'built', pose: { xM: 0, yM: 0, yawRad: 0 } });

    // WHEN the robot was somewhere else when it stopped (as a run that drove would have kept it)
    writeFileSync(keptPosePath(mapPath), JSON.stringify({ ...kept, pose: { xM: 3.25, yM: -1.5, yawRad: 1 } }));
    const second = await runUntilStopped();

    // THEN the next run starts there: the pose it keeps is the one it was given, not the origin
    expect(second.code).toBe(0);
    expect(second.output).not.toContain('place-memory');
    const again = JSON.parse(readFileSync(keptPosePath(mapPath), 'utf8')) as { pose: unknown };
    expect(again.pose).toEqual({ xM: 3.25, yM: -1.5, yawRad: 1 });
  }, 90_000);
});
