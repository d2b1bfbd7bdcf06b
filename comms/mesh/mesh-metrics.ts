import type { Family } from '../debug-port/metrics.js';
import { LINK_TRANSITIONS, type LinkState } from '../uplink/link-state.js';
import type { MeshStatus } from './mesh-link.js';
import { MESH_TOPIC_KINDS } from './mesh-topics.js';
import { MESH_DROP_REASONS } from './peer-table.js';

const gauge = (name: string, help: string, value: number): Family => ({
  name,
  help,
  type: 'gauge',
  samples: [{ value }],
});

/** The mesh link's figures for `/metrics` (docs/mesh.md); none when the mesh is off. */
export function meshFamilies(mesh: MeshStatus | null): Family[] {
  if (!mesh) return [];
  const states = Object.keys(LINK_TRANSITIONS) as LinkState[];
  return [
    {
      name: 'spinal_mesh_state',
      help: 'The mesh connection state (1 for the current one).',
      type: 'gauge',
      samples: states.map((state) => ({ labels: { state }, value: mesh.state === state ? 1 : 0 })),
    },
    gauge('spinal_mesh_peers', 'Peers known (heard from in the last 10 minutes).', mesh.peers.length),
    gauge(
      'spinal_mesh_peers_stale',
      'Peers not heard from for longer than mesh.peerStaleMs.',
      mesh.peers.filter((p) => p.stale).length,
    ),
    gauge(
      'spinal_mesh_peers_offline',
      'Peers whose presence says offline.',
      mesh.peers.filter((p) => !p.online).length,
    ),
    {
      name: 'spinal_mesh_messages_received_total',
      help: 'Messages off the broker (accepted, dropped, or this robot’s own sent back).',
      type: 'counter',
      samples: [{ value: mesh.received }],
    },
    {
      name: 'spinal_mesh_messages_accepted_total',
      help: 'Messages taken into the peer table.',
      type: 'counter',
      samples: [{ value: mesh.accepted }],
    },
    {
      name: 'spinal_mesh_messages_dropped_total',
      help: 'Messages dropped, by reason (docs/mesh.md, "Trust boundaries").',
      type: 'counter',
      samples: MESH_DROP_REASONS.map((reason) => ({ labels: { reason }, value: mesh.dropped[reason] })),
    },
    {
      name: 'spinal_mesh_messages_sent_total',
      help: 'Messages published, by kind.',
      type: 'counter',
      samples: MESH_TOPIC_KINDS.map((kind) => ({ labels: { kind }, value: mesh.sent[kind] })),
    },
    {
      name: 'spinal_mesh_messages_not_sent_total',
      help: 'Own messages not published (link not ready, or out of range), by kind.',
      type: 'counter',
      samples: MESH_TOPIC_KINDS.map((kind) => ({ labels: { kind }, value: mesh.notSent[kind] })),
    },
    {
      name: 'spinal_mesh_connects_total',
      help: 'Connections to the broker made.',
      type: 'counter',
      samples: [{ value: mesh.connects }],
    },
  ];
}
