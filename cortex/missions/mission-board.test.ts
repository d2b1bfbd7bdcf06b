import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MissionOrder, MissionState, MissionTransition } from '../../messages/mission.js';
import { MissionBoard } from './mission-board.js';
import { canTransition, MISSION_TRANSITIONS } from './mission-lifecycle.js';

function order(id: string, priority = 50): MissionOrder {
  return { id, priority, source: 'debug-port', mission: { kind: 'goto', goal: { xM: 1, yM: 2 }, toleranceM: 0.2 } };
}

function setUp() {
  const transitions: MissionTransition[] = [];
  const board = new MissionBoard<null>((t) => transitions.push(t));
  const states = (): Record<string, MissionState> =>
    Object.fromEntries(board.records().map((r) => [r.order.id, r.state]));
  const of = (id: string): string[] => transitions.filter((t) => t.id === id).map((t) => `${t.from}>${t.to}@${t.atUs}`);
  return { board, transitions, states, of };
}

describe('MissionBoard: every transition of the mission state machine, at injected times', () => {
  it('queued → active → succeeded: a mission waits, starts when it comes first, and ends reached', () => {
    const { board, of } = setUp();
    board.submit(order('a'), 1_000);
    expect(board.active).toBeNull();
    expect(board.startNext(2_000)?.order.id).toBe('a');
    board.finish('succeeded', 'every point reached', 3_000);
    expect(of('a')).toEqual(['idle>queued@1000', 'queued>active@2000', 'active>succeeded@3000']);
    expect(board.active).toBeNull();
    expect(board.startNext(4_000)).toBeNull();
  });

  it('active → held → active: the reflex holds the robot and lets it go; a second hold while held changes nothing', () => {
    const { board, of, transitions } = setUp();
    board.submit(order('a'), 0);
    board.startNext(0);
    board.hold('held by the reflex: obstacle', 10);
    board.hold('held by the reflex: obstacle', 20);
    board.release(30);
    board.release(40);
    expect(of('a')).toEqual(['idle>queued@0', 'queued>active@0', 'active>held@10', 'held>active@30']);
    expect(transitions.find((t) => t.to === 'held')?.reason).toBe('held by the reflex: obstacle');
  });

  it('active → failed and held → failed, with the reason', () => {
    const { board, transitions } = setUp();
    board.submit(order('a'), 0);
    board.startNext(0);
    board.finish('failed', 'no way to (1.00, 2.00) on the map', 5);
    board.submit(order('b'), 6);
    board.startNext(6);
    board.hold('held by the e-stop', 7);
    board.finish('failed', 'gave up', 8);
    expect(transitions.filter((t) => t.to === 'failed').map((t) => [t.id, t.from, t.reason, t.atUs])).toEqual([
      ['a', 'active', 'no way to (1.00, 2.00) on the map', 5],
      ['b', 'held', 'gave up', 8],
    ]);
  });

  it('active → preempted → active: a higher priority runs first, then the preempted one resumes', () => {
    const { board, of } = setUp();
    board.submit(order('patrol', 40), 0);
    board.startNext(0);
    board.submit(order('urgent', 80), 100);
    // The preempted mission stops at once; the new one starts at the next step.
    expect(board.active).toBeNull();
    expect(board.startNext(110)?.order.id).toBe('urgent');
    board.finish('succeeded', 'reached', 200);
    expect(board.startNext(210)?.order.id).toBe('patrol');
    expect(of('patrol')).toEqual(['idle>queued@0', 'queued>active@0', 'active>preempted@100', 'preempted>active@210']);
    expect(of('urgent')).toEqual(['idle>queued@100', 'queued>active@110', 'active>succeeded@200']);
  });

  it('held → preempted: a held mission gives way to a higher one too', () => {
    const { board, of } = setUp();
    board.submit(order('a', 10), 0);
    board.startNext(0);
    board.hold('held by a peer', 1);
    board.submit(order('b', 20), 2);
    expect(of('a')).toContain('held>preempted@2');
  });

  it('an equal or lower priority waits its turn: no preemption, first come first served among equals', () => {
    const { board } = setUp();
    board.submit(order('a', 50), 0);
    board.startNext(0);
    board.submit(order('b', 50), 1);
    board.submit(order('c', 10), 2);
    board.submit(order('d', 50), 3);
    expect(board.active?.order.id).toBe('a');
    const next: string[] = [];
    for (let t = 10; t < 14; t++) {
      board.finish('succeeded', 'reached', t);
      const running = board.startNext(t);
      if (running) next.push(running.order.id);
    }
    expect(next).toEqual(['b', 'd', 'c']);
  });

  it('queued, active, held and preempted → aborted; an unknown or ended id is not found', () => {
    const { board, of } = setUp();
    board.submit(order('running', 60), 0);
    board.startNext(0);
    board.submit(order('waiting', 10), 1);
    expect(board.cancel('waiting', 'aborted from the debug port', 2)).toBe(true);
    board.hold('held', 3);
    expect(board.cancel('running', 'aborted from the debug port', 4)).toBe(true);
    board.submit(order('low', 10), 5);
    board.startNext(5);
    board.submit(order('high', 90), 6);
    expect(board.cancel('low', 'aborted', 7)).toBe(true);
    expect(board.cancel('nope', 'aborted', 8)).toBe(false);
    expect(board.cancel('low', 'aborted again', 9)).toBe(false);
    expect(of('waiting').at(-1)).toBe('queued>aborted@2');
    expect(of('running').at(-1)).toBe('held>aborted@4');
    expect(of('low').at(-1)).toBe('preempted>aborted@7');
  });

  it('the table allows nothing out of an ended state, and the board never makes a change the table does not allow', () => {
    for (const end of ['succeeded', 'failed', 'aborted'] as const) expect(MISSION_TRANSITIONS[end]).toEqual([]);
    expect(canTransition('queued', 'held')).toBe(false);
    expect(canTransition('preempted', 'succeeded')).toBe(false);
  });
});

