import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from './harness/run-cli.js';

const INSTALL = join(ROOT, 'scripts', 'install.sh');
const BOARD = join(ROOT, 'board-configs', 'rpi4-ld06-motorhat.yaml');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'service');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spinal-install-'));
  dirs.push(dir);
  return dir;
}

/** A stand-in binary that records how it was called (install.sh runs `spinal doctor` at the end). */
function fakeBinary(dir: string): string {
  const file = join(dir, 'spinal-linux-x64');
  writeFileSync(file, `#!/bin/sh\necho "$@" >> "${dir}/calls.log"\necho "doctor findings here"\nexit 1\n`);
  chmodSync(file, 0o755);
  return file;
}

function install(args: string[], env: NodeJS.ProcessEnv = process.env): ReturnType<typeof spawnSync> {
  return spawnSync('bash', [INSTALL, ...args], { encoding: 'utf8', env });
}

const lines = (file: string): string[] => readFileSync(file, 'utf8').trim().split('\n');

describe('scripts/install.sh', () => {
  it('GIVEN a scratch root WHEN installed THEN binary, board config, user, groups and unit are in place and doctor is shown', () => {
    const work = scratch();
    const root = join(work, 'root');
    const binary = fakeBinary(work);

    const result = install(['--binary', binary, '--board', BOARD, '--root', root]);

    expect(result.status).toBe(0);
    expect(statSync(join(root, 'usr/local/bin/spinal')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(root, 'etc/spinal/board.yaml'), 'utf8')).toBe(readFileSync(BOARD, 'utf8'));
    expect(lines(join(root, 'etc/passwd'))).toEqual([
      expect.stringMatching(/^spinal:x:\d+:\d+:[^:]*:\/var\/lib\/spinal:\/usr\/sbin\/nologin$/),
    ]);
    const group = lines(join(root, 'etc/group'));
    for (const name of ['dialout', 'i2c', 'gpio'])
      expect(group).toContainEqual(expect.stringMatching(`^${name}:x:\\d+:spinal$`));
    const unit = readFileSync(join(root, 'etc/systemd/system/spinal.service'), 'utf8');
    for (const line of [
      'Type=notify',
      'ExecStart=/usr/local/bin/spinal run --board /etc/spinal/board.yaml',
      'User=spinal',
      'Restart=on-failure',
      'WatchdogSec=10',
      'Nice=-10',
      'IOSchedulingClass=best-effort',
      'CacheDirectory=spinal',
      'StandardError=journal',
    ])
      expect(unit.split('\n')).toContain(line);
    expect(result.stdout).toContain('doctor findings here');
    expect(result.stdout).toContain('spinal doctor found what blocks spinal run');
    expect(lines(join(work, 'calls.log'))).toEqual([`doctor --board ${root}/etc/spinal/board.yaml`]);
  });

  it('GIVEN an install WHEN it runs again with a config file THEN nothing is duplicated and the unit passes the config', () => {
    const work = scratch();
    const root = join(work, 'root');
    const binary = fakeBinary(work);
    const config = join(work, 'site.yaml');
    writeFileSync(config, 'params: {}\n');
    install(['--binary', binary, '--board', BOARD, '--root', root]);

    const result = install(['--binary', binary, '--board', BOARD, '--root', root, '--config', config]);

    expect(result.status).toBe(0);
    expect(lines(join(root, 'etc/passwd'))).toHaveLength(1);
    expect(lines(join(root, 'etc/group'))).toHaveLength(4);
    expect(lines(join(root, 'etc/group')).filter((l) => l.startsWith('i2c:'))).toEqual([
      expect.stringMatching(/:spinal$/),
    ]);
    expect(readFileSync(join(root, 'etc/systemd/system/spinal.service'), 'utf8')).toContain(
      'ExecStart=/usr/local/bin/spinal run --board /etc/spinal/board.yaml --config /etc/spinal/config.yaml',
    );
  });

  it('GIVEN --host WHEN installed THEN the files go over scp and the script runs on the host', () => {
    const work = scratch();
    const root = join(work, 'root');
    const log = join(work, 'ssh.log');
    const env = {
      ...process.env,
      SPINAL_SSH: join(FIXTURES, 'fake-ssh.sh'),
      SPINAL_SCP: join(FIXTURES, 'fake-scp.sh'),
      FAKE_SSH_LOG: log,
    };

    const result = install(
      ['--binary', fakeBinary(work), '--board', BOARD, '--host', 'pi@robot-7', '--root', root],
      env,
    );

    expect(result.status).toBe(0);
    expect(readFileSync(join(root, 'etc/spinal/board.yaml'), 'utf8')).toBe(readFileSync(BOARD, 'utf8'));
    const calls = lines(log);
    expect(calls[0]).toMatch(/^ssh pi@robot-7 mktemp -d/);
    expect(calls[1]).toMatch(/^scp .*install\.sh .*spinal-linux-x64 .*rpi4-ld06-motorhat\.yaml pi@robot-7:/);
    expect(calls[2]).toMatch(/^ssh pi@robot-7 bash \/tmp\/spinal-install\.\w+\/install\.sh --binary/);
    expect(calls.at(-1)).toMatch(/^ssh pi@robot-7 rm -rf \/tmp\/spinal-install\./);
  });

  it('GIVEN a missing board file WHEN installed THEN it is a usage error and nothing is written', () => {
    const work = scratch();
    const result = install([
      '--binary',
      fakeBinary(work),
      '--board',
      join(work, 'nope.yaml'),
      '--root',
      join(work, 'root'),
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nope.yaml: no such file');
  });

  it('GIVEN the installed unit WHEN systemd-analyze verify checks it THEN it has nothing to say', (context) => {
    const available = spawnSync('systemd-analyze', ['--version']).status === 0;
    if (!available && process.env.CI === 'true') throw new Error('CI=true but systemd-analyze is not installed');
    if (!available) {
      context.skip();
      return;
    }
    const work = scratch();
    const root = join(work, 'root');
    install(['--binary', fakeBinary(work), '--board', BOARD, '--root', root]);
    // The unit names /usr/local/bin/spinal, which a scratch install does not create: point it there.
    const unit = join(work, 'spinal.service');
    const text = readFileSync(join(root, 'etc/systemd/system/spinal.service'), 'utf8');
    writeFileSync(unit, text.replaceAll('/usr/local/bin/spinal', join(root, 'usr/local/bin/spinal')));

    const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
