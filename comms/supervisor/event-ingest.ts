import type { StoredEvent, SupervisorStore } from './supervisor-store.js';

interface Pending {
  events: readonly StoredEvent[];
  stored(added: number): void;
  failed(error: Error): void;
}

/**
 * The supervisor's one way into its store: what every link received since the last commit goes
 * into one transaction. A flush starts on the next turn of the event loop after the first event
 * and, while one is being committed, the next gathers whatever arrives meanwhile, so under load the
 * transactions grow instead of queueing up (200 robots at 20 events/s each are a few commits a
 * second, not 4,000). Each link learns, in the order it gave them, when its events are stored and
 * how many were new.
 */
export class EventIngest {
  private pending: Pending[] = [];
  private scheduled = false;
  private committing = false;

  constructor(private readonly store: SupervisorStore) {}

  /** Queues one link's events (in its order); `stored` is called once they are committed, `failed` if the store refused them. */
  add(events: readonly StoredEvent[], stored: (added: number) => void, failed: (error: Error) => void): void {
    if (events.length === 0) return;
    this.pending.push({ events, stored, failed });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.committing) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.committing = true;
    try {
      const added = await this.store.insertEvents(batch.map((p) => p.events));
      batch.forEach((p, i) => p.stored(added[i] ?? 0));
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      for (const p of batch) p.failed(reason);
    } finally {
      this.committing = false;
      if (this.pending.length > 0) this.schedule();
    }
  }
}
