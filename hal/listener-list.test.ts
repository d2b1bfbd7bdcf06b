import { describe, expect, it } from 'vitest';
import { HealthTracker } from './device-health.js';
import { ListenerList } from './listener-list.js';

const callAll = (list: ListenerList<(value: number) => void>, value: number): void => {
  for (const listener of list) listener(value);
};

describe('ListenerList', () => {
  it('calls every listener in the order they subscribed, until each unsubscribes', () => {
    const list = new ListenerList<(value: number) => void>();
    const seen: string[] = [];
    const endA = list.add((v) => seen.push(`a${v}`));
    list.add((v) => seen.push(`b${v}`));
    callAll(list, 1);
    endA();
    callAll(list, 2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
    expect(list.size).toBe(1);
  });

  it('ends only its own subscription, once, even when the same function subscribed twice', () => {
    const list = new ListenerList<(value: number) => void>();
    const seen: number[] = [];
    const listener = (v: number): void => void seen.push(v);
    const first = list.add(listener);
    list.add(listener);
    first();
    first();
    callAll(list, 7);
    expect(seen).toEqual([7]);
  });

  it('a listener that unsubscribes while being called does not keep the others from their call', () => {
    const list = new ListenerList<(value: number) => void>();
    const seen: string[] = [];
    const endA: () => void = list.add(() => {
      seen.push('a');
      endA();
    });
    list.add(() => seen.push('b'));
    callAll(list, 0);
    callAll(list, 0);
    expect(seen).toEqual(['a', 'b', 'b']);
  });
});

describe('HealthTracker subscriptions', () => {
  it('stops telling a listener about changes once it unsubscribed', () => {
    const tracker = new HealthTracker(0);
    const states: string[] = [];
    const end = tracker.onChange((health) => states.push(health.state));
    tracker.set('ok', '', 1);
    end();
    tracker.set('failed', 'gone', 2);
    expect(states).toEqual(['ok']);
  });
});
