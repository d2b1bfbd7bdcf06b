import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { modemLinesPathFor } from '../hal/transport/serial/modem-lines-codec.js';

/**
 * One pseudo-terminal pair: the simulator drives `deviceEnd`, programs open `hostEnd` like a
 * serial port and set DTR/RTS through the `modemLines` socket the simulator listens on.
 */
export interface PtyPair {
  deviceEnd: string;
  hostEnd: string;
  modemLines: string;
}

export interface PtyPairs {
  /** By the serial device path the board config names. */
  pairs: Record<string, PtyPair>;
  close(): void;
}

const READY_TIMEOUT_MS = 5_000;

/**
 * Makes a pseudo-terminal pair per serial path with `socat` (Debian package `socat`), so that a
 * simulated serial device appears as a real tty. Throws an Error with the fix when socat is missing.
 */
export async function openPtyPairs(paths: readonly string[]): Promise<PtyPairs> {
  const dir = mkdtempSync(join(tmpdir(), 'spinal-pty-'));
  const children: ChildProcess[] = [];
  const close = (): void => {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const pairs: Record<string, PtyPair> = {};
  try {
    for (const path of paths) {
      const name = basename(path);
      const deviceEnd = join(dir, `${name}.device`);
      const pair = { deviceEnd, hostEnd: join(dir, name), modemLines: modemLinesPathFor(deviceEnd) };
      const child = spawn('socat', [`PTY,raw,echo=0,link=${pair.deviceEnd}`, `PTY,raw,echo=0,link=${pair.hostEnd}`], {
        stdio: 'ignore',
      });
      children.push(child);
      await waitForLinks(child, [pair.deviceEnd, pair.hostEnd]);
      pairs[path] = pair;
    }
  } catch (error) {
    close();
    throw error;
  }
  return { pairs, close };
}

function waitForLinks(child: ChildProcess, links: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const fail = (message: string): void => {
      clearInterval(timer);
      reject(new Error(message));
    };
    child.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'ENOENT'
          ? 'spinal sim --pty needs socat to make pseudo-terminals: sudo apt-get install socat'
          : `socat failed: ${error.message}`,
      ),
    );
    child.once('exit', (code) => fail(`socat exited (code ${code}) before the pseudo-terminals were ready`));
    const timer = setInterval(() => {
      if (links.every((link) => existsSync(link))) {
        clearInterval(timer);
        child.removeAllListeners('exit');
        resolve();
      } else if (Date.now() - started > READY_TIMEOUT_MS) {
        fail(`socat did not create ${links.join(' and ')} within ${READY_TIMEOUT_MS} ms`);
      }
    }, 10);
  });
}
