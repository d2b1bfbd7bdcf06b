import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import type { TransportError } from '../hal/transport/transport-error.js';
import type { SimI2cDevice, SimSerialDevice, TimedBytes } from '../simulator/devices/sim-device.js';
import { checkFaults, FaultInjector } from '../simulator/fault-injector.js';
import type { ScenarioFault } from '../simulator/scenario.js';
import { SimLinkPair } from './harness/sim-link-pair.js';

/** A serial device that sends one fixed 4-byte chunk every millisecond. */
function ticker(path = '/dev/ttyUSB0'): SimSerialDevice & { stuck: boolean; setStuck(stuck: boolean): void } {
  let lastUs = 0;
  let open = false;
  return {
    kind: 'serial',
    path,
    stuck: false,
    open: () => {
      open = true;
    },
    close: () => {
      open = false;
    },
    write: () => undefined,
    setSignals: () => undefined,
    advance(toUs: number): TimedBytes[] {
      const out: TimedBytes[] = [];
      for (let t = lastUs + 1_000; t <= toUs && open; t += 1_000)
        out.push({ simTimeUs: t, bytes: Uint8Array.of(1, 2, 3, 4) });
      lastUs = toUs;
      return out;
    },
    setStuck(stuck: boolean) {
      this.stuck = stuck;
    },
  };
}

function register(busPath = '/dev/i2c-1', address = 0x40): SimI2cDevice {
  return { kind: 'i2c', busPath, address, transfer: (_write, readLength) => new Uint8Array(readLength).fill(7) };
}

function fault(spec: Partial<ScenarioFault> & Pick<ScenarioFault, 'device' | 'kind' | 'atS'>): ScenarioFault {
  return { rate: 1, bytesPerS: 2_000, latencyMs: 50, voltsPerS: 0.25, ...spec };
}

const pairs: SimLinkPair[] = [];
afterEach(() => {
  for (const pair of pairs.splice(0)) pair.close();
});

