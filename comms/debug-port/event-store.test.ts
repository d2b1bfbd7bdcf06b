import { describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import { EventStore } from './event-store.js';

function event(seq: number): RuntimeEvent {
  return { seq, atUs: seq * 1_000, kind: 'mission', mission: 'goto', state: 'active' };
}

describe('EventStore', () => {
  it('answers the events after a sequence number, oldest first, a page at a time', () => {
    const store = new EventStore();
    for (let seq = 1; seq <= 5; seq++) store.add(event(seq));
    expect(store.since(2, 10).events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(store.since(0, 2).events.map((e) => e.seq)).toEqual([1, 2]);
    expect(store.since(5, 10)).toEqual({ events: [], firstSeq: 1, lastSeq: 5 });
  });

  it('keeps only the newest events when full, and says where its window starts', () => {
    const store = new EventStore(3);
    for (let seq = 1; seq <= 5; seq++) store.add(event(seq));
    const page = store.since(0, 10);
    expect(page.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(page.firstSeq).toBe(3);
  });

  it('ignores an event that is not newer than the last one (a replay)', () => {
    const store = new EventStore();
    store.add(event(1));
    store.add(event(2));
    store.add(event(2));
    store.add(event(1));
    expect(store.since(0, 10).events.map((e) => e.seq)).toEqual([1, 2]);
  });
});
