// The cortex benchmark (`npm run bench -- cortex`): the cortex's whole cycle at 20 Hz on the
// warehouse scenario's world, in one thread as the cortex worker runs it: every 100 ms a lidar
// revolution (450 beams ray-cast through the world, 1 cm noise) is localised against the map and
// integrated into it, and every 50 ms the mission executor follows its path and replans when due.
// The robot moves exactly as commanded (the pose the localiser corrects is the cortex's own). A
// reflex-rate load (a 100 Hz timer doing a reflex iteration's worth of arithmetic) runs on the
// main thread meanwhile, as the reflex does beside the cortex worker on a robot.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { cortexSettingsFromParams } from '../../cortex/cortex-settings.js';
import { CostLayer } from '../../cortex/planning/cost-layer.js';
import { MissionExecutor, type ExecutorOutput } from '../../cortex/mission-executor.js';
import { resolveParams } from '../../config/param-values.js';
import type { LidarPoints } from '../../messages/lidar-points.js';
import type { Pose2D } from '../../messages/geometry.js';
import { poseAtTime, type OdometrySample } from '../../messages/odometry.js';
import { loadScenarioFile, scenarioMissionOf, scenarioStartPose } from '../../simulator/scenario.js';
import { WorldMap } from '../../simulator/world/world-map.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import { percentile } from '../bench-reflex/latency-summary.js';
import { seededRandom } from '../../simulator/world/seeded-random.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BEAMS = 450;
const MAX_RANGE_M = 12;
const REVOLUTION_US = 100_000;
const DURATION_US = 200_000_000;

const scenario = loadScenarioFile(join(root, 'simulator', 'scenarios', 'warehouse.yaml'));
const robot = scenario.robots[0]!;
const world = new WorldMap(scenario.world);
const random = seededRandom(7);
const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const params = resolveParams({ env: {} });
const settings = cortexSettingsFromParams(params);
const clock = new VirtualClock(0);
let truth: Pose2D = scenarioStartPose(robot);
let odometry: OdometrySample = { stampUs: 0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0 };
let worldOdometry = { stampUs: 0, pose: truth, vMps: 0, wRadps: 0 };
let succeeded = false;
const executor: MissionExecutor = new MissionExecutor(
  clock,
  settings,
  (message: ExecutorOutput) => {
    if (message.t === 'status') {
      succeeded = message.status.missionState === 'succeeded';
      return;
    }
    if (message.t !== 'drive') return;
    const { vMps, wRadps, stampUs } = message.command;
    odometry = { stampUs, pose: poseAtTime(odometry, stampUs), vMps, wRadps };
    worldOdometry = { stampUs, pose: poseAtTime(worldOdometry, stampUs), vMps, wRadps };
    executor.odometry(odometry);
  },
  odometry,
);
executor.useWorldModel(null);

/** A revolution seen from the true pose at `nowUs`, robot frame, in measurement order. */
function revolution(nowUs: number): LidarPoints {
  const xM = new Float32Array(BEAMS);
  const yM = new Float32Array(BEAMS);
  const rangeM = new Float32Array(BEAMS);
  let count = 0;
  for (let i = 0; i < BEAMS; i++) {
    const atUs = nowUs - REVOLUTION_US * (1 - (i + 1) / BEAMS);
    const pose = poseAtTime(worldOdometry, atUs);
    const bearing = -(2 * Math.PI * i) / BEAMS;
    const hit = world.raycast(pose.xM, pose.yM, pose.yawRad + bearing, MAX_RANGE_M);
    if (!Number.isFinite(hit) || random() < 0.02) continue;
    const r = hit + 0.01 * gaussian();
    // As the driver gives them: in the robot frame of the moment of measurement.
    xM[count] = r * Math.cos(bearing);
    yM[count] = r * Math.sin(bearing);
    rangeM[count] = r;
    count++;
  }
  return { deviceId: 'lidar', stampUs: nowUs, count, xM, yM, rangeM, intensity: new Uint8Array(BEAMS) };
}

// A reflex-rate load on another thread, as the reflex runs beside the cortex on a robot.
const load = new Worker(
  `const end = Date.now() + 600000; setInterval(() => { let s = 0; for (let i = 0; i < 20000; i++) s += Math.sqrt(i); if (Date.now() > end) process.exit(0); }, 10);`,
  { eval: true },
);

executor.start({ mission: scenarioMissionOf(robot), initialPose: truth });
const cycles: number[] = [];
const integration: number[] = [];
const localisation: number[] = [];
const plans: number[] = [];
const costUpdates: number[] = [];
let lastPlans = 0;
for (let nowUs = 50_000; nowUs <= DURATION_US && !succeeded; nowUs += 50_000) {
  const t0 = performance.now();
  if (nowUs % REVOLUTION_US === 0) {
    clock.advanceTo(nowUs - 1);
    executor.revolution(revolution(nowUs));
    const timing = executor.world!.timing;
    integration.push(timing.integrationMs);
    localisation.push(timing.localisationMs);
  }
  clock.advanceTo(nowUs);
  cycles.push(performance.now() - t0);
  const navigator = executor.navigator!;
  if (navigator.costUpdateMs > 0) costUpdates.push(navigator.costUpdateMs);
  if (navigator.plans !== lastPlans) {
    lastPlans = navigator.plans;
    plans.push(navigator.lastPlanMs);
  }
  truth = poseAtTime(worldOdometry, nowUs);
}
// The baseline in the same run: the whole cost layer of the final map rebuilt at once, as every plan did before the tiles.
const fullRebuilds: number[] = [];
for (let run = 0; run < 10; run++) {
  const layer = new CostLayer(executor.world!.grid, settings.robotRadiusM, settings.inflationRadiusM);
  const t0 = performance.now();
  layer.update();
  fullRebuilds.push(performance.now() - t0);
}
await load.terminate();
const sorted = (v: number[]): number[] => [...v].sort((a, b) => a - b);
const round = (v: number): number => Math.round(v * 1000) / 1000;
const c = sorted(cycles);
const i = sorted(integration);
const l = sorted(localisation);
const p = sorted(plans);
const u = sorted(costUpdates);
const f = sorted(fullRebuilds);
console.error(
  `${cycles.length} cycles (${(cycles.length / 20).toFixed(1)} s of mission), goal ${succeeded ? 'reached' : 'NOT reached'}; ` +
    `cycle p50 ${round(percentile(c, 50))} ms p99 ${round(percentile(c, 99))} ms max ${round(c.at(-1) ?? NaN)} ms; ` +
    `integration p99 ${round(percentile(i, 99))} ms; localisation p99 ${round(percentile(l, 99))} ms; ` +
    `${plans.length} plans, p50 ${round(percentile(p, 50))} ms max ${round(p.at(-1) ?? NaN)} ms; ` +
    `cost layer: ${u.length} steps updated it, max ${round(u.at(-1) ?? 0)} ms, against ${round(percentile(f, 50))} ms for a whole rebuild`,
);
if (!succeeded) process.exitCode = 1;
console.log(
  JSON.stringify({
    bench: 'cortex',
    cycleP99Ms: round(percentile(c, 99)),
    scanIntegrationP99Ms: round(percentile(i, 99)),
    localisationP99Ms: round(percentile(l, 99)),
    planP50Ms: round(percentile(p, 50)),
    planMaxMs: round(p.at(-1) ?? NaN),
    costUpdateMaxMs: round(u.at(-1) ?? 0),
    costFullRebuildMs: round(percentile(f, 50)),
  }),
);
