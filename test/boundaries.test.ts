import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

interface Violation {
  file: string;
  line: number;
  specifier: string;
  target: string | null;
  rule: 'layer' | 'simulator-hal' | 'codec-purity' | 'outside-root';
  message: string;
}

interface BoundaryReport {
  files: number;
  imports: number;
  cycles: string[][];
  violations: Violation[];
  unresolved: { file: string; line: number; specifier: string }[];
  ok: boolean;
}

interface BoundaryChecker {
  checkBoundaries(rootDir: string, options?: { layers?: readonly string[] }): BoundaryReport;
  formatReport(report: BoundaryReport): string[];
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const checkerPath = path.join(repoRoot, 'scripts', 'check-boundaries.mjs');

let checker: BoundaryChecker;
const fixtureRoots: string[] = [];

beforeAll(async () => {
  // The checker is plain JavaScript with no declaration file, so it is loaded by URL and given its shape here.
  checker = (await import(pathToFileURL(checkerPath).href)) as BoundaryChecker;
});

afterEach(() => {
  for (const dir of fixtureRoots.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a source tree (relative path → contents) into a fresh temporary folder and returns it. */
function fixtureTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'spinal-boundaries-'));
  fixtureRoots.push(root);
  for (const [file, contents] of Object.entries(files)) {
    const full = path.join(root, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, contents);
  }
  return root;
}

describe('checkBoundaries', () => {
  it('reports an import cycle with its path, type-only imports included', () => {
    const root = fixtureTree({
      'cortex/planner.ts': "import { worldSize } from './world-model.js';\nexport const plan = worldSize;\n",
      'cortex/world-model.ts': "import type { Plan } from './plan-types.js';\nexport const worldSize = 1;\n",
      'cortex/plan-types.ts': "import type { plan } from './planner.js';\nexport type Plan = typeof plan;\n",
      'cortex/leaf.ts': 'export const leaf = 1;\n',
    });

    const report = checker.checkBoundaries(root);

    expect(report.ok).toBe(false);
    expect(report.violations).toEqual([]);
    expect(report.cycles).toEqual([
      ['cortex/plan-types.ts', 'cortex/planner.ts', 'cortex/world-model.ts', 'cortex/plan-types.ts'],
    ]);
    expect(checker.formatReport(report)).toContain(
      'cycle: cortex/plan-types.ts → cortex/planner.ts → cortex/world-model.ts → cortex/plan-types.ts',
    );
  });

  it('reports a file that imports itself as a cycle', () => {
    const root = fixtureTree({ 'time/self.ts': "export * from './self.js';\n" });

    expect(checker.checkBoundaries(root).cycles).toEqual([['time/self.ts', 'time/self.ts']]);
  });

  it('reports hal/ importing cortex/, naming file, line, target and rule', () => {
    const root = fixtureTree({
      'hal/motor/api.ts': "import type { Pose2D } from '../../messages/geometry.js';\nexport type P = Pose2D;\n",
      'hal/motor/pwm-motor.ts':
        "import { Backoff } from '../../time/backoff.js';\n" +
        "import type { Plan } from '../../cortex/planner.js';\n" +
        'export const x: Plan | Backoff | null = null;\n',
      'messages/geometry.ts': 'export interface Pose2D { xM: number }\n',
      'time/backoff.ts': 'export class Backoff {}\n',
      'cortex/planner.ts': 'export interface Plan { id: string }\n',
    });

    const report = checker.checkBoundaries(root);

    expect(report.ok).toBe(false);
    expect(report.violations).toEqual([
      {
        file: 'hal/motor/pwm-motor.ts',
        line: 2,
        specifier: '../../cortex/planner.js',
        target: 'cortex/planner.ts',
        rule: 'layer',
        message: 'hal/ may import only hal, config, messages, time',
      },
    ]);
  });

  it('reports messages/ and time/ importing anything outside themselves', () => {
    const root = fixtureTree({
      'messages/drive.ts': "import type { Clock } from '../time/clock.js';\nexport type D = Clock;\n",
      'time/clock.ts': "import type { D } from '../messages/drive.js';\nexport type Clock = { d?: D };\n",
    });

    const report = checker.checkBoundaries(root);

    expect(report.violations.map((v) => [v.file, v.target, v.rule])).toEqual([
      ['messages/drive.ts', 'time/clock.ts', 'layer'],
      ['time/clock.ts', 'messages/drive.ts', 'layer'],
    ]);
  });

  it('reports the simulator importing a hal driver, but allows codecs, params and transport contracts', () => {
    const root = fixtureTree({
      'hal/lidar/api.ts': 'export interface Lidar { id: string }\n',
      'hal/lidar/ld06/ld06-codec.ts': 'export const HEADER = 0x54;\n',
      'hal/lidar/ld06/params.ts': 'export const params = {};\n',
      'hal/lidar/ld06/ld06-driver.ts': "import { HEADER } from './ld06-codec.js';\nexport const driver = HEADER;\n",
      'hal/transport/serial/api.ts': 'export interface SerialPortLike { path: string }\n',
      'hal/transport/sim-link/protocol.ts': 'export const VERSION = 1;\n',
      'hal/transport/transport-error.ts': 'export class TransportError extends Error {}\n',
      'simulator/devices/sim-ld06.ts': [
        "import { HEADER } from '../../hal/lidar/ld06/ld06-codec.js';",
        "import { params } from '../../hal/lidar/ld06/params.js';",
        "import type { SerialPortLike } from '../../hal/transport/serial/api.js';",
        "import { VERSION } from '../../hal/transport/sim-link/protocol.js';",
        "import { TransportError } from '../../hal/transport/transport-error.js';",
        "import { driver } from '../../hal/lidar/ld06/ld06-driver.js';",
        "import type { Lidar } from '../../hal/lidar/api.js';",
        'export const all = [HEADER, params, VERSION, TransportError, driver];',
        'export type S = SerialPortLike | Lidar;',
        '',
      ].join('\n'),
    });

    const report = checker.checkBoundaries(root);

    expect(report.violations.map((v) => [v.file, v.line, v.target, v.rule])).toEqual([
      ['simulator/devices/sim-ld06.ts', 6, 'hal/lidar/ld06/ld06-driver.ts', 'simulator-hal'],
      ['simulator/devices/sim-ld06.ts', 7, 'hal/lidar/api.ts', 'simulator-hal'],
    ]);
  });

  it('reports a codec importing node:fs, a package or a non-codec file', () => {
    const root = fixtureTree({
      'hal/lidar/ld06/ld06-codec.ts': [
        "import { readFileSync } from 'node:fs';",
        "import createDebug from 'debug';",
        "import { crc8 } from '../../crc/crc8-codec.js';",
        "import { Backoff } from '../../../time/backoff.js';",
        'export const x = [readFileSync, createDebug, crc8, Backoff];',
        '',
      ].join('\n'),
      'hal/crc/crc8-codec.ts': 'export function crc8(): number { return 0; }\n',
      'time/backoff.ts': 'export class Backoff {}\n',
    });

    const report = checker.checkBoundaries(root);

    expect(report.violations.map((v) => [v.line, v.specifier, v.rule])).toEqual([
      [1, 'node:fs', 'codec-purity'],
      [2, 'debug', 'codec-purity'],
      [4, '../../../time/backoff.js', 'codec-purity'],
    ]);
    expect(report.violations[0]?.message).toMatch(/node: module/);
  });

  it('passes a clean layered tree and ignores test files, comments and strings', () => {
    const root = fixtureTree({
      'messages/drive.ts': "import type { Vec } from './vec.js';\nexport type Drive = Vec;\n",
      'messages/vec.ts': 'export type Vec = [number, number];\n',
      'time/clock.ts': 'export interface Clock { nowUs(): number }\n',
      'config/board.ts': "import type { Clock } from '../time/clock.js';\nexport type B = Clock;\n",
      'hal/motor/api.ts': "import type { Drive } from '../../messages/drive.js';\nexport type M = Drive;\n",
      'hal/motor/api.test.ts': "import { plan } from '../../cortex/planner.js';\nexport const p = plan;\n",
      'reflex/arbiter.ts': [
        "import type { M } from '../hal/motor/api.js';",
        "// import { plan } from '../cortex/planner.js';",
        'const help = "import { plan } from \'../cortex/planner.js\'";',
        'export type A = M;',
        'export const h = help;',
        '',
      ].join('\n'),
      'cortex/planner.ts': "import type { B } from '../config/board.js';\nexport const plan = (b?: B) => b;\n",
      'comms/uplink.ts': "import type { Drive } from '../messages/drive.js';\nexport type U = Drive;\n",
      'simulator/world.ts': "import type { Clock } from '../time/clock.js';\nexport type W = Clock;\n",
      'cli/main.ts': [
        "import { plan } from '../cortex/planner.js';",
        "import type { A } from '../reflex/arbiter.js';",
        "import type { U } from '../comms/uplink.js';",
        "const world = await import('../simulator/world.js');",
        'export const all = [plan, world] as const;',
        'export type T = A | U;',
        '',
      ].join('\n'),
    });

    const report = checker.checkBoundaries(root);

    expect(report.violations).toEqual([]);
    expect(report.cycles).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.files).toBe(10);
    expect(report.imports).toBe(11);
    expect(checker.formatReport(report)).toEqual(['boundaries: 10 files, 11 imports, no cycles, no violations']);
  });

  it('runs as a command: exit 1 and one line per violation, exit 0 with a summary when clean', () => {
    const dirty = fixtureTree({
      'hal/x.ts': "import { y } from '../comms/y.js';\nexport const x = y;\n",
      'comms/y.ts': 'export const y = 1;\n',
    });
    const clean = fixtureTree({ 'time/t.ts': 'export const t = 1;\n' });

    const failed = spawnSync(process.execPath, [checkerPath, dirty], { encoding: 'utf8' });
    const passed = spawnSync(process.execPath, [checkerPath, clean], { encoding: 'utf8' });

    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('hal/x.ts:1 → ../comms/y.js (comms/y.ts): [layer] hal/ may import only');
    expect(passed.status).toBe(0);
    expect(passed.stdout.trim()).toBe('boundaries: 1 files, 0 imports, no cycles, no violations');
  });

  it('passes on this repository', () => {
    const report = checker.checkBoundaries(repoRoot);

    expect(checker.formatReport(report).filter((l) => !l.startsWith('warning:'))).toEqual([
      `boundaries: ${report.files} files, ${report.imports} imports, no cycles, no violations`,
    ]);
    expect(report.files).toBeGreaterThan(0);
  });
});
