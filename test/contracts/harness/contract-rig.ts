import { boardSchema, type BoardConfig, type BusConfig } from '../../../config/board-schema.js';
import { createBuiltinRegistry } from '../../../hal/builtin-models.js';
import type { Device, DeviceKind } from '../../../hal/device-api.js';
import { bindDevices } from '../../../hal/device-binding.js';
import type { TransportBackends } from '../../../hal/registry.js';
import { createSimHardware } from '../../../simulator/devices/builtin-sim-devices.js';
import type { SimDevice, SimGpioLine } from '../../../simulator/devices/sim-device.js';
import type { VirtualClock } from '../../../time/virtual-clock.js';
import { SimLinkPair } from '../../harness/sim-link-pair.js';
import type { ContractWorld } from './contract-world.js';
import { MockTransportBridge } from './mock-transport-bridge.js';

/**
 * The two ways a contract suite runs every model: the driver over the simulated backends and the
 * sim link (`SimLinkPair`), and the same driver over the real backend classes whose mock transports
 * are bridged to the same simulator model ({@link MockTransportBridge}).
 */
export const CONTRACT_BACKENDS = ['simulated', 'real backend + mock transport'] as const;
export type ContractBackend = (typeof CONTRACT_BACKENDS)[number];

/** The simulator's default lock-step quantum (`sim.quantumMs`), microseconds. */
export const QUANTUM_US = 5_000;

/** How a promise ended. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * A robot and a world joined by one of the {@link CONTRACT_BACKENDS}, driven by hand in lock-step
 * quanta on a virtual clock. The world is a {@link ContractWorld}, moved to each quantum's end.
 */
export interface ContractRig {
  readonly backend: ContractBackend;
  readonly clock: VirtualClock;
  readonly backends: TransportBackends;
  /** Sim time of the last quantum, microseconds. */
  nowUs(): number;
  /** Quanta of {@link QUANTUM_US} until `toUs`. */
  runUntil(toUs: number, world: ContractWorld): Promise<void>;
  /** Quanta for `forUs` from now. */
  runFor(forUs: number, world: ContractWorld): Promise<void>;
  /** Runs quanta until `promise` settles (at most `forUs`, default 2 s) and says how it ended. */
  settle<T>(promise: Promise<T>, world: ContractWorld, forUs?: number): Promise<Outcome<T>>;
  /** Cuts (or mends) GPIO lines: opening and reading them fail with EIO. */
  setGpioFault(lines: readonly SimGpioLine[], broken: boolean): void;
  close(): void;
}

abstract class LockStepRig implements ContractRig {
  abstract readonly backend: ContractBackend;
  abstract readonly clock: VirtualClock;
  abstract readonly backends: TransportBackends;
  abstract nowUs(): number;
  abstract setGpioFault(lines: readonly SimGpioLine[], broken: boolean): void;
  abstract close(): void;
  /** One quantum ending at `toUs`, the world already moved there. */
  protected abstract step(toUs: number, world: ContractWorld): Promise<void>;
  /** Lets the robot finish what it started without moving time. */
  protected abstract idle(): Promise<void>;

  async runUntil(toUs: number, world: ContractWorld): Promise<void> {
    while (this.nowUs() < toUs) {
      const stepTo = Math.min(toUs, this.nowUs() + QUANTUM_US);
      world.moveTo(stepTo);
      await this.step(stepTo, world);
    }
  }

  runFor(forUs: number, world: ContractWorld): Promise<void> {
    return this.runUntil(this.nowUs() + forUs, world);
  }

  async settle<T>(promise: Promise<T>, world: ContractWorld, forUs = 2_000_000): Promise<Outcome<T>> {
    let done = false;
    const outcome = promise.then(
      (value): Outcome<T> => ({ ok: true, value }),
      (error: unknown): Outcome<T> => ({ ok: false, error }),
    );
    void outcome.then(() => (done = true));
    await this.idle();
    const untilUs = this.nowUs() + forUs;
    while (!done && this.nowUs() < untilUs) await this.runFor(QUANTUM_US, world);
    return outcome;
  }
}

class SimulatedRig extends LockStepRig {
  readonly backend = 'simulated' as const;
  private readonly pair: SimLinkPair;

  constructor(devices: readonly SimDevice[]) {
    super();
    this.pair = new SimLinkPair(devices);
  }

