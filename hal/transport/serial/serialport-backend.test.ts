import { SerialPortMock } from 'serialport';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TransportError } from '../transport-error.js';
import type { SerialHandlers } from './api.js';
import { SerialportBackend, type SerialBinding } from './serialport-backend.js';

/** `MockBinding` from `@serialport/binding-mock`, the binding serialport itself tests with. */
const MockBinding = SerialPortMock.binding;
type MockPort = Awaited<ReturnType<typeof MockBinding.open>>;

const PATH = '/dev/ttyUSB0';
/** RPLIDAR A1 GET_INFO request: start flag 0xA5, command 0x50 (Slamtec RPLIDAR interface protocol, GET_INFO request). */
const GET_INFO = Uint8Array.of(0xa5, 0x50);

/**
 * MockBinding with a hand on each port it opens: records `set` calls and can pull the cable, which the
 * native binding reports as a failed read (ENXIO) that serialport turns into a disconnect.
 */
function tappedBinding(): { binding: SerialBinding; signals: object[]; unplug: (error: Error) => void } {
  const signals: object[] = [];
  let unplug: (error: Error) => void = () => undefined;
  const binding: SerialBinding = {
    list: () => MockBinding.list(),
    async open(options) {
      const port: MockPort = await MockBinding.open(options);
      const unplugged = new Promise<never>((_, reject) => (unplug = reject));
      unplugged.catch(() => undefined);
      const read = port.read.bind(port);
      port.read = (buffer, offset, length) => Promise.race([read(buffer, offset, length), unplugged]);
      const set = port.set.bind(port);
      port.set = (options) => {
        signals.push(options);
        return set(options);
      };
      return port;
    },
  };
  return { binding, signals, unplug: (error) => unplug(error) };
}

function recordingHandlers(): SerialHandlers & { chunks: Uint8Array[]; closes: Array<TransportError | undefined> } {
  const chunks: Uint8Array[] = [];
  const closes: Array<TransportError | undefined> = [];
  return {
    chunks,
    closes,
    onData: (bytes) => chunks.push(bytes),
    onClose: (error) => closes.push(error),
  };
}

function received(chunks: Uint8Array[]): number[] {
  return chunks.flatMap((chunk) => [...chunk]);
}

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

beforeEach(() => {
  MockBinding.reset();
  MockBinding.createPort(PATH, { echo: true });
});

describe('SerialportBackend', () => {
  it('opens a port, writes, and delivers what comes back as plain Uint8Array views', async () => {
    const backend = new SerialportBackend({ binding: MockBinding });
    const handlers = recordingHandlers();
    const port = await backend.open({ path: PATH, baudRate: 115200 }, handlers);
    expect(port.path).toBe(PATH);
    await port.write(GET_INFO);
    await vi.waitFor(() => expect(received(handlers.chunks)).toEqual([0xa5, 0x50]));
    expect(handlers.chunks.every((chunk) => !Buffer.isBuffer(chunk))).toBe(true);
    await port.close();
  });

  it('reports a port that does not exist as ENOENT', async () => {
    const backend = new SerialportBackend({ binding: MockBinding });
    const error = await rejection(backend.open({ path: '/dev/ttyUSB9', baudRate: 230400 }, recordingHandlers()));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toContain('open /dev/ttyUSB9');
  });

  it('reports a port that is already open as EBUSY', async () => {
    const backend = new SerialportBackend({ binding: MockBinding });
    const first = await backend.open({ path: PATH, baudRate: 230400 }, recordingHandlers());
    const error = await rejection(backend.open({ path: PATH, baudRate: 230400 }, recordingHandlers()));
    expect(error.code).toBe('EBUSY');
    await first.close();
  });

  it('rejects bad options without touching the binding', async () => {
    const open = vi.fn(MockBinding.open);
    const backend = new SerialportBackend({ binding: { list: MockBinding.list, open } });
    expect((await rejection(backend.open({ path: PATH, baudRate: 0 }, recordingHandlers()))).code).toBe('EINVAL');
    expect((await rejection(backend.open({ path: '', baudRate: 9600 }, recordingHandlers()))).code).toBe('EINVAL');
    expect(open).not.toHaveBeenCalled();
  });

  it('on a requested close calls onClose once without an error, then refuses writes', async () => {
    const backend = new SerialportBackend({ binding: MockBinding });
    const handlers = recordingHandlers();
    const port = await backend.open({ path: PATH, baudRate: 115200 }, handlers);
    await port.close();
    await port.close();
    expect(handlers.closes).toEqual([undefined]);
    expect((await rejection(port.write(GET_INFO))).code).toBe('ECLOSED');
    expect((await rejection(port.setSignals({ dtr: false }))).code).toBe('ECLOSED');
  });

  it('when the cable is pulled calls onClose with ENXIO and refuses writes', async () => {
    const { binding, unplug } = tappedBinding();
    const backend = new SerialportBackend({ binding });
    const handlers = recordingHandlers();
    const port = await backend.open({ path: PATH, baudRate: 230400 }, handlers);
    unplug(Object.assign(new Error('ENXIO: no such device or address, read'), { code: 'ENXIO', disconnect: true }));
    await vi.waitFor(() => expect(handlers.closes).toHaveLength(1));
    const [error] = handlers.closes;
    expect(error).toBeInstanceOf(TransportError);
    expect(error?.code).toBe('ENXIO');
    expect(error?.message).toContain('no such device or address');
    expect((await rejection(port.write(GET_INFO))).code).toBe('ECLOSED');
    await port.close();
    expect(handlers.closes).toHaveLength(1);
  });

  it('sets DTR and RTS, keeping the line it is not told about', async () => {
    const { binding, signals } = tappedBinding();
    const port = await new SerialportBackend({ binding }).open({ path: PATH, baudRate: 115200 }, recordingHandlers());
    await port.setSignals({ dtr: false });
    await port.setSignals({ rts: false });
    await port.setSignals({ dtr: true });
    expect(signals).toMatchObject([
      { dtr: false, rts: true },
      { dtr: false, rts: false },
      { dtr: true, rts: false },
    ]);
    await port.close();
  });

  it('survives a data handler that throws', async () => {
    const backend = new SerialportBackend({ binding: MockBinding });
    const handlers = recordingHandlers();
    let calls = 0;
    const port = await backend.open(
      { path: PATH, baudRate: 115200 },
      {
        onData: (bytes) => {
          calls += 1;
          if (calls === 1) throw new Error('driver bug');
          handlers.onData(bytes);
        },
        onClose: handlers.onClose,
      },
    );
    await port.write(Uint8Array.of(1));
    await vi.waitFor(() => expect(calls).toBe(1));
    await port.write(Uint8Array.of(2));
    await vi.waitFor(() => expect(received(handlers.chunks)).toEqual([2]));
    await port.close();
  });

  it('lists the ports by path', async () => {
    MockBinding.createPort('/dev/ttyAMA0');
    expect(await new SerialportBackend({ binding: MockBinding }).list()).toEqual([PATH, '/dev/ttyAMA0']);
  });

  it('says how to install serialport when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'serialport'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const backend = new SerialportBackend({ loadModule: () => Promise.reject(missing) });
    const error = await rejection(backend.open({ path: PATH, baudRate: 115200 }, recordingHandlers()));
    expect(error.code).toBe('EUNKNOWN');
    expect(error.message).toContain('the serialport package is not installed');
    expect(error.message).toContain('npm install serialport');
    expect((await rejection(backend.list())).code).toBe('EUNKNOWN');
  });
});
