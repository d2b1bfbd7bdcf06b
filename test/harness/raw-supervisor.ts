import { Server, ServerCredentials, type ServerDuplexStream, type Metadata } from '@grpc/grpc-js';
import type { RobotFrame } from '../../comms/proto/generated/spinal/v1/uplink.generated.js';
import { SupervisorFrame, UplinkService } from '../../comms/proto/generated/spinal/v1/uplink.generated.js';

/** `Link` as a test supervisor serves it: robot frames decoded, supervisor frames sent as raw bytes (so a test can send garbage). */
const RAW_SERVER_LINK = {
  link: { ...UplinkService.link, responseSerialize: (bytes: Buffer): Buffer => bytes },
} as const;

export type RawLink = ServerDuplexStream<RobotFrame, Buffer>;

/**
 * A minimal supervisor for tests, on 127.0.0.1: answers each hello with an EventAck of `holds()`,
 * keeps every frame received, and lets the test send frames (or any bytes) down the open link.
 */
export class RawSupervisor {
  readonly frames: RobotFrame[] = [];
  readonly metadata: Metadata[] = [];
  link: RawLink | null = null;
  private server: Server | null = null;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly holds: () => number) {}

  async listen(port = 0): Promise<number> {
    const server = new Server({
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 100,
    });
    server.addService(RAW_SERVER_LINK, {
      link: (call: RawLink) => {
        this.link = call;
        this.metadata.push(call.metadata);
        call.on('data', (frame: RobotFrame) => {
          this.frames.push(frame);
          if (frame.frame?.$case === 'hello') this.send({ frame: { $case: 'eventAck', value: { seq: this.holds() } } });
          for (const wake of this.waiters.splice(0)) wake();
        });
        call.on('error', () => undefined);
      },
    });
    this.server = server;
    return new Promise((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
  }

  send(frame: SupervisorFrame): void {
    this.sendBytes(Buffer.from(SupervisorFrame.encode(frame).finish()));
  }

  sendBytes(bytes: Buffer): void {
    this.link?.write(bytes);
  }

  /** Resolves once `done()` holds over the frames received (rejects after `timeoutMs`). */
  async until(done: (frames: RobotFrame[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.frames)) {
      if (Date.now() > deadline) throw new Error(`timed out; ${this.frames.length} frames received`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 50);
      });
    }
  }

  /** The sequences of the event frames received, in order. */
  eventSeqs(): number[] {
    return this.frames.flatMap((f) => (f.frame?.$case === 'event' ? [f.frame.value.event?.seq ?? -1] : []));
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.link = null;
    if (!server) return Promise.resolve();
    server.forceShutdown();
    return Promise.resolve();
  }
}