describe('fault injection on the sim link', () => {
  it('GIVEN an open serial port WHEN the device is unplugged THEN the robot sees it close with ENXIO, cannot reopen it, and the port list hides it until replug', async () => {
    const device = ticker();
    const pair = new SimLinkPair([device]);
    pairs.push(pair);
    const injector = new FaultInjector(
      [fault({ device: 'lidar', kind: 'unplug', atS: 0.01, durationS: 0.02 })],
      pair.server,
      new Map([['lidar', device]]),
      's.yaml',
      0,
    );
    const closes: Array<TransportError | undefined> = [];
    let bytes = 0;
    await pair.backends.serial.open(
      { path: '/dev/ttyUSB0', baudRate: 230400 },
      { onData: (b) => (bytes += b.length), onClose: (e) => closes.push(e) },
    );

    await pair.step(5_000);
    expect(bytes).toBe(20);
    injector.update(10_000);
    await pair.step(10_000);
    expect(closes).toHaveLength(1);
    expect(closes[0]?.code).toBe('ENXIO');
    await expect(pair.backends.serial.list()).resolves.toEqual([]);
    await expect(
      pair.backends.serial.open(
        { path: '/dev/ttyUSB0', baudRate: 230400 },
        { onData: () => undefined, onClose: () => undefined },
      ),
    ).rejects.toMatchObject({ code: 'ENOENT' });

    injector.update(30_000);
    await expect(pair.backends.serial.list()).resolves.toEqual(['/dev/ttyUSB0']);
    expect(injector.report()).toEqual([{ device: 'lidar', kind: 'unplug', atS: 0.01, clearedAtS: 0.03 }]);
  });

  it('GIVEN an I2C device WHEN a NACK fault is on THEN transactions fail with EREMOTEIO, and pass again once it clears', async () => {
    const device = register();
    const pair = new SimLinkPair([device]);
    pairs.push(pair);
    const injector = new FaultInjector(
      [fault({ device: 'battery', kind: 'nack', atS: 0, durationS: 1 })],
      pair.server,
      new Map([['battery', device]]),
      's.yaml',
      0,
    );
    const bus = await pair.backends.i2c.open('/dev/i2c-1');
    injector.update(0);
    await expect(bus.read(0x40, 2)).rejects.toMatchObject({ code: 'EREMOTEIO' });
    injector.update(1_000_000);
    await expect(bus.read(0x40, 2)).resolves.toEqual(Uint8Array.of(7, 7));
  });

  it('GIVEN an EIO fault at rate 0.5 THEN about half the transactions fail with EIO', async () => {
    const device = register();
    const pair = new SimLinkPair([device]);
    pairs.push(pair);
    const injector = new FaultInjector(
      [fault({ device: 'battery', kind: 'eio', atS: 0, rate: 0.5 })],
      pair.server,
      new Map([['battery', device]]),
      's.yaml',
      0,
    );
    injector.update(0);
    const bus = await pair.backends.i2c.open('/dev/i2c-1');
    let failures = 0;
    for (let i = 0; i < 200; i++) {
      await bus.read(0x40, 1).catch((error: TransportError) => {
        expect(error.code).toBe('EIO');
        failures++;
      });
    }
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);
  });

  it('GIVEN a garbage fault THEN extra bytes arrive at the configured rate; a latency fault delays the stream', async () => {
    const device = ticker();
    const pair = new SimLinkPair([device]);
    pairs.push(pair);
    const injector = new FaultInjector(
      [
        fault({ device: 'lidar', kind: 'garbage', atS: 0, durationS: 0.1, bytesPerS: 10_000 }),
        fault({ device: 'lidar', kind: 'latency', atS: 0.2, latencyMs: 20 }),
      ],
      pair.server,
      new Map([['lidar', device]]),
      's.yaml',
      0,
    );
    const arrivals: Array<{ atUs: number; length: number }> = [];
    await pair.backends.serial.open(
      { path: '/dev/ttyUSB0', baudRate: 230400 },
      { onData: (b) => arrivals.push({ atUs: pair.clock.nowUs(), length: b.length }), onClose: () => undefined },
    );
    injector.update(0);
    await pair.step(100_000);
    const total = arrivals.reduce((sum, a) => sum + a.length, 0);
    // 100 chunks of 4 bytes plus 10 000 B/s x 0.1 s of garbage
    expect(total).toBe(400 + 1_000);

    await pair.step(200_000);
    injector.update(200_000);
    arrivals.length = 0;
    await pair.step(215_000);
    expect(arrivals).toEqual([]);
    await pair.step(240_000);
    expect(arrivals.length).toBeGreaterThan(0);
    expect(arrivals[0]!.atUs).toBeGreaterThanOrEqual(221_000);
  });

  it('throws the stuck switch on models that have one, and refuses faults that cannot apply', () => {
    const device = ticker();
    const pair = new SimLinkPair([device]);
    pairs.push(pair);
    const injector = new FaultInjector(
      [fault({ device: 'lidar', kind: 'stuck', atS: 1, durationS: 1 })],
      pair.server,
      new Map([['lidar', device]]),
      's.yaml',
      0,
    );
    injector.update(1_000_000);
    expect(device.stuck).toBe(true);
    injector.update(2_000_000);
    expect(device.stuck).toBe(false);

    const models = new Map<string, SimSerialDevice | SimI2cDevice>([
      ['lidar', device],
      ['battery', register()],
    ]);
    expect(() => checkFaults([fault({ device: 'lidar', kind: 'nack', atS: 0 })], models, 's.yaml', 0)).toThrow(
      new ConfigError('s.yaml', 'robots[0].faults[0].kind', '"nack" applies to I2C devices only'),
    );
    expect(() => checkFaults([fault({ device: 'camera', kind: 'unplug', atS: 0 })], models, 's.yaml', 0)).toThrow(
      /robots\[0\]\.faults\[0\]\.device: the robot has no device "camera"/,
    );
    expect(() => checkFaults([fault({ device: 'battery', kind: 'press', atS: 0 })], models, 's.yaml', 0)).toThrow(
      /is not a button or switch/,
    );
  });
});
