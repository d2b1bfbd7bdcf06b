import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.js';

const brokers: EmbeddedBroker[] = [];
afterEach(async () => {
  for (const broker of brokers.splice(0)) await broker.close();
});

describe('the embedded broker', () => {
  it('listens on a free port and carries a message from one client to another', async () => {
    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    brokers.push(broker);
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    const sub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const pub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    await sub.subscribeAsync('spinal/v1/f/+/+');
    const got = new Promise<string>((resolve) =>
      sub.on('message', (topic, payload) => resolve(`${topic}=${payload.toString()}`)),
    );
    await pub.publishAsync('spinal/v1/f/robot-2/state', 'hi', { qos: 1 });
    expect(await got).toBe('spinal/v1/f/robot-2/state=hi');
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it('drops its clients when closed, and the port can be bound again', async () => {
    const first = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    const client = await mqtt.connectAsync(first.url, { reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await first.close();
    await closed;
    const second = await startEmbeddedBroker({ host: '127.0.0.1', port: first.port });
    brokers.push(second);
    expect(second.port).toBe(first.port);
    client.end(true);
  });

  it('says which address it could not bind', async () => {
    const first = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    brokers.push(first);
    await expect(startEmbeddedBroker({ host: '127.0.0.1', port: first.port })).rejects.toThrow(
      `cannot listen on 127.0.0.1:${first.port}`,
    );
  });
});
