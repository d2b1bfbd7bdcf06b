import { randomUUID } from 'node:crypto';
import createDebug from 'debug';
import type { Clock } from '../time/clock.js';
import { MonotonicClock } from '../time/monotonic-clock.js';
import { isCortexToComms, type CommsToCortex } from '../messages/cortex-comms-protocol.js';
import { VirtualClock } from '../time/virtual-clock.js';
import { LockstepCell } from '../time/lockstep-cell.js';
import { LockstepFollowerClock } from '../time/lockstep-follower-clock.js';
import { isMainToComms } from './comms-thread-protocol.js';
import type { CommsToMain, CommsWorkerData } from './comms-thread-protocol.js';
import type { DebugPortSettings } from './debug-port/debug-port-settings.js';
import { DebugListenError, startDebugServer } from './debug-port/http-server.js';
import type { DebugServer } from './debug-port/http-server.js';
import type { OperatorResult } from './comms-thread-protocol.js';
import { MainThreadConfigChannel } from './config-channel.js';
import { Ledger } from './ledger/ledger.js';
import { assembleUplink } from './uplink/uplink-assembly.js';
import { ledgerAndUplinkFamilies } from './uplink/link-metrics.js';
import { LedgerWriter } from './ledger/ledger-writer.js';
import { ledgerEnvironmentOf } from './ledger/simulated-ledger-environment.js';
import { powerLossHookFrom } from './ledger/power-loss-hook.js';
import { upgradesNotInLedger } from './ledger/upgrade-import.js';
import { ledgerSettingsFromParams, type LedgerSettings } from './ledger/ledger-settings.js';
import { resolveParams } from '../config/param-values.js';
import { LogStream } from './debug-port/logs-stream.js';
import { metricsRoutes } from './debug-port/metrics.js';
import { operatorRoutes, type OperatorChannel } from './debug-port/operator-routes.js';
import { missionRoutes } from './debug-port/mission-routes.js';
import { MissionDesk } from './mission-desk.js';
import { MeshRelay } from './mesh-relay.js';
import { meshFamilies } from './mesh/mesh-metrics.js';
import { RequestCounts, eventRoutes } from './debug-port/routes.js';
import { StatusStore } from './debug-port/status-store.js';
import { ScanStore, scanRoutes } from './debug-port/scan-route.js';
import { MapStore, mapRoutes } from './debug-port/map-route.js';
import { telemetryRoutes } from './debug-port/telemetry-route.js';
import { webPageRoutes } from './debug-port/web-page.js';
import { FoxgloveLiveServer } from './foxglove/foxglove-server.js';
import { FoxglovePublisher } from './foxglove/foxglove-publisher.js';

const log = createDebug('spinal:comms:worker');

/** The ledger when none is configured (the tests'): the defaults, in memory. */
function inMemoryLedger(): LedgerSettings {
  return ledgerSettingsFromParams(resolveParams({}), ':memory:');
}

/** How long an operator command may wait for the main thread, ms. */
const OPERATOR_TIMEOUT_MS = 2_000;

/** The side of a message channel the comms thread talks through: `parentPort` in the worker, a fake in tests. */
export interface CommsPort {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  postMessage(message: CommsToMain): void;
}

/** The comms thread's side of its channel to the cortex thread. */
export interface CortexChannel {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  postMessage(message: CommsToCortex): void;
  close(): void;
}

/** The comms thread's clock as `data.clock` asks: a virtual clock at `data.startUs` in lock step, else the monotonic clock. */
export function commsClockFor(
  data: Pick<CommsWorkerData, 'clock' | 'startUs' | 'lockstepCell'>,
): VirtualClock | MonotonicClock {
  if (data.clock !== 'virtual') return new MonotonicClock();
  const startUs = data.startUs ?? 0;
  return data.lockstepCell
    ? new LockstepFollowerClock(new LockstepCell(data.lockstepCell), startUs)
    : new VirtualClock(startUs);
}

