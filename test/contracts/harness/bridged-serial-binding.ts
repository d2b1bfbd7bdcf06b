import createDebug from 'debug';
import { SerialPortMock } from 'serialport';
import type { SerialBinding } from '../../../hal/transport/serial/serialport-backend.js';
import type { SimSerialDevice, SimWorldView } from '../../../simulator/devices/sim-device.js';
import type { BridgeWire } from './bridge-wire.js';

const log = createDebug('spinal:test:bridged-serial');

/** `MockBinding` from `@serialport/binding-mock`, the binding serialport itself tests with. */
const MockBinding = SerialPortMock.binding;
type MockPort = Awaited<ReturnType<typeof MockBinding.open>>;
type MockOpenOptions = Parameters<typeof MockBinding.open>[0];

/** Bytes a device model owes the host, due at a sim time. */
export interface SerialDelivery {
  atUs: number;
  deliver(): void;
}

/**
 * `MockBinding` with a simulator device model behind each port: a port exists for every model's
 * path; opening it opens the model at the requested baud rate; bytes the host writes (through
 * serialport's stream and the binding's `write`) reach the model's `write`, DTR/RTS changes its
 * `setSignals`, closing the port its `close`; what the model's `advance` produces is handed out
 * as {@link SerialDelivery}s, which emit the bytes into the open mock port for serialport to read.
 *
 * `MockBinding` keeps its ports in module state: one bridge at a time per test file (the
 * constructor resets it, {@link BridgedSerialBinding.close} too).
 */
export class BridgedSerialBinding {
  /** The binding to give `SerialportBackend`. */
  readonly binding: SerialBinding;
  private readonly devices = new Map<string, SimSerialDevice>();
  private readonly openPorts = new Map<string, MockPort>();

  constructor(
    devices: readonly SimSerialDevice[],
    private readonly wire: BridgeWire,
  ) {
    MockBinding.reset();
    for (const device of devices) {
      this.devices.set(device.path, device);
      MockBinding.createPort(device.path);
    }
    this.binding = {
      list: () => MockBinding.list(),
      open: (options) => this.open(options as MockOpenOptions),
    };
  }

  /** Everything the open ports' models produce up to `toUs`, in the order they produce it. */
  collect(toUs: number, world: SimWorldView): SerialDelivery[] {
    const deliveries: SerialDelivery[] = [];
    for (const [path, port] of this.openPorts) {
      const device = this.devices.get(path);
      if (!device) continue;
      for (const chunk of device.advance(toUs, world)) {
        deliveries.push({
          atUs: chunk.simTimeUs,
          deliver: () => {
            if (!port.isOpen) return;
            this.wire.touch();
            port.emitData(Buffer.from(chunk.bytes));
          },
        });
      }
    }
    return deliveries;
  }

  /** Whether bytes emitted into a port are still waiting for serialport to read them. */
  hasUnreadData(): boolean {
    for (const port of this.openPorts.values()) if (port.isOpen && port.port.data.length > 0) return true;
    return false;
  }

  close(): void {
    this.openPorts.clear();
    MockBinding.reset();
  }

  private async open(options: MockOpenOptions): Promise<MockPort> {
    this.wire.touch();
    const port = await MockBinding.open(options);
    const device = this.devices.get(options.path);
    if (!device) return port;
    device.open(options.baudRate, this.wire.worldUs());
    this.openPorts.set(options.path, port);
    log('%s open at %d baud', options.path, options.baudRate);

    const write = port.write.bind(port);
    port.write = async (buffer: Buffer): Promise<void> => {
      await write(buffer);
      this.wire.touch();
      device.write(new Uint8Array(buffer), this.wire.worldUs());
    };
    const set = port.set.bind(port);
    port.set = async (signals): Promise<void> => {
      await set(signals);
      this.wire.touch();
      device.setSignals({ dtr: signals.dtr, rts: signals.rts }, this.wire.worldUs());
    };
    const close = port.close.bind(port);
    port.close = async (): Promise<void> => {
      await close();
      this.wire.touch();
      if (this.openPorts.get(options.path) === port) this.openPorts.delete(options.path);
      device.close();
      log('%s closed', options.path);
    };
    return port;
  }
}
