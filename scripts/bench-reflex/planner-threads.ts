import type { Pose2D } from '../../messages/geometry.js';
import { ReflexArbiter } from '../../reflex/arbiter.js';
import { ObstacleView } from '../../reflex/obstacle-view.js';
import { MonotonicClock } from '../../time/monotonic-clock.js';
import type { StallingPlannerData } from './bench-thread-messages.js';
import type { MainPort } from './mesh-threads.js';

/** Cells in the spinning planner's cost grid (a 128 × 128 map). */
const GRID_CELLS = 128 * 128;
/** The robot stands still in the planner's frame: the bench's robot does not move. */
const ORIGIN: Pose2D = { xM: 0, yM: 0, yawRad: 0 };

/**
 * A planner that never yields its thread: it relaxes a cost grid over and over, allocating as a
 * search does, and never returns to the event loop. The thread can only be terminated.
 */
export function runSpinningPlanner(main: MainPort): void {
  main.postMessage({ t: 'ready' });
  let sweep = 0;
  for (;;) {
    const cost = new Float64Array(GRID_CELLS);
    for (let i = 1; i < GRID_CELLS; i++)
      cost[i] = Math.min((cost[i - 1] ?? 0) + 1, Math.hypot(i & 127, (i >> 7) + sweep));
    sweep = (sweep + 1) % 1_000;
  }
}

/** Blocks the thread for `durationMs`, as a long planning step does. */
function blockFor(durationMs: number): void {
  const endMs = performance.now() + durationMs;
  while (performance.now() < endMs);
}

/**
 * The architecture spinal rejects: the obstacle check runs in the planner's thread, with the
 * reflex's own code (the same {@link ObstacleView} and {@link ReflexArbiter}, the same settings),
 * on points posted to it, and a stop goes back to the main thread, which writes the motors. The
 * planner blocks its thread `stallMs` out of every `stallPeriodMs`, and messages wait meanwhile.
 */
export function runStallingPlanner(main: MainPort, data: StallingPlannerData): void {
  const clock = new MonotonicClock();
  const obstacles = new ObstacleView(data);
  const arbiter = new ReflexArbiter(data.settings);
  main.on('message', (message) => {
    if (message.t !== 'points') return;
    obstacles.addLidarPoints(message.points, ORIGIN);
    const nowUs = clock.nowUs();
    const command = { source: 'cortex' as const, vMps: data.cruiseMps, wRadps: 0, stampUs: nowUs };
    const applied = { vMps: data.cruiseMps, wRadps: 0, stampUs: nowUs };
    const decision = arbiter.update(nowUs, {
      command,
      appliedVMps: data.cruiseMps,
      lidarLastDataUs: message.points.stampUs,
      lidarHealthy: true,
      lidarHealthReason: '',
      ...obstacles.inputs(command, applied, ORIGIN, nowUs),
    });
    if (decision.action === 'stop' && decision.rule === 'obstacle') main.postMessage({ t: 'stop', seq: message.seq });
  });
  setInterval(() => blockFor(data.stallMs), data.stallPeriodMs);
  main.postMessage({ t: 'ready' });
}
