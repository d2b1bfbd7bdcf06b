import createDebug from 'debug';
import type { PeersMessage } from '../messages/cortex-comms-protocol.js';
import type { OwnClaim, OwnHazard, OwnMeshState, PeerView } from '../messages/peer.js';
import type { Cancel, Clock } from '../time/clock.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './mesh/embedded-broker.js';
import { MeshLink, type MeshStatus } from './mesh/mesh-link.js';
import type { MeshSettings } from './mesh/mesh-settings.js';

const log = createDebug('spinal:comms:mesh');

/** The mesh as the debug port's status shows it: the link's figures, and where the broker is. */
export interface MeshRelayStatus extends MeshStatus {
  /** The embedded broker this robot runs (`mqtt://host:port`), null when it uses a broker of the fleet's. */
  embeddedBroker: string | null;
}

/** Why the mesh is not running at all (the embedded broker could not start), for the status. */
export interface MeshRelayFailure {
  state: 'failed';
  reason: string;
}

/**
 * The comms thread's part in the mesh: the link to the broker (and the embedded broker when the
 * fleet names none), the cortex's state and claim out to the peers, and the peers back to the
 * cortex, at most at the state rate (a change not yet sent goes with the next period).
 */
export class MeshRelay {
  private sentUs = -Infinity;
  private pending: Cancel | null = null;

  private constructor(
    private readonly link: MeshLink,
    private readonly broker: EmbeddedBroker | null,
    private readonly clock: Clock,
    private readonly periodUs: number,
    private readonly cortex: { postMessage(message: PeersMessage): void } | null,
  ) {
    link.onPeers(() => this.peersChanged());
  }

  /**
   * Starts the mesh: the embedded broker on `mesh.listen` first when `mesh.broker` is empty, then
   * the link. Returns the failure instead when the embedded broker cannot listen (the robot runs
   * on without its peers, and says so in its status).
   */
  static async start(
    settings: MeshSettings,
    options: {
      clock: Clock;
      bootId: string;
      version: string;
      cortex: { postMessage(message: PeersMessage): void } | null;
    },
  ): Promise<MeshRelay | MeshRelayFailure> {
    let broker: EmbeddedBroker | null = null;
    if (settings.broker === '') {
      try {
        broker = await startEmbeddedBroker({ host: settings.listen.host, port: settings.listen.port });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        log('mesh off: %s', reason);
        return { state: 'failed', reason };
      }
    }
    const link = new MeshLink(settings, {
      clock: options.clock,
      bootId: options.bootId,
      version: options.version,
      ...(broker ? { brokerUrl: broker.url } : {}),
    });
    const relay = new MeshRelay(link, broker, options.clock, 1e6 / settings.stateHz, options.cortex);
    link.start();
    return relay;
  }

  /** The robot's state and claim, from the cortex, to the peers. */
  publish(state: OwnMeshState, claim: OwnClaim): void {
    this.link.publishState(state);
    this.link.publishClaim(claim);
  }

  /** A hazard the robot saw, to the peers (QoS 1, with `mesh.hazardTtlMs`). */
  publishHazard(hazard: OwnHazard): void {
    this.link.publishHazard(hazard);
  }

  status(): MeshRelayStatus {
    return { ...this.link.status(), embeddedBroker: this.broker?.url ?? null };
  }

  /** The peers as the link knows them now. */
  peers(): PeerView[] {
    return this.link.peers();
  }

  async close(): Promise<void> {
    this.pending?.();
    this.pending = null;
    await this.link.close();
    await this.broker?.close();
  }

  private peersChanged(): void {
    if (!this.cortex || this.pending) return;
    const waitUs = this.sentUs + this.periodUs - this.clock.nowUs();
    if (waitUs <= 0) {
      this.sendPeers();
      return;
    }
    this.pending = this.clock.after(waitUs, () => {
      this.pending = null;
      this.sendPeers();
    });
  }

  private sendPeers(): void {
    this.sentUs = this.clock.nowUs();
    this.cortex?.postMessage({ t: 'peers', peers: this.link.peers(), hazards: this.link.hazards() });
  }
}
