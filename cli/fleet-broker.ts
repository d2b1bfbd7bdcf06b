import { startEmbeddedBroker, type EmbeddedBroker } from '../comms/mesh/embedded-broker.js';

/**
 * The simulator's mesh broker for a fleet that names none: the embedded broker on a free loopback
 * port, which a scenario's script may stop and start again on the same address (a broker outage).
 */
export class FleetBroker {
  private constructor(
    private running: EmbeddedBroker | null,
    private readonly port: number,
    readonly url: string,
  ) {}

  static async start(): Promise<FleetBroker> {
    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    return new FleetBroker(broker, broker.port, broker.url);
  }

  /** Stops the broker: every robot's connection drops. Says what it did. */
  async stop(): Promise<string> {
    if (!this.running) return 'the broker was already down';
    await this.running.close();
    this.running = null;
    return `the broker at ${this.url} is down`;
  }

  /** Starts it again on the same address. Says what it did. */
  async start(): Promise<string> {
    if (this.running) return 'the broker was already up';
    this.running = await startEmbeddedBroker({ host: '127.0.0.1', port: this.port });
    return `the broker at ${this.url} is up again`;
  }

  async close(): Promise<void> {
    await this.stop();
  }
}
