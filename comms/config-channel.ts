import type { Requester } from '../messages/runtime-event.js';
import type { ConfigResultMessage, ConfigUpdateMessage } from './comms-thread-protocol.js';

/** A config update on its way to the main thread, which applies it. */
export interface ConfigUpdateRequest {
  version: number;
  values: Record<string, number | boolean | string>;
  by: Requester;
}

/** What becomes of a config update: in force (`accepted`), or refused with the reason. */
export interface ConfigUpdateAnswer {
  accepted: boolean;
  reason: string;
}

/** Where a checked config update goes: the main thread, which answers once it is in force, or why not. */
export type ConfigChannel = (update: ConfigUpdateRequest) => Promise<ConfigUpdateAnswer>;

/**
 * The comms thread's side of config updates: each goes to the main thread as `config-update` with an
 * id, and its promise settles with the `config-result` of that id. Without an answer within
 * `timeoutMs` (wall time) it settles refused, saying that whether it took effect is unknown.
 */
export class MainThreadConfigChannel {
  private readonly waiting = new Map<number, (answer: ConfigUpdateAnswer) => void>();
  private nextId = 1;

  constructor(
    private readonly post: (message: ConfigUpdateMessage) => void,
    private readonly timeoutMs: number,
  ) {}

  /** The channel to hand to whoever receives config updates. */
  readonly send: ConfigChannel = (update) =>
    new Promise((resolve) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({
          accepted: false,
          reason: `no answer from the reflex thread within ${this.timeoutMs} ms; whether it took effect shows in the status (config version)`,
        });
      }, this.timeoutMs);
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.post({ t: 'config-update', id, ...update });
    });

  /** The main thread's answer. */
  answered(message: ConfigResultMessage): void {
    const waiter = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    waiter?.({ accepted: message.accepted, reason: message.reason });
  }
}
