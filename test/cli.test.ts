import { describe, expect, it } from 'vitest';
import { runCli } from './harness/run-cli.js';

describe('spinal CLI contract (BRIEF §5)', () => {
  it('prints its version and exits 0', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^spinal \d+\.\d+\.\d+\n$/);
  });

  it('prints usage for --help and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['run --board FILE', 'sim [--scenario', 'doctor']) expect(result.stdout).toContain(command);
  });

  it('exits 2 with usage when no command is given', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Usage:');
  });

  it('exits 2 for an unknown command or option', async () => {
    expect((await runCli(['fly'])).code).toBe(2);
    const bad = await runCli(['sim', '--headles']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--headles');
  });

  it('exits 2 for a bad --duration', async () => {
    const result = await runCli(['sim', '--headless', '--duration', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--duration must be a number');
  });

  it('exits 2 naming the file and field of a board config with a bad field', async () => {
    const file = 'test/fixtures/boards/unknown-bus.yaml';
    const result = await runCli(['sim', '--headless', '--duration', '1', '--board', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: devices[`);
    expect(result.stderr).toContain('.bus: unknown bus');
  });

  it('exits 2 naming the field when a device param is out of range', async () => {
    const file = 'test/fixtures/boards/valid-minimal.yaml';
    const result = await runCli(['run', '--board', file], {
      env: { ...process.env, SPINAL_REFLEX_DEADMAN_TIMEOUT_MS: '9000' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SPINAL_REFLEX_DEADMAN_TIMEOUT_MS');
  });

  it('exits 2 when the board file is missing', async () => {
    const result = await runCli(['run', '--board', 'board-configs/no-such-board.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('board-configs/no-such-board.yaml: file not found');
  });

  it('exits 2 when the scenario file is missing', async () => {
    const result = await runCli(['sim', '--headless', '--scenario', 'nowhere.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nowhere.yaml: file not found');
  });

  it('doctor names a missing device file and its fix, and exits non-zero', async () => {
    const result = await runCli(['doctor', '--board', 'board-configs/rpi4-ld06-motorhat.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PROBLEM \/dev\/ttyUSB0 .* does not exist/);
    expect(result.stderr).toContain('fix:');
  });
});
