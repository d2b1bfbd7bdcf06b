import type { LinkPort } from './protocol.js';

/**
 * The part of a Node IPC channel the link needs: a forked child's `process`, or the parent's
 * `ChildProcess` (both with `serialization: 'advanced'`, so byte arrays cross as they are).
 */
export interface IpcChannel {
  send?(message: unknown, callback: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** One link message on an IPC channel that carries other traffic too. */
export interface IpcLinkEnvelope<T> {
  t: 'link';
  m: T;
}

/** Whether an IPC message carries a link message. */
export function isLinkEnvelope(message: unknown): message is IpcLinkEnvelope<unknown> {
  return typeof message === 'object' && message !== null && (message as { t?: unknown }).t === 'link';
}

/**
 * A sim link over a process's IPC channel: the second backend of {@link LinkPort} beside a
 * worker_threads MessagePort. Link messages travel wrapped (`{t: 'link', m}`) so the channel can
 * carry the robot process's own traffic beside them; everything else on the channel is ignored
 * here. A message sent once the channel is closed is dropped (the world is gone).
 */
export class IpcLinkPort<TIn, TOut> implements LinkPort<TIn, TOut> {
  constructor(private readonly channel: IpcChannel) {}

  postMessage(message: TOut): void {
    try {
      // The callback takes the error of a channel closed under us: nothing is listening any more.
      this.channel.send?.({ t: 'link', m: message } satisfies IpcLinkEnvelope<TOut>, () => undefined);
    } catch {
      // Closed before the send: likewise.
    }
  }

  on(_event: 'message', listener: (message: TIn) => void): this {
    this.channel.on('message', (message) => {
      if (isLinkEnvelope(message)) listener(message.m as TIn);
    });
    return this;
  }
}
