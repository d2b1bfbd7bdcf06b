import createDebug from 'debug';
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Mission } from '../../messages/mission.js';
import { missionToWire } from '../proto-adapters/mission.js';
import {
  UplinkService,
  type RobotFrame,
  type SupervisorFrame,
  type Telemetry,
} from '../proto/generated/spinal/v1/uplink.generated.js';
import { EventIngest } from './event-ingest.js';
import type { StoredEvent, SupervisorStore } from './supervisor-store.js';

const log = createDebug('spinal:supervisor');

type Link = ServerDuplexStream<RobotFrame, SupervisorFrame>;

/** A mission the supervisor assigns to a robot when it first says hello. */
export interface PlannedMission {
  robotId: string;
  missionId: string;
  mission: Mission;
  /** 0..100; left out, the robot's default (50). */
  priority?: number;
}

/** What the supervisor knows of one robot, for its table. */
export interface RobotView {
  robotId: string;
  bootId: string;
  link: 'up' | 'down';
  /** The newest sequence stored for it. */
  heldSeq: number;
  /** Events received again that were already stored (a replay after a lost ack). */
  duplicates: number;
  /** Events that arrived out of order (never expected). */
  outOfOrder: number;
  telemetry: Telemetry | null;
  lastEvent: string;
  acks: Array<{ commandId: number; accepted: boolean; reason: string }>;
}

/**
 * The reference supervisor's server: answers each hello with the last sequence stored for the
 * robot, stores events (what all links received meanwhile in one transaction, de-duplicated by
 * (robot, boot, sequence); see {@link EventIngest}) and acknowledges each link's events only once
 * they are stored, one ack per stored batch rather than per event, keeps each robot's latest telemetry, assigns planned missions and
 * sends e-stop and resume.
 */
export class SupervisorServer {
  private readonly server = new Server({
    'grpc.keepalive_time_ms': 2_000,
    'grpc.keepalive_timeout_ms': 2_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 500,
  });
  private readonly views = new Map<string, RobotView>();
  private readonly ingest: EventIngest;
  private readonly links = new Map<string, Link>();
  private readonly assigned = new Set<string>();
  private nextCommandId = 1;

  constructor(
    private readonly store: SupervisorStore,
    private readonly plan: readonly PlannedMission[] = [],
  ) {
    this.ingest = new EventIngest(store);
    this.server.addService(UplinkService, { link: (call: Link) => this.accept(call) });
  }

  /** Binds `hostPort`; resolves with the port bound. */
  listen(hostPort: string): Promise<number> {
    return new Promise((resolve, reject) =>
      this.server.bindAsync(hostPort, ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
  }

  robots(): RobotView[] {
    return [...this.views.values()].sort((a, b) => (a.robotId < b.robotId ? -1 : 1));
  }

  /** Sends a command to a robot on a live link; returns its command id, or null when the robot is not linked. */
  command(robotId: string, command: 'estop' | 'resume', reason = 'operator'): number | null {
    const link = this.links.get(robotId);
    if (!link) return null;
    const commandId = this.nextCommandId++;
    link.write(
      command === 'estop'
        ? { frame: { $case: 'estop', value: { commandId, reason } } }
        : { frame: { $case: 'resume', value: { commandId } } },
    );
    return commandId;
  }

  /** Sends a mission to a robot on a live link; returns its command id, or null. */
  assign(planned: PlannedMission): number | null {
    const link = this.links.get(planned.robotId);
    if (!link) return null;
    const commandId = this.nextCommandId++;
    const mission = missionToWire(planned.mission);
    link.write({
      frame: {
        $case: 'mission',
        value: {
          commandId,
          missionId: planned.missionId,
          mission,
          priorityGiven: planned.priority === undefined ? undefined : { $case: 'priority', value: planned.priority },
        },
      },
    });
    return commandId;
  }

  stop(): Promise<void> {
    this.server.forceShutdown();
    return Promise.resolve();
  }

  private accept(call: Link): void {
    let view: RobotView | null = null;
    let queue: StoredEvent[] = [];
    let lastReceived = 0;
    const flush = (): void => {
      const batch = queue;
      queue = [];
      if (!view || batch.length === 0) return;
      const robot = view;
      this.ingest.add(
        batch,
        (added) => {
          robot.duplicates += batch.length - added;
          robot.heldSeq = Math.max(robot.heldSeq, batch.at(-1)!.seq);
          call.write({ frame: { $case: 'eventAck', value: { seq: robot.heldSeq } } });
        },
        (error) => {
          log('storing failed: %s', error.message);
          call.destroy(error);
        },
      );
    };
    call.on('data', (frame: RobotFrame) => {
      const f = frame.frame;
      if (!f) return;
      switch (f.$case) {
        case 'hello':
          void this.store.lastSeq(f.value.robotId).then((held) => {
            view = this.viewOf(f.value.robotId, f.value.bootId, held);
            lastReceived = held;
            this.links.set(view.robotId, call);
            call.write({ frame: { $case: 'eventAck', value: { seq: held } } });
            for (const planned of this.plan) {
              const key = `${planned.robotId}/${planned.missionId}`;
              if (planned.robotId !== view.robotId || this.assigned.has(key)) continue;
              this.assigned.add(key);
              this.assign(planned);
            }
          });
          return;
        case 'event': {
          const event = f.value.event;
          if (!view || !event) return;
          if (event.seq <= lastReceived) view.outOfOrder += 1;
          lastReceived = Math.max(lastReceived, event.seq);
          view.lastEvent = event.body?.$case ?? '';
          queue.push({
            robotId: view.robotId,
            bootId: f.value.bootId,
            seq: event.seq,
            atUs: event.atUs,
            wallMs: f.value.wallMs,
            kind: event.body?.$case ?? '',
            payload: JSON.stringify(event),
          });
          if (queue.length === 1) setImmediate(flush);
          return;
        }
        case 'telemetry':
          if (view) view.telemetry = f.value;
          return;
        case 'commandAck':
          view?.acks.push(f.value);
          return;
      }
    });
    const gone = (): void => {
      if (!view) return;
      view.link = 'down';
      if (this.links.get(view.robotId) === call) this.links.delete(view.robotId);
    };
    call.on('error', gone);
    call.on('end', gone);
    call.on('close', gone);
  }

  private viewOf(robotId: string, bootId: string, heldSeq: number): RobotView {
    const view = this.views.get(robotId) ?? {
      robotId,
      bootId,
      link: 'up' as const,
      heldSeq,
      duplicates: 0,
      outOfOrder: 0,
      telemetry: null,
      lastEvent: '',
      acks: [],
    };
    view.link = 'up';
    view.bootId = bootId;
    view.heldSeq = heldSeq;
    this.views.set(robotId, view);
    return view;
  }
}
