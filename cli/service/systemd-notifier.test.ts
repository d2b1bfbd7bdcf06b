import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServiceNotifier } from './systemd-notifier.js';

afterEach(() => vi.useRealTimers());

describe('ServiceNotifier', () => {
  it('GIVEN no NOTIFY_SOCKET WHEN ready and stopping THEN nothing is sent', () => {
    const sent: string[][] = [];
    const notifier = new ServiceNotifier({ env: {}, send: (m) => sent.push([...m]) });
    notifier.ready('up');
    notifier.stopping();
    expect(notifier.active).toBe(false);
    expect(sent).toEqual([]);
  });

  it('GIVEN systemd with WatchdogSec=10 WHEN ready THEN READY=1 goes out and the watchdog is fed every 5 s until stopping', () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    const env = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '10000000', WATCHDOG_PID: '42' };
    const notifier = new ServiceNotifier({ env, pid: 42, send: (m) => sent.push([...m]) });

    notifier.ready('robot r1 on board b');
    vi.advanceTimersByTime(15_000);
    notifier.stopping();
    vi.advanceTimersByTime(15_000);

    expect(sent).toEqual([
      ['--ready', '--status=robot r1 on board b'],
      ['WATCHDOG=1'],
      ['WATCHDOG=1'],
      ['WATCHDOG=1'],
      ['STOPPING=1'],
    ]);
  });

  it('GIVEN a watchdog meant for another process WHEN ready THEN it is not fed', () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    const env = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '2000000', WATCHDOG_PID: '7' };
    new ServiceNotifier({ env, pid: 42, send: (m) => sent.push([...m]) }).ready('up');
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([['--ready', '--status=up']]);
  });
});
