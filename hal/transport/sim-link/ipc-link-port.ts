import type { LinkPort } from './protocol.js';

/**
 * The part of a Node IPC channel the link needs: a forked child's `process`, or the parent's
 * `ChildProcess` (both with `serialization: 'advanced'`, so byte arrays cross as they are).
 */
export interface IpcChannel {
  send?(message: unknown, callback: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Link messages, in order, on an IPC channel that carries other traffic too. */
export interface IpcLinkEnvelope<T> {
  t: 'link';
  m: T[];
}

/** Whether an IPC message carries a link message. */
export function isLinkEnvelope(message: unknown): message is IpcLinkEnvelope<unknown> {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { t?: unknown }).t === 'link' &&
    Array.isArray((message as { m?: unknown }).m)
  );
}

/**
 * A sim link over a process's IPC channel: the second backend of {@link LinkPort} beside a
 * worker_threads MessagePort. Link messages travel wrapped (`{t: 'link', m: [...]}`) so the channel
 * can carry the robot process's own traffic beside them; everything else on the channel is ignored
 * here. The messages posted in one turn of the event loop (a quantum's device output and its tick)
 * go out together, in order, in one send. A message sent once the channel is closed is dropped
 * (the other end is gone).
 */
export class IpcLinkPort<TIn, TOut> implements LinkPort<TIn, TOut> {
  private batch: TOut[] = [];

  constructor(private readonly channel: IpcChannel) {}

  postMessage(message: TOut): void {
    this.batch.push(message);
    if (this.batch.length === 1) setImmediate(() => this.flush());
  }

  on(_event: 'message', listener: (message: TIn) => void): this {
    this.channel.on('message', (message) => {
      if (isLinkEnvelope(message)) for (const m of message.m) listener(m as TIn);
    });
    return this;
  }

  private flush(): void {
    const m = this.batch;
    this.batch = [];
    try {
      // The callback takes the error of a channel closed under us: nothing is listening any more.
      this.channel.send?.({ t: 'link', m } satisfies IpcLinkEnvelope<TOut>, () => undefined);
    } catch {
      // Closed before the send: likewise.
    }
  }
}
