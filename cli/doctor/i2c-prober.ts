import { spawn } from 'node:child_process';
import createDebug from 'debug';

const log = createDebug('spinal:cli:doctor:i2c');

/** What a scan of one I2C bus found. */
export interface I2cScanResult {
  /** 7-bit addresses that acknowledged, ascending. */
  answering: number[];
  /** Addresses a kernel driver has claimed (i2cdetect's `UU`); spinal cannot open them. Empty when the scanner cannot tell. */
  claimedByKernel: number[];
  /** What scanned: `i2c-bus` or `i2cdetect`. */
  method: string;
}

/** Scans one bus (`/dev/i2c-1`); rejects with an Error in plain words when it cannot. */
export type I2cProber = (busPath: string) => Promise<I2cScanResult>;

/** The part of `i2c-bus` the prober uses. */
export interface ScanningI2cBusModule {
  openPromisified(
    busNumber: number,
  ): Promise<{ scan(first: number, last: number): Promise<number[]>; close(): Promise<void> }>;
}

/** Runs a command to its end: exit code and output; rejects when it cannot start (ENOENT: not installed). */
export type CommandRunner = (
  command: string,
  args: readonly string[],
) => Promise<{ code: number | null; stdout: string; stderr: string }>;

/** First and last address scanned: the range `i2cdetect` scans by default (i2c-tools, tools/i2cdetect.c). */
export const I2C_SCAN_FIRST = 0x08;
export const I2C_SCAN_LAST = 0x77;

export interface I2cProberOptions {
  /** Loads `i2c-bus`. Default `import('i2c-bus')`, at the first scan. */
  loadI2cBus?: () => Promise<ScanningI2cBusModule>;
  /** Runs `i2cdetect`. Default: `child_process.spawn`. */
  run?: CommandRunner;
}

/**
 * The real prober: `i2c-bus`'s scan (an SMBus receive-byte at every address) and, when `i2c-bus` is not
 * installed or will not load, `i2cdetect -y N` (package i2c-tools), which also shows addresses a kernel
 * driver holds. Scanning talks to every address on the bus: run it while `spinal run` is stopped.
 */
export function createI2cProber(options: I2cProberOptions = {}): I2cProber {
  const loadI2cBus = options.loadI2cBus ?? (async () => (await import('i2c-bus')) as unknown as ScanningI2cBusModule);
  const run = options.run ?? runCommand;
  let module: Promise<ScanningI2cBusModule | Error> | undefined;
  return async (busPath) => {
    const busNumber = i2cBusNumber(busPath);
    module ??= loadI2cBus().catch((cause: unknown) => (cause instanceof Error ? cause : new Error(String(cause))));
    const i2c = await module;
    if (!(i2c instanceof Error)) {
      const bus = await i2c.openPromisified(busNumber);
      try {
        const answering = await bus.scan(I2C_SCAN_FIRST, I2C_SCAN_LAST);
        return { answering: [...answering].sort((a, b) => a - b), claimedByKernel: [], method: 'i2c-bus' };
      } finally {
        await bus.close().catch(() => undefined);
      }
    }
    log('i2c-bus unavailable (%s); trying i2cdetect', i2c.message);
    let result: Awaited<ReturnType<CommandRunner>>;
    try {
      result = await run('i2cdetect', ['-y', String(busNumber)]);
    } catch (cause) {
      if ((cause as { code?: unknown }).code === 'ENOENT') {
        throw new Error('the i2c-bus package is not installed and i2cdetect is not found');
      }
      throw cause;
    }
    if (result.code !== 0)
      throw new Error(`i2cdetect -y ${busNumber} failed: ${result.stderr.trim() || `exit code ${result.code}`}`);
    return { ...parseI2cdetectOutput(result.stdout), method: 'i2cdetect' };
  };
}

/** The bus number of `/dev/i2c-N`; throws for anything else. */
export function i2cBusNumber(busPath: string): number {
  const match = /^\/dev\/i2c-(\d+)$/.exec(busPath);
  if (!match?.[1]) throw new Error(`an I2C bus path looks like /dev/i2c-1, not "${busPath}"`);
  return Number(match[1]);
}

/**
 * The table `i2cdetect -y N` prints (i2c-tools, tools/i2cdetect.c `scan_i2c_bus`): a header row, then
 * one row per 16 addresses, `XY: ` and 16 cells of three characters: the address in hex when it
 * answered, `--` when it did not, `UU` when a kernel driver holds it, blank when not probed.
 */
export function parseI2cdetectOutput(text: string): Omit<I2cScanResult, 'method'> {
  const answering: number[] = [];
  const claimedByKernel: number[] = [];
  for (const line of text.split('\n')) {
    const row = /^([0-7]0): (.*)$/.exec(line);
    if (!row?.[1] || row[2] === undefined) continue;
    const base = parseInt(row[1], 16);
    for (let column = 0; column < 16; column += 1) {
      const cell = row[2].slice(column * 3, column * 3 + 3).trim();
      const address = base + column;
      if (cell === 'UU') claimedByKernel.push(address);
      else if (/^[0-9a-f]{2}$/.test(cell) && parseInt(cell, 16) === address) answering.push(address);
    }
  }
  return { answering, claimedByKernel };
}

function runCommand(
  command: string,
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
