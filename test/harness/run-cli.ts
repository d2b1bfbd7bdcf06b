import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withPlotKeptOnFailure } from './failure-plots.js';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built CLI (`npm run build`); the scenario tests run the real executable, threads and all. */
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for a CLI run: an ephemeral debug port so parallel runs never collide. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, SPINAL_DEBUG_LISTEN: '127.0.0.1:0', DEBUG: '', ...extra };
}

/** Starts `node <script> ...args` and returns the child. */
export function startCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; script?: string } = {},
): ChildProcess {
  const script = options.script ?? CLI;
  if (!existsSync(script)) throw new Error(`${script} is missing: run "npm run build" first (npm test does)`);
  return spawn(process.execPath, [script, ...(script === CLI ? withPlotKeptOnFailure(args) : args)], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? cliEnv(),
    stdio: 'pipe',
  });
}

/** Runs the CLI to completion (killed after `timeoutMs`). */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; script?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = startCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Resolves with the `host:port` a live `spinal sim` announces (`debug port: http://...`), and with
 * everything it wrote so far readable through `stderr()`; rejects after `timeoutMs`.
 */
export function debugPortOf(
  child: ChildProcess,
  timeoutMs = 30_000,
): { address: Promise<string>; stderr: () => string } {
  let text = '';
  const address = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no debug port announced: ${text}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /debug port: http:\/\/([^/\s]+)\//.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return { address, stderr: () => text };
}
