import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySerialBackend } from './memory-serial-backend.js';
import { openModemLineChannel } from './modem-line-channel.js';
import { ModemLinesDecoder, type ModemLineLevels } from './modem-lines-codec.js';
import { PathMappedSerialBackend } from './path-mapped-serial-backend.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A modem-line socket like the simulator's bridge: records what each connection sends. */
async function linesSocket(): Promise<{ path: string; received: ModemLineLevels[][]; server: Server }> {
  const dir = mkdtempSync(join(tmpdir(), 'spinal-lines-test-'));
  const path = join(dir, 'ttyUSB0.device.lines');
  const received: ModemLineLevels[][] = [];
  const server = createServer((socket) => {
    const decoder = new ModemLinesDecoder();
    const mine: ModemLineLevels[] = [];
    received.push(mine);
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => mine.push(...decoder.push(text)));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  cleanups.push(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { path, received, server };
}

/** Waits (real time: sockets) until `check` holds. */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

describe('PathMappedSerialBackend', () => {
  it('opens the mapped path and sends DTR/RTS over the modem-line socket, starting with both raised', async () => {
    const lines = await linesSocket();
    const inner = new MemorySerialBackend(['/tmp/pty/ttyUSB0']);
    const backend = new PathMappedSerialBackend(inner, {
      '/dev/ttyUSB0': { path: '/tmp/pty/ttyUSB0', modemLines: lines.path },
    });
    const connection = await backend.open(
      { path: '/dev/ttyUSB0', baudRate: 115_200 },
      { onData: () => undefined, onClose: () => undefined },
    );
    expect(connection.path).toBe('/dev/ttyUSB0');
    expect(inner.openCalls).toEqual([{ path: '/tmp/pty/ttyUSB0', baudRate: 115_200 }]);
    await connection.setSignals({ dtr: false });
    await eventually(() => lines.received[0]?.length === 2);
    expect(lines.received).toEqual([[{ dtr: true, rts: true }, { dtr: false }]]);
    // The pty itself is never asked: it has no modem lines.
    expect(inner.signals).toEqual([]);
    await connection.close();
    expect(await backend.list()).toEqual(['/dev/ttyUSB0']);
  });

  it('without a modem-line socket sets the lines on the port itself', async () => {
    const inner = new MemorySerialBackend(['/dev/ttyS0']);
    const backend = new PathMappedSerialBackend(inner, {});
    const connection = await backend.open(
      { path: '/dev/ttyS0', baudRate: 9600 },
      { onData: () => undefined, onClose: () => undefined },
    );
    await connection.setSignals({ rts: false });
    expect(inner.signals).toEqual([{ rts: false }]);
  });

  it('fails the open, naming the socket, when nothing listens on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinal-lines-test-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await expect(openModemLineChannel(join(dir, 'absent.lines'), 0)).rejects.toMatchObject({
      code: 'EIO',
      message: expect.stringContaining('absent.lines is not reachable'),
    });
  });
});
