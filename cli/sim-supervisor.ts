import { SqliteSupervisorStore } from '../comms/supervisor/sqlite-supervisor-store.js';
import { SupervisorServer } from '../comms/supervisor/supervisor-server.js';
import type { SimEventDelivery } from '../simulator/report.js';

/** How long the end of a run waits for the robots' backlogs to reach the supervisor, ms of wall time. */
const DRAIN_TIMEOUT_MS = 5_000;

/** Most missing sequence numbers listed per robot in the report (the rest are counted). */
const MAX_MISSING_LISTED = 20;

/**
 * The supervisor `spinal sim` starts when no `uplink.target` is set: the reference supervisor on a
 * free loopback port with an in-memory store, so that every run exercises the uplink and its report
 * can say how many events never reached a supervisor (`eventsLost`). A fault may take it down and
 * bring it back on the same address with the same store (a supervisor restart).
 */
export class EmbeddedSupervisor {
  private constructor(
    private server: SupervisorServer | null,
    private readonly store: SqliteSupervisorStore,
    private readonly port: number,
    readonly address: string,
  ) {}

  static async start(): Promise<EmbeddedSupervisor> {
    const store = new SqliteSupervisorStore(':memory:');
    await store.init();
    const server = new SupervisorServer(store);
    const port = await server.listen('127.0.0.1:0');
    return new EmbeddedSupervisor(server, store, port, `127.0.0.1:${port}`);
  }

  /** Stops the server (every robot's link drops), keeping the store. Says what it did. */
  async down(): Promise<string> {
    if (!this.server) return 'the supervisor was already down';
    await this.server.stop();
    this.server = null;
    return `the supervisor at ${this.address} is down`;
  }

  /** A new server on the same address over the same store, as a restarted supervisor. Says what it did. */
  async up(): Promise<string> {
    if (this.server) return 'the supervisor was already up';
    const server = new SupervisorServer(this.store);
    await server.listen(`127.0.0.1:${this.port}`);
    this.server = server;
    return `the supervisor at ${this.address} is up again`;
  }

  /**
   * Events committed on the robots (`committed`: each robot's sequences) that the supervisor does
   * not hold, after waiting (bounded) for what is still on its way.
   */
  async eventsLost(committed: ReadonlyMap<string, readonly number[]>): Promise<number> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      let lost = 0;
      for (const [robotId, seqs] of committed) {
        const held = new Set((await this.store.events(robotId)).map((event) => event.seq));
        lost += seqs.filter((seq) => !held.has(seq)).length;
      }
      if (lost === 0 || Date.now() > deadline) return lost;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** What the store holds of each robot's events against what it committed (see {@link SimEventDelivery}). */
  async delivery(committed: ReadonlyMap<string, readonly number[]>): Promise<SimEventDelivery[]> {
    const out: SimEventDelivery[] = [];
    for (const [robotId, seqs] of committed) {
      const held = [...new Set((await this.store.events(robotId)).map((event) => event.seq))].sort((a, b) => a - b);
      out.push(eventDeliveryOf(robotId, seqs, held));
    }
    return out;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
    await this.store.close();
  }
}

/**
 * One robot's delivery: `held` (the supervisor's sequences, sorted) against `committed` (the
 * robot's). Gap free when every sequence from the first committed to the last held is held.
 */
export function eventDeliveryOf(
  robotId: string,
  committed: readonly number[],
  held: readonly number[],
): SimEventDelivery {
  const heldSet = new Set(held);
  const missing = committed.filter((seq) => !heldSet.has(seq));
  const firstSeq = committed.length > 0 ? Math.min(...committed) : (held[0] ?? null);
  const lastSeq = held.length > 0 ? held[held.length - 1]! : null;
  let gaps = 0;
  if (firstSeq !== null && lastSeq !== null) {
    for (let seq = firstSeq; seq <= lastSeq; seq++) if (!heldSet.has(seq)) gaps += 1;
  }
  return {
    robotId,
    committed: committed.length,
    held: held.length,
    firstSeq,
    lastSeq,
    gapFree: gaps === 0 && missing.length === 0,
    missingSeqs: missing.slice(0, MAX_MISSING_LISTED),
  };
}