  get clock(): VirtualClock {
    return this.pair.clock;
  }

  get backends(): TransportBackends {
    return this.pair.backends;
  }

  nowUs(): number {
    return this.pair.nowUs();
  }

  setGpioFault(lines: readonly SimGpioLine[], broken: boolean): void {
    this.pair.server.setGpioFault(lines, broken);
  }

  close(): void {
    this.pair.close();
  }

  protected step(toUs: number, world: ContractWorld): Promise<void> {
    return this.pair.step(toUs, world.view);
  }

  protected idle(): Promise<void> {
    return this.pair.client.settled();
  }
}

class BridgedRig extends LockStepRig {
  readonly backend = 'real backend + mock transport' as const;
  private readonly bridge: MockTransportBridge;

  constructor(devices: readonly SimDevice[]) {
    super();
    this.bridge = new MockTransportBridge(devices);
  }

  get clock(): VirtualClock {
    return this.bridge.clock;
  }

  get backends(): TransportBackends {
    return this.bridge.backends;
  }

  nowUs(): number {
    return this.bridge.nowUs();
  }

  setGpioFault(lines: readonly SimGpioLine[], broken: boolean): void {
    this.bridge.setGpioFault(lines, broken);
  }

  close(): void {
    this.bridge.close();
  }

  protected step(toUs: number, world: ContractWorld): Promise<void> {
    return this.bridge.step(toUs, world.view);
  }

  protected idle(): Promise<void> {
    return this.bridge.idle();
  }
}

/** A rig of `backend` with the given device models in its world. */
export function createContractRig(backend: ContractBackend, devices: readonly SimDevice[]): ContractRig {
  return backend === 'simulated' ? new SimulatedRig(devices) : new BridgedRig(devices);
}

/** The board-config node of the one device a contract case binds. */
export interface ContractNode {
  bus: BusConfig;
  device: {
    id: string;
    compatible: string;
    address?: number;
    pins?: Record<string, number>;
    params?: Record<string, unknown>;
  };
}

/** The file name contract boards are reported under (they are built in memory). */
const CONTRACT_BOARD_FILE = 'contract-board.yaml';

/** A board with one bus and one device, validated by the board schema. The robot section is filler the binding ignores. */
export function contractBoard(node: ContractNode): BoardConfig {
  return boardSchema.parse({
    board: 'contract',
    robot: {
      footprint: { lengthM: 0.3, widthM: 0.25 },
      wheelBaseM: 0.2,
      maxWheelSpeedMps: 0.5,
      drive: { left: 'motors.M1', right: 'motors.M2' },
      lidar: 'lidar',
    },
    buses: [node.bus],
    devices: [{ ...node.device, bus: node.bus.id }],
  });
}

/** A device bound from its board node, its simulator model, and the rig joining them. */
export interface BoundContractDevice {
  rig: ContractRig;
  /** The driver, bound by `bindDevices` and the built-in registry, as `spinal run` and `spinal sim` bind it. */
  device: Device;
  /** The simulator model, built by `createSimHardware` from the same node, as `spinal sim` builds it. */
  model: SimDevice;
}

/**
 * Builds the simulator model and the driver of one board node, joined by a rig of `backend`: the
 * model from `createSimHardware`, the driver from `bindDevices` with the rig's clock and backends.
 * The caller closes `rig`.
 */
export function bindContractDevice(backend: ContractBackend, node: ContractNode): BoundContractDevice {
  const board = contractBoard(node);
  const hardware = createSimHardware(board, CONTRACT_BOARD_FILE);
  const model = hardware.byId.get(node.device.id);
  if (!model) throw new Error(`the simulator built no model for ${node.device.compatible}`);
  const rig = createContractRig(backend, hardware.devices);
  try {
    const [device] = bindDevices(board, CONTRACT_BOARD_FILE, createBuiltinRegistry(), rig.clock, rig.backends);
    if (!device) throw new Error(`no device bound for ${node.device.compatible}`);
    return { rig, device, model };
  } catch (error) {
    rig.close();
    throw error;
  }
}

/** Compatible strings of every registered model of `kind`, sorted. */
export function registeredCompatibles(kind: DeviceKind): string[] {
  return createBuiltinRegistry()
    .list()
    .filter((model) => model.kind === kind)
    .map((model) => model.compatible)
    .sort();
}
