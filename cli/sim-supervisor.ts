import { SqliteSupervisorStore } from '../comms/supervisor/sqlite-supervisor-store.js';
import { SupervisorServer } from '../comms/supervisor/supervisor-server.js';

/** How long the end of a run waits for the robots' backlogs to reach the supervisor, ms of wall time. */
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * The supervisor `spinal sim` starts when no `uplink.target` is set: the reference supervisor on a
 * free loopback port with an in-memory store, so that every run exercises the uplink and its report
 * can say how many events never reached a supervisor (`eventsLost`).
 */
export class EmbeddedSupervisor {
  private constructor(
    private readonly server: SupervisorServer,
    private readonly store: SqliteSupervisorStore,
    readonly address: string,
  ) {}

  static async start(): Promise<EmbeddedSupervisor> {
    const store = new SqliteSupervisorStore(':memory:');
    await store.init();
    const server = new SupervisorServer(store);
    const port = await server.listen('127.0.0.1:0');
    return new EmbeddedSupervisor(server, store, `127.0.0.1:${port}`);
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

  async stop(): Promise<void> {
    await this.server.stop();
    await this.store.close();
  }
}
