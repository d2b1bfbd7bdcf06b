import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../time/virtual-clock.js';
import { TransportError } from '../transport-error.js';
import type { SerialBackend, SerialConnection, SerialHandlers, SerialOpenOptions } from './api.js';
import { ResilientSerialPort } from './resilient-serial-port.js';

/** A serial backend whose device can be plugged and unplugged by the test. */
class PluggableBackend implements SerialBackend {
  readonly kind = 'test';
  present = true;
  opens = 0;
  handlers: SerialHandlers | null = null;
  writeError: TransportError | null = null;

  async open(options: SerialOpenOptions, handlers: SerialHandlers): Promise<SerialConnection> {
    this.opens++;
    if (!this.present) throw new TransportError('ENOENT', `no such file: ${options.path}`);
    this.handlers = handlers;
    return {
      path: options.path,
      write: async () => {
        if (this.writeError) throw this.writeError;
      },
      setSignals: async () => undefined,
      close: async () => {
        this.handlers = null;
      },
    };
  }

  async list(): Promise<string[]> {
    return this.present ? ['/dev/ttyUSB0'] : [];
  }

  unplug(): void {
    this.present = false;
    this.handlers?.onClose(new TransportError('ENXIO', 'device disconnected'));
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

function setUp(present = true) {
  const clock = new VirtualClock(0);
  const backend = new PluggableBackend();
  backend.present = present;
  const log: string[] = [];
  const port = new ResilientSerialPort({
    backend,
    path: '/dev/ttyUSB0',
    baudRate: 230400,
    clock,
    backoff: { random: () => 0.5 },
    onData: () => undefined,
    onOpen: () => log.push(`open@${clock.nowUs()}`),
    onDown: (reason) => log.push(`down@${clock.nowUs()}: ${reason}`),
  });
  /** Advances virtual time in 10 ms steps, letting promises run in between. */
  const advance = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 10) {
      clock.advanceBy(10_000);
      await settle();
    }
  };
  return { clock, backend, port, log, advance };
}

describe('ResilientSerialPort', () => {
  it('GIVEN a missing device WHEN it is plugged in later THEN the outage is reported once and the port opens within a list poll', async () => {
    const { backend, port, log, advance } = setUp(false);
    await port.start();
    expect(log).toEqual(['down@0: cannot open /dev/ttyUSB0: ENOENT: no such file: /dev/ttyUSB0']);
    await advance(3_000);
    expect(port.isOpen()).toBe(false);
    expect(log).toHaveLength(1);

    backend.present = true;
    await advance(600);
    expect(port.isOpen()).toBe(true);
    expect(log.at(-1)).toMatch(/^open@/);
  });

  it('GIVEN an open port WHEN the device is unplugged and replugged THEN it reports the loss and reopens by itself', async () => {
    const { backend, port, log, advance } = setUp();
    await port.start();
    expect(log).toEqual(['open@0']);

    backend.unplug();
    expect(port.isOpen()).toBe(false);
    expect(log.at(-1)).toBe('down@0: /dev/ttyUSB0 lost: ENXIO: device disconnected');
    await advance(2_000);
    expect(port.isOpen()).toBe(false);

    backend.present = true;
    await advance(600);
    expect(port.isOpen()).toBe(true);
    expect(port.counters()).toMatchObject({ opens: 2, unexpectedCloses: 1 });
  });

  it('GIVEN an open port WHEN a write fails with ENXIO THEN the port counts as lost and is reopened', async () => {
    const { backend, port, log, advance } = setUp();
    await port.start();
    backend.writeError = new TransportError('ENXIO', 'gone');
    await expect(port.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'ENXIO' });
    expect(port.isOpen()).toBe(false);
    expect(log.at(-1)).toMatch(/lost/);
    backend.writeError = null;
    await advance(1_000);
    expect(port.isOpen()).toBe(true);
  });

  it('GIVEN a device that refuses to open although present THEN retries follow the backoff, not the list poll', async () => {
    const { backend, port, advance } = setUp();
    backend.open = async () => {
      backend.opens++;
      throw new TransportError('EACCES', 'permission denied');
    };
    await port.start();
    await advance(2_000);
    // 0 s, then after 0.5 s and 0.8 s more (backoff x1.6, no jitter at random 0.5): 3 attempts in 2 s
    expect(backend.opens).toBe(3);
  });

  it('stops reopening after stop()', async () => {
    const { backend, port, advance } = setUp(false);
    await port.start();
    await port.stop();
    const before = backend.opens;
    backend.present = true;
    await advance(5_000);
    expect(backend.opens).toBe(before);
  });
});
