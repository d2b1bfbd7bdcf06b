import { describe, expect, it } from 'vitest';
import { renderMetrics } from '../debug-port/metrics.js';
import type { MeshStatus } from './mesh-link.js';
import { meshFamilies } from './mesh-metrics.js';
import { MESH_DROP_REASONS } from './peer-table.js';

const status: MeshStatus = {
  state: 'ready',
  broker: 'mqtt://127.0.0.1:1883',
  protocol: 'mqtt-5',
  peers: [
    { id: 'robot-2', online: true, bootId: 'a', ageMs: 50, stale: false },
    { id: 'robot-3', online: false, bootId: 'b', ageMs: 4_000, stale: true },
  ],
  dropped: {
    ...Object.fromEntries(MESH_DROP_REASONS.map((r) => [r, 0])),
    forged: 3,
    oversized: 1,
  } as MeshStatus['dropped'],
  sent: { state: 10, presence: 1, hazards: 2, claims: 4 },
  notSent: { state: 1, presence: 0, hazards: 0, claims: 0 },
  received: 30,
  accepted: 26,
  ownEchoes: 0,
  connects: 2,
  refusedTransitions: 0,
  lastError: null,
};

describe('mesh metrics', () => {
  it('are none when the mesh is off', () => {
    expect(meshFamilies(null)).toEqual([]);
  });

  it('give peers, stale peers, messages by reason and the link state in the Prometheus text format', () => {
    const text = renderMetrics({ snapshot: null, requests: [], extra: meshFamilies(status) });
    expect(text).toContain('spinal_mesh_state{state="ready"} 1\n');
    expect(text).toContain('spinal_mesh_state{state="transient-failure"} 0\n');
    expect(text).toContain('spinal_mesh_peers 2\n');
    expect(text).toContain('spinal_mesh_peers_stale 1\n');
    expect(text).toContain('spinal_mesh_peers_offline 1\n');
    expect(text).toContain('spinal_mesh_messages_received_total 30\n');
    expect(text).toContain('spinal_mesh_messages_dropped_total{reason="forged"} 3\n');
    expect(text).toContain('spinal_mesh_messages_dropped_total{reason="oversized"} 1\n');
    expect(text).toContain('spinal_mesh_messages_dropped_total{reason="replayed"} 0\n');
    expect(text).toContain('spinal_mesh_messages_sent_total{kind="claims"} 4\n');
    expect(text).toContain('# TYPE spinal_mesh_messages_dropped_total counter\n');
    expect(text).toContain('spinal_mesh_connects_total 2\n');
  });
});
