import createDebug from 'debug';
import { isCommsToCortex, type CortexToComms, type MissionVerdictName } from '../messages/cortex-comms-protocol.js';
import type { LidarPoints } from '../messages/lidar-points.js';
import type { OccupancyGridMessage } from '../messages/occupancy-grid.js';
import type { Clock } from '../time/clock.js';
import { MonotonicClock } from '../time/monotonic-clock.js';
import { VirtualClock } from '../time/virtual-clock.js';
import { isMainToCortex, type CortexToMain, type MainToCortex } from './cortex-thread-protocol.js';
import { MissionExecutor, type ExecutorOutput } from './mission-executor.js';
import { readKeptPlace } from './world-model/kept-place.js';
import { PlaceKeeper } from './world-model/place-keeper.js';

const log = createDebug('spinal:cortex');

/** Where a robot with no mission and nothing kept starts: the origin of its map (as AMCL assumes). */
const ORIGIN = { xM: 0, yM: 0, yawRad: 0 };

/** The navigation status goes to the comms thread on every change, and at least every this many steps. */
const NAVIGATION_EVERY_STEPS = 10;
/** The map goes to the comms thread at most this often, when it changed, microseconds. */
const MAP_PERIOD_US = 2_000_000;
/** The missions go to the comms thread at least this often (and after every change of state), microseconds. */
const MISSIONS_PERIOD_US = 1_000_000;

/** The part of a MessagePort the cortex needs: to the main thread, or to the comms thread. */
export interface CortexPort<Out> {
  postMessage(message: Out): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  close?(): void;
}

/** Busy-blocks the thread until the shared clock (or wall time) reaches `untilUs`: no message, no timer runs meanwhile. */
function stallThread(untilUs: number, clock: SharedArrayBuffer | null): void {
  const shared = clock ? new Float64Array(clock) : null;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const nowUs = (): number => (shared ? (shared[0] ?? 0) : (performance.timeOrigin + performance.now()) * 1_000);
  log('stalling until %d us', untilUs);
  while (nowUs() < untilUs) Atomics.wait(sleeper, 0, 0, 1);
  log('stall over');
}

/**
 * Entry of the cortex worker thread: waits for `init`, then runs the mission executor. Drive
 * commands, the heartbeat and the world frame go to the main thread; the mission's progress goes
 * to the comms thread on `comms` (when there is one). Malformed messages are counted and dropped.
 */