type Op =
  | { op: 'submit'; priority: number }
  | { op: 'step' }
  | { op: 'hold' }
  | { op: 'release' }
  | { op: 'finish'; ok: boolean }
  | { op: 'cancel'; pick: number };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('submit' as const), priority: fc.integer({ min: 0, max: 100 }) }),
    fc.record({ op: fc.constant('step' as const) }),
    fc.record({ op: fc.constant('hold' as const) }),
    fc.record({ op: fc.constant('release' as const) }),
    fc.record({ op: fc.constant('finish' as const), ok: fc.boolean() }),
    fc.record({ op: fc.constant('cancel' as const), pick: fc.nat({ max: 40 }) }),
  ),
  { maxLength: 120 },
);

describe('MissionBoard (property: any sequence of orders, holds, ends and cancels)', () => {
  it('only makes changes the table allows, runs one mission at most, never loses one, and always runs the highest priority', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        const { board, transitions } = setUp();
        const submitted: string[] = [];
        let t = 0;
        for (const step of sequence) {
          t += 1;
          switch (step.op) {
            case 'submit': {
              const id = `m${submitted.length}`;
              submitted.push(id);
              board.submit(order(id, step.priority), t);
              break;
            }
            case 'step':
              board.startNext(t);
              break;
            case 'hold':
              board.hold('held', t);
              break;
            case 'release':
              board.release(t);
              break;
            case 'finish':
              board.finish(step.ok ? 'succeeded' : 'failed', 'ended', t);
              break;
            case 'cancel':
              board.cancel(`m${step.pick}`, 'aborted', t);
              break;
          }
          // At every moment: the running mission's priority is the highest of every mission not yet ended.
          const running = board.active;
          const waiting = board.records().filter((r) => r.state === 'queued' || r.state === 'preempted');
          if (running) {
            expect(['active', 'held']).toContain(running.state);
            for (const w of waiting) expect(w.order.priority).toBeLessThanOrEqual(running.order.priority);
          }
        }
        // Every reported change is allowed by the table, and each mission's changes form one chain from idle.
        const last = new Map<string, MissionState>();
        for (const change of transitions) {
          expect(canTransition(change.from, change.to), `${change.from} -> ${change.to}`).toBe(true);
          expect(change.from).toBe(last.get(change.id) ?? 'idle');
          last.set(change.id, change.to);
        }
        // No mission is lost: each submitted one is on the board (the last 20 ended ones are kept) in the state its changes say.
        const onBoard = new Map(board.records().map((r) => [r.order.id, r.state]));
        const ended = submitted.filter((id) => ['succeeded', 'failed', 'aborted'].includes(last.get(id)!));
        for (const id of submitted) {
          if (!ended.includes(id) || ended.slice(-20).includes(id)) expect(onBoard.get(id)).toBe(last.get(id));
        }
        expect(board.records().filter((r) => r.state === 'active' || r.state === 'held').length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
