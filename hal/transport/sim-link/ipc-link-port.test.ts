import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { IpcLinkPort, isLinkEnvelope } from './ipc-link-port.js';

/** An IPC channel stand-in: what is sent is kept; `deliver` plays what arrives. */
class FakeChannel extends EventEmitter {
  sent: unknown[] = [];
  closed = false;
  send(message: unknown, callback: (error: Error | null) => void): boolean {
    if (this.closed) throw new Error('ERR_IPC_CHANNEL_CLOSED');
    this.sent.push(message);
    callback(null);
    return true;
  }
}

describe('IpcLinkPort: the sim link over a process IPC channel', () => {
  it('GIVEN link traffic beside other traffic WHEN it arrives THEN only the link messages reach the link, unwrapped and in order', () => {
    const channel = new FakeChannel();
    const port = new IpcLinkPort<{ n: number }, { n: number }>(channel);
    const got: Array<{ n: number }> = [];
    port.on('message', (message) => got.push(message));
    channel.emit('message', { t: 'link', m: [{ n: 1 }, { n: 2 }] });
    channel.emit('message', { t: 'status', status: {} });
    channel.emit('message', null);
    channel.emit('message', { t: 'link', m: { n: 9 } });
    channel.emit('message', { t: 'link', m: [{ n: 3 }] });
    expect(got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('GIVEN link messages posted in one turn WHEN sent THEN they go out wrapped, together and in order; AND once the channel is closed a post is dropped, not thrown', async () => {
    const channel = new FakeChannel();
    const port = new IpcLinkPort<unknown, { n: number }>(channel);
    port.postMessage({ n: 7 });
    port.postMessage({ n: 8 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(channel.sent).toEqual([{ t: 'link', m: [{ n: 7 }, { n: 8 }] }]);
    expect(isLinkEnvelope(channel.sent[0])).toBe(true);
    channel.closed = true;
    port.postMessage({ n: 9 });
    await expect(new Promise((resolve) => setImmediate(resolve))).resolves.toBeUndefined();
    expect(channel.sent).toHaveLength(1);
  });
});
