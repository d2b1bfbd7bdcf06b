import type {
  MissionCancelMessage,
  MissionMessage,
  MissionResultMessage,
  MissionVerdictName,
} from '../messages/cortex-comms-protocol.js';

/** What the desk asks the cortex. */
type MissionQuestion = MissionMessage | MissionCancelMessage;
import type { MissionOrder, MissionView } from '../messages/mission.js';

/** How long the cortex may take to answer a mission order or a cancel, ms. */
export const MISSION_ANSWER_TIMEOUT_MS = 2_000;

/** The cortex's answer to an order or a cancel. */
export interface MissionAnswer {
  verdict: MissionVerdictName | 'no-answer';
  reason: string;
}

/**
 * The comms thread's one way to the cortex's missions, for the debug port and the uplink alike:
 * orders and cancels go to the cortex, each answered (or timed out) on its own id; the missions
 * the cortex last reported are kept for `GET /api/v1/missions`.
 */
export class MissionDesk {
  private readonly waiting = new Map<number, (answer: MissionAnswer) => void>();
  private nextId = 1;
  /** Every mission on the cortex's board, as it last reported them (empty before). */
  missions: MissionView[] = [];

  constructor(
    private readonly cortex: { postMessage(message: MissionQuestion): void } | null,
    private readonly timeoutMs = MISSION_ANSWER_TIMEOUT_MS,
  ) {}

  /** Queues an order with the cortex: accepted, or refused with the reason. */
  submit(order: MissionOrder): Promise<MissionAnswer> {
    return this.ask((id) => ({ t: 'mission', id, order }));
  }

  /** Aborts a mission, running or waiting. */
  cancel(missionId: string, reason: string): Promise<MissionAnswer> {
    return this.ask((id) => ({ t: 'mission-cancel', id, missionId, reason }));
  }

  /** The cortex answered. */
  answered(message: MissionResultMessage): void {
    const waiter = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    waiter?.({ verdict: message.verdict, reason: message.reason });
  }

  private ask(message: (id: number) => MissionQuestion): Promise<MissionAnswer> {
    const { cortex } = this;
    if (!cortex) return Promise.resolve({ verdict: 'no-answer', reason: 'no cortex to carry out missions' });
    return new Promise((resolve) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ verdict: 'no-answer', reason: `the cortex did not answer within ${this.timeoutMs} ms` });
      }, this.timeoutMs);
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      cortex.postMessage(message(id));
    });
  }
}