/**
 * The comms thread's body: starts the debug port on `data.listen`, keeps its status store fed from
 * the main thread's `status`/`ready` messages, and answers `listening` or `listen-failed` once the
 * bind settles. On `shutdown` it closes the port, answers `stopped` and stops listening to `port`,
 * so the thread can exit. Malformed messages are counted and dropped.
 *
 * `clock` (default: {@link commsClockFor} `data`) is the robot's clock on this thread: it measures
 * snapshot ages and paces the log stream's keep-alives. A virtual one moves only with the main
 * thread's `tick` (the simulator's lock step), each answered `tick-done` with when its next timer
 * is due. The HTTP handling itself (request rate limits, how long an operator command may wait
 * for the main thread) stays on wall time: it serves people and programs outside the simulation.
 * The cortex's own reports (mission progress) arrive on `cortex`, never through the main thread.
 */
export function runCommsWorker(
  port: CommsPort,
  data: DebugPortSettings &
    Partial<
      Pick<
        CommsWorkerData,
        | 'clock'
        | 'startUs'
        | 'ledger'
        | 'bootId'
        | 'uplink'
        | 'mesh'
        | 'version'
        | 'upgrades'
        | 'foxglove'
        | 'simulatedFaults'
      >
    >,
  clock: Clock = commsClockFor(data),
  cortex: CortexChannel | null = null,
): void {
  const store = new StatusStore(clock);
  const ledgerSettings = data.ledger ?? inMemoryLedger();
  const powerLoss = powerLossHookFrom(process.env);
  const ledger = Ledger.open(ledgerSettings, data.bootId ?? randomUUID(), {
    ...(powerLoss ? { beforeCommit: powerLoss } : {}),
    ...ledgerEnvironmentOf(data.simulatedFaults),
  });
  const events = new LedgerWriter(
    ledger,
    ledgerSettings,
    (report) => {
      port.postMessage({ t: 'committed', ...report });
      for (const event of report.events) logs.publish(event);
      for (const event of report.events) foxglove?.event(event);
      uplink?.link.committed();
    },
    () => clock.nowUs(),
  );
  const logs = new LogStream(events, clock);
  const requests = new RequestCounts();
  const scans = new ScanStore();
  // The Foxglove server beside the debug port (off unless foxglove.listen names an address).
  let foxglove: FoxglovePublisher | null = null;
  const foxgloveServer: Promise<FoxgloveLiveServer | null> = data.foxglove
    ? FoxgloveLiveServer.start({
        ...data.foxglove,
        onSubscribe: (role) => foxglove?.subscribed(role),
      }).then(
        (started) => {
          foxglove = new FoxglovePublisher(started, data.foxglove?.robotId ?? '', data.foxglove?.footprint ?? null);
          log('Foxglove server on ws://%s', started.address);
          return started;
        },
        (error: unknown) => {
          log('Foxglove server not started: %s', error instanceof Error ? error.message : String(error));
          return null;
        },
      )
    : Promise.resolve(null);
  const maps = new MapStore();
  maps.peers = () => mesh?.peers() ?? [];
  const waiting = new Map<number, (result: OperatorResult) => void>();
  let nextCommandId = 1;
  const operator: OperatorChannel = (command) =>
    new Promise((resolve, reject) => {
      const id = nextCommandId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`no answer within ${OPERATOR_TIMEOUT_MS} ms`));
      }, OPERATOR_TIMEOUT_MS);
      waiting.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      port.postMessage({ t: 'command', id, command });
    });
  const missions = new MissionDesk(cortex);
  const configUpdates = new MainThreadConfigChannel((message) => port.postMessage(message), OPERATOR_TIMEOUT_MS);
  let droppedMessages = 0;
  let stopping = false;
  const uplink = data.uplink
    ? assembleUplink({
        settings: data.uplink,
        ledger,
        store,
        nowUs: () => clock.nowUs(),
        operator,
        config: configUpdates.send,
        missions,
        version: data.version ?? '',
      })
    : null;
  let uplinkStarted = false;
  // The mesh to the peer robots: its own broker first when the fleet names none.
  let mesh: MeshRelay | null = null;
  let meshStatus: object = { state: data.mesh ? 'starting' : 'off' };
  store.setMeshSource(() => mesh?.status() ?? meshStatus);
  const meshStarted = data.mesh
    ? MeshRelay.start(data.mesh, {
        clock,
        bootId: data.bootId ?? randomUUID(),
        version: data.version ?? '',
        cortex,
      }).then((started) => {
        if (started instanceof MeshRelay) mesh = started;
        else meshStatus = started;
        if (stopping) void mesh?.close();
      })
    : Promise.resolve();
  // The upgrade journal's news, once each (after the uplink exists: a commit tells it there is more to send).
  events.appendOwn(upgradesNotInLedger(ledger, data.upgrades ?? []).map((body) => ({ body, atUs: clock.nowUs() })));

  const server: Promise<DebugServer | null> = startDebugServer({
    listen: data.listen,
    store,
    token: data.token === '' ? undefined : data.token,
    readToken: data.readToken === '' ? undefined : data.readToken,
    allowedHosts: data.allowedHosts,
    requests,
    extraRoutes: [
      ...telemetryRoutes(store),
      ...eventRoutes(events),
      ...logs.routes(),
      ...metricsRoutes(store, requests, () => [
        ...ledgerAndUplinkFamilies(ledger.stats(), uplink?.link.stats() ?? null),
        ...meshFamilies(mesh?.status() ?? null),
      ]),
      ...webPageRoutes(),
      ...operatorRoutes(operator),
      ...missionRoutes(missions),
      ...scanRoutes(scans),
      ...mapRoutes(maps),
    ],
  }).then(
    (started) => {
      port.postMessage({ t: 'listening', address: started.address });
      return started;
    },
    (error: unknown) => {
      const code = error instanceof DebugListenError ? error.code : 'EUNKNOWN';
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ t: 'listen-failed', code, message });
      return null;
    },
  );

  const onMessage = (message: unknown): void => {
    if (!isMainToComms(message)) {
      droppedMessages += 1;
      log('dropped a malformed message (%d so far)', droppedMessages);
      return;
    }
    switch (message.t) {
      case 'status':
        store.setStatus(message.status);
        foxglove?.status(message.status, clock.nowUs());
        // The hello names the robot: the link opens with the first status.
        if (!uplinkStarted && !stopping) uplink?.link.start();
        uplinkStarted = true;
        break;
      case 'pose':
        foxglove?.pose(message.pose, message.stampUs);
        break;
      case 'ready':
        store.setReady(message.ready, message.reason);
        break;
      case 'scan':
        scans.set(message.scan);
        foxglove?.scan(message.scan);
        break;
      case 'record':
        events.submit(message.id, { body: message.body, atUs: message.atUs });
        break;
      case 'tick': {
        const virtual = clock instanceof VirtualClock ? clock : null;
        virtual?.advanceTo(message.nowUs);
        port.postMessage({ t: 'tick-done', nowUs: message.nowUs, nextDueUs: virtual?.nextDueUs() ?? Infinity });
        break;
      }
      case 'command-result': {
        const waiter = waiting.get(message.id);
        waiting.delete(message.id);
        waiter?.(message.result);
        break;
      }
      case 'config-result':
        configUpdates.answered(message);
        break;
      case 'shutdown':
        if (stopping) return;
        stopping = true;
        log('shutting down');
        uplink?.link.stop();
        void meshStarted
          .then(() => mesh?.close())
          .then(() => foxgloveServer)
          .then((started) => started?.close())
          .then(() => server)
          .then((started) => started?.close())
          .then(() => events.close())
          .catch((error: unknown) => log('close failed: %s', String(error)))
          .finally(() => {
            port.postMessage({ t: 'stopped' });
            port.off('message', onMessage);
            cortex?.close();
          });
        break;
    }
  };
  port.on('message', onMessage);
  cortex?.on('message', (message: unknown) => {
    if (!isCortexToComms(message)) {
      droppedMessages += 1;
      log('dropped a malformed message from the cortex (%d so far)', droppedMessages);
      return;
    }
    if (message.t === 'mission-result') missions.answered(message);
    else if (message.t === 'cortex-missions') missions.missions = message.missions;
    else if (message.t === 'cortex-map') {
      maps.map = message.map;
      foxglove?.setMap(message.map);
    } else if (message.t === 'cortex-navigation') {
      maps.navigation = message.navigation;
      foxglove?.setNavigation(message.navigation);
    } else if (message.t === 'cortex-mesh') mesh?.publish(message.state, message.claim);
    else if (message.t === 'cortex-hazard') mesh?.publishHazard(message.hazard);
    else store.setCortexStatus(message.status);
  });
}