export function runCortexWorker(port: CortexPort<CortexToMain>, comms: CortexPort<CortexToComms> | null = null): void {
  let executor: MissionExecutor | null = null;
  let keeper: PlaceKeeper | null = null;
  let virtualClock: VirtualClock | null = null;
  let frameSent: unknown = null;
  let dropped = 0;
  /** The latest revolution of each lidar (the world model's input). */
  const scans = new Map<string, LidarPoints>();

  let missionsSentUs = -Infinity;
  /** Every mission on the board to the comms thread: after each change of state, and at least every second. */
  const reportMissions = (running: MissionExecutor, force: boolean): void => {
    const nowUs = running.nowUs();
    if (!comms || (!force && nowUs - missionsSentUs < MISSIONS_PERIOD_US)) return;
    missionsSentUs = nowUs;
    comms.postMessage({ t: 'cortex-missions', missions: running.missions() });
  };

  const output = (message: ExecutorOutput): void => {
    if (message.t === 'drive') {
      port.postMessage(message);
      return;
    }
    if (message.t === 'mission') {
      port.postMessage(message);
      missionsSentUs = -Infinity;
      return;
    }
    if (message.t === 'record' || message.t === 'swarm-hold') {
      port.postMessage(message);
      return;
    }
    if (message.t === 'mesh') {
      comms?.postMessage({ t: 'cortex-mesh', state: message.state, claim: message.claim });
      return;
    }
    if (message.t === 'hazard') {
      comms?.postMessage({ t: 'cortex-hazard', hazard: message.hazard });
      return;
    }
    const { status } = message;
    port.postMessage({ t: 'heartbeat', missionKind: status.missionKind, missionState: status.missionState });
    const frame = executor?.frame ?? null;
    if (frame && frame !== frameSent) {
      frameSent = frame;
      port.postMessage({ t: 'world-frame', frame });
    }
    comms?.postMessage({ t: 'cortex-status', status });
    if (executor) reportMissions(executor, false);
    if (executor) reportNavigation(executor);
    if (keeper && status.pose && executor?.world) keeper.notePose(status.pose, executor.nowUs(), executor.world.grid);
  };

  let localisationSent: string = 'ok';
  let navigationSent: { path: unknown; state: string; steps: number } = { path: null, state: '', steps: 0 };
  let mapSentVersion = -1;
  let mapSentUs = -Infinity;
  /** The localisation's state to the main thread when it changes; the path, quality and map to the comms thread. */
  const reportNavigation = (running: MissionExecutor): void => {
    const world = running.world;
    const navigator = running.navigator;
    if (!world || !navigator) return;
    const { state, quality } = world.localiser;
    if (state !== localisationSent) {
      localisationSent = state;
      port.postMessage({ t: 'localisation', state, quality });
    }
    const steps = navigationSent.steps + 1;
    if (navigator.path !== navigationSent.path || state !== navigationSent.state || steps >= NAVIGATION_EVERY_STEPS) {
      navigationSent = { path: navigator.path, state, steps: 0 };
      comms?.postMessage({
        t: 'cortex-navigation',
        navigation: {
          localisation: state,
          quality,
          path: navigator.path,
          planMs: navigator.lastPlanMs,
          revolutionMs: world.timing.localisationMs + world.timing.integrationMs,
        },
      });
    } else navigationSent.steps = steps;
    const nowUs = running.nowUs();
    if (comms && world.grid.version !== mapSentVersion && nowUs - mapSentUs >= MAP_PERIOD_US) {
      mapSentVersion = world.grid.version;
      mapSentUs = nowUs;
      comms.postMessage({ t: 'cortex-map', map: world.grid.toMessage() });
    }
  };

  /** A robot with no mission at start: where it was kept (on the kept map without a prior), else the origin. */
  const placeFromKept = (
    running: MissionExecutor,
    prior: OccupancyGridMessage | null,
    keepMapPath: string | null,
  ): void => {
    if (keepMapPath === null || keepMapPath === '') {
      running.placeAt(ORIGIN);
      return;
    }
    const { place, note } = readKeptPlace(keepMapPath, prior);
    if (note) port.postMessage({ t: 'place-memory', state: 'degraded', reason: note });
    if (place?.map) running.useWorldModel(place.map);
    running.placeAt(place?.pose ?? ORIGIN);
    if (place) log('placed at the kept pose (%d, %d, %d)', place.pose.xM, place.pose.yM, place.pose.yawRad);
    keeper = new PlaceKeeper(keepMapPath, prior, (problem) =>
      port.postMessage(
        problem === null
          ? { t: 'place-memory', state: 'ok', reason: `the robot's place is kept at ${keepMapPath}` }
          : { t: 'place-memory', state: 'degraded', reason: problem },
      ),
    );
  };

  const start = (message: Extract<MainToCortex, { t: 'init' }>): void => {
    const clock: Clock =
      message.clock === 'virtual' ? (virtualClock = new VirtualClock(message.startUs)) : new MonotonicClock();
    executor = new MissionExecutor(clock, message.settings, output, message.odometry);
    const prior = message.map ?? null;
    executor.useWorldModel(prior);
    executor.useSite(message.site ?? { geofence: null, dock: null });
    if (message.consistency) executor.useConsistency(message.consistency);
    if (!message.assignment) placeFromKept(executor, prior, message.keepMapPath ?? null);
    executor.start(message.assignment);
    log('cortex started (%s clock)', message.clock);
  };

  port.on('message', (message: unknown) => {
    if (!isMainToCortex(message)) {
      dropped++;
      log('dropped a malformed message (%d so far)', dropped);
      return;
    }
    switch (message.t) {
      case 'init':
        start(message);
        return;
      case 'tick':
        virtualClock?.advanceTo(message.nowUs);
        // Before `init` nothing is scheduled yet: ask for the next tick rather than none.
        port.postMessage({
          t: 'tick-done',
          nowUs: message.nowUs,
          nextDueUs: virtualClock?.nextDueUs() ?? message.nowUs,
        });
        return;
      case 'retune':
        executor?.retune(message.tuning);
        return;
      case 'stall':
        stallThread(message.untilUs, message.clock);
        return;
      case 'odometry':
        executor?.odometry(message.sample);
        return;
      case 'wheels':
        executor?.wheels(message);
        return;
      case 'gyro':
        executor?.gyro(message.stampsUs, message.zRadps);
        return;
      case 'battery':
        executor?.battery(message.reading);
        return;
      case 'scan':
        scans.set(message.scan.deviceId, message.scan);
        executor?.revolution(message.scan);
        return;
      case 'reflex':
        executor?.reflexState({ state: message.state, reason: message.reason });
        return;
      case 'shutdown':
        executor?.stop();
        if (keeper && executor?.world) keeper.flush(executor.status().pose, executor.world.grid, executor.nowUs());
        port.postMessage({ t: 'stopped' });
        port.close?.();
        comms?.close?.();
        return;
    }
  });
  comms?.on('message', (message: unknown) => {
    if (!isCommsToCortex(message)) {
      dropped++;
      log('dropped a message from the comms thread (%d so far)', dropped);
      return;
    }
    if (message.t === 'peers') {
      executor?.peers(message.peers, message.hazards);
      return;
    }
    const answer = (verdict: MissionVerdictName, reason: string): void =>
      comms.postMessage({ t: 'mission-result', id: message.id, accepted: verdict === 'accepted', verdict, reason });
    if (!executor) {
      answer('impossible', 'the cortex has not started yet');
      return;
    }
    if (message.t === 'mission-cancel') {
      if (executor.abort(message.missionId, message.reason)) answer('accepted', '');
      else answer('unknown', `no mission ${message.missionId} is queued or running`);
      return;
    }
    const verdict = executor.submit(message.order);
    answer(verdict.verdict, verdict.verdict === 'accepted' ? '' : verdict.reason);
    reportMissions(executor, true);
  });
}
