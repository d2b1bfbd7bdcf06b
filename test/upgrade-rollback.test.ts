import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installLayout } from '../cli/upgrade/install-layout.js';
import { readUpgradeEvents } from '../cli/upgrade/upgrade-event.js';
import { cliEnv, ROOT, runCli } from './harness/run-cli.js';

const FAKE_SYSTEMCTL = join(ROOT, 'test', 'fixtures', 'service', 'fake-systemctl.sh');

/** A stand-in binary: answers --version with `version`, otherwise runs the given shell body. */
function fakeBinary(file: string, version: string, body: string): void {
  writeFileSync(file, `#!/bin/sh\n[ "$1" = --version ] && { echo "spinal ${version}"; exit 0; }\n${body}\n`);
  chmodSync(file, 0o755);
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) {
    try {
      process.kill(Number(readFileSync(join(root, 'run', 'spinal.pid'), 'utf8')));
    } catch {
      // Already gone.
    }
    rmSync(root, { recursive: true, force: true });
  }
});

/** A scratch root with version 1.0.0 installed and running under the fake service manager. */
function installedRoot(): { root: string; layout: ReturnType<typeof installLayout>; old: string } {
  const root = mkdtempSync(join(tmpdir(), 'spinal-upgrade-'));
  roots.push(root);
  const layout = installLayout(root);
  mkdirSync(join(root, 'usr', 'local', 'bin'), { recursive: true });
  const old = '#!/bin/sh\n[ "$1" = --version ] && { echo "spinal 1.0.0"; exit 0; }\nexec sleep 60\n';
  writeFileSync(layout.binary, old);
  chmodSync(layout.binary, 0o755);
  return { root, layout, old };
}

function upgradeTo(root: string, file: string): ReturnType<typeof runCli> {
  const args = ['upgrade', file, '--root', root, '--systemctl', FAKE_SYSTEMCTL, '--timeout', '3', '--settle', '1'];
  return runCli(args, { env: cliEnv({ FAKE_SERVICE_ROOT: root }), timeoutMs: 30_000 });
}

describe('spinal upgrade', () => {
  it('GIVEN a new binary that exits at once WHEN upgraded THEN the previous one is put back, restarted, and the rollback is an event', async () => {
    const { root, layout, old } = installedRoot();
    const bad = join(root, 'spinal-bad');
    writeFileSync(bad, '#!/bin/sh\nexit 1\n');
    chmodSync(bad, 0o755);

    const result = await upgradeTo(root, bad);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('rolling back to 1.0.0');
    expect(readFileSync(layout.binary, 'utf8')).toBe(old);
    expect(readFileSync(layout.previous, 'utf8')).toBe(old);
    const log = readFileSync(join(root, 'run', 'systemctl.log'), 'utf8').split('\n');
    expect(log.filter((line) => line === 'restart spinal')).toHaveLength(2);
    const events = readUpgradeEvents(layout.upgradeEvents);
    expect(events).toEqual([
      expect.objectContaining({ seq: 1, kind: 'upgrade-rolled-back', fromVersion: '1.0.0', toVersion: 'unknown' }),
    ]);
    expect(events[0]!.reason).toContain('not healthy within 3 s');
  }, 40_000);

  it('GIVEN a new binary that crashes after a moment WHEN upgraded THEN it is rolled back too (it must stay healthy)', async () => {
    const { root, layout, old } = installedRoot();
    const flaky = join(root, 'spinal-flaky');
    fakeBinary(flaky, '2.0.0', 'sleep 0.3; exit 70');

    const result = await upgradeTo(root, flaky);

    expect(result.code).toBe(1);
    expect(readFileSync(layout.binary, 'utf8')).toBe(old);
    expect(readUpgradeEvents(layout.upgradeEvents).map((e) => [e.kind, e.toVersion])).toEqual([
      ['upgrade-rolled-back', '2.0.0'],
    ]);
  }, 40_000);

  it('GIVEN a new binary that stays up WHEN upgraded THEN it is kept, the old one is spinal.previous, and the event says so', async () => {
    const { root, layout, old } = installedRoot();
    const good = join(root, 'spinal-good');
    fakeBinary(good, '2.0.0', 'exec sleep 60');

    const result = await upgradeTo(root, good);

    expect(result.code).toBe(0);
    expect(readFileSync(layout.binary, 'utf8')).toBe(readFileSync(good, 'utf8'));
    expect(readFileSync(layout.previous, 'utf8')).toBe(old);
    expect(readUpgradeEvents(layout.upgradeEvents)).toEqual([
      expect.objectContaining({ seq: 1, kind: 'upgrade-installed', fromVersion: '1.0.0', toVersion: '2.0.0' }),
    ]);
  }, 40_000);

  it('GIVEN no FILE WHEN upgrade runs THEN it is a usage error', async () => {
    const result = await runCli(['upgrade']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('exactly one FILE');
  });
});
