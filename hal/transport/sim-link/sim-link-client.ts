import createDebug from 'debug';
import type { VirtualClock } from '../../../time/virtual-clock.js';
import { TransportError, type TransportErrorCode } from '../transport-error.js';
import type {
  GpioEdgeEvent,
  LinkPort,
  ReplyOk,
  RobotToWorld,
  SerialClosed,
  SerialData,
  Tick,
  WorldToRobot,
} from './protocol.js';

const log = createDebug('spinal:hal:sim-link');

type WithoutReqId<T> = T extends { reqId: number } ? Omit<T, 'reqId'> : never;
export type SimRequest = WithoutReqId<RobotToWorld>;

/**
 * The robot's end of the simulator link. It moves the robot's virtual clock to the stamp of
 * every message before handing the message on, so device drivers see the sim time at which the
 * bytes left the simulated wire; and it answers the world's `tick` once the robot is idle.
 */
export class SimLinkClient {
  private nextReqId = 1;
  private readonly pending = new Map<number, { resolve: (r: ReplyOk) => void; reject: (e: TransportError) => void }>();
  private readonly serialData = new Map<string, (msg: SerialData) => void>();
  private readonly serialClosed = new Map<string, (msg: SerialClosed) => void>();
  private readonly gpioEdges = new Map<string, (msg: GpioEdgeEvent) => void>();
  private tickHandler: ((tick: Tick) => Promise<void>) | null;
  /** Called once no request is in flight. */
  private drainWaiters: Array<() => void> = [];
  /** A tick that came before the handler was set, when ticks wait for it. */
  private heldTick: Tick | null = null;

  /**
   * `waitForTickHandler`: hold the world's first tick (and so its clock) until {@link onTick} is
   * called, so that everything the robot does while starting up happens at sim time 0 whatever
   * the start-up costs in wall time. Default false: ticks are answered as soon as the robot is idle.
   */
  constructor(
    private readonly port: LinkPort<WorldToRobot, RobotToWorld>,
    private readonly clock: VirtualClock,
    options: { waitForTickHandler?: boolean } = {},
  ) {
    this.tickHandler = options.waitForTickHandler ? null : async () => undefined;
    port.on('message', (message) => this.receive(message));
  }

  /** What runs at every tick before `tick-done` goes back (the robot's lock-step work). */
  onTick(handler: (tick: Tick) => Promise<void>): void {
    this.tickHandler = handler;
    const held = this.heldTick;
    this.heldTick = null;
    if (held) this.runTick(held, handler);
  }

  /** Sends a request that the world answers with `reply`; rejects with a TransportError. */
  request(message: SimRequest): Promise<ReplyOk> {
    const reqId = this.nextReqId++;
    return new Promise<ReplyOk>((resolve, reject) => {
      this.pending.set(reqId, { resolve, reject });
      this.port.postMessage({ ...message, reqId } as RobotToWorld);
    });
  }

  /** Sends a message that has no answer (serial bytes, GPIO writes). */
  send(message: RobotToWorld): void {
    this.port.postMessage(message);
  }

  listenSerial(path: string, onData: (msg: SerialData) => void, onClosed: (msg: SerialClosed) => void): void {
    this.serialData.set(path, onData);
    this.serialClosed.set(path, onClosed);
  }

  unlistenSerial(path: string): void {
    this.serialData.delete(path);
    this.serialClosed.delete(path);
  }

  listenGpio(chipLabel: string, line: number, onEdge: (msg: GpioEdgeEvent) => void): void {
    this.gpioEdges.set(`${chipLabel}:${line}`, onEdge);
  }

  /** The robot's clock now (stamps for writes that fall between ticks). */
  nowUs(): number {
    return this.clock.nowUs();
  }

  /** Requests still waiting for the world's answer. */
  inFlight(): number {
    return this.pending.size;
  }

  /**
   * Resolves once no request is in flight and the callbacks they triggered have run. It waits for
   * the world's answers however long they take (the world answers requests at any time), so a
   * tick is never answered with a request still on its way: a loaded machine changes nothing.
   */
  async settled(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.pending.size === 0) return;
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
  }

  private runTick(tick: Tick, handler: (tick: Tick) => Promise<void>): void {
    this.clock.advanceTo(tick.simTimeUs);
    void handler(tick)
      .catch((error: unknown) => log('tick handler failed: %O', error))
      .then(() => this.settled())
      .then(() => this.port.postMessage({ t: 'tick-done', seq: tick.seq }));
  }

  private receive(message: WorldToRobot): void {
    switch (message.t) {
      case 'reply': {
        const waiter = this.pending.get(message.reqId);
        if (!waiter) return;
        this.pending.delete(message.reqId);
        if (message.ok) waiter.resolve(message);
        else waiter.reject(new TransportError(message.code as TransportErrorCode, message.message));
        if (this.pending.size === 0 && this.drainWaiters.length > 0) {
          const waiters = this.drainWaiters;
          this.drainWaiters = [];
          for (const resolve of waiters) resolve();
        }
        return;
      }
      case 'serial-data':
        this.clock.advanceTo(message.simTimeUs);
        this.serialData.get(message.path)?.(message);
        return;
      case 'serial-closed':
        this.clock.advanceTo(message.simTimeUs);
        this.serialClosed.get(message.path)?.(message);
        return;
      case 'gpio-edge':
        this.clock.advanceTo(message.simTimeUs);
        this.gpioEdges.get(`${message.chipLabel}:${message.line}`)?.(message);
        return;
      case 'tick':
        if (this.tickHandler) this.runTick(message, this.tickHandler);
        else this.heldTick = message;
        return;
      default:
        log('dropped an unknown message from the world: %O', message);
    }
  }
}
