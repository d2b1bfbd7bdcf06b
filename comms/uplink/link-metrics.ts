import type { Family } from '../debug-port/metrics.js';
import type { LedgerStats } from '../ledger/ledger.js';
import type { UplinkStats } from './uplink-link.js';
import { LINK_TRANSITIONS, type LinkState } from './link-state.js';

const gauge = (name: string, help: string, value: number): Family => ({
  name,
  help,
  type: 'gauge',
  samples: [{ value }],
});
const counter = (name: string, help: string, value: number): Family => ({
  name,
  help,
  type: 'counter',
  samples: [{ value }],
});

/** The ledger's and the uplink's figures for `/metrics`. */
export function ledgerAndUplinkFamilies(ledger: LedgerStats, uplink: UplinkStats | null): Family[] {
  const families = [
    gauge('spinal_ledger_last_seq', 'Sequence of the newest committed event.', ledger.lastSeq),
    gauge('spinal_ledger_events', 'Events held in the ledger.', ledger.events),
    gauge('spinal_ledger_payload_bytes', 'Payload bytes held in the ledger.', ledger.payloadBytes),
    gauge(
      'spinal_ledger_disk_full',
      '1 while the disk is full (only safety events are written).',
      ledger.diskFull ? 1 : 0,
    ),
    counter('spinal_ledger_refused_total', 'Events refused for a full disk.', ledger.refused),
    counter('spinal_ledger_dropped_total', 'Events dropped by retention (never safety or mission).', ledger.dropped),
    gauge('spinal_ledger_telemetry_rows', 'Recorded telemetry rows held in the ledger.', ledger.telemetryRows),
    gauge('spinal_ledger_telemetry_bytes', 'Payload bytes of recorded telemetry held.', ledger.telemetryBytes),
    counter(
      'spinal_ledger_telemetry_refused_total',
      'Recorded telemetry rows refused for a full disk.',
      ledger.telemetryRefused,
    ),
    counter(
      'spinal_ledger_telemetry_dropped_total',
      'Recorded telemetry rows dropped by their caps or for a full disk.',
      ledger.telemetryDropped,
    ),
  ];
  if (!uplink) return families;
  const states = Object.keys(LINK_TRANSITIONS) as LinkState[];
  return [
    ...families,
    {
      name: 'spinal_uplink_state',
      help: 'The uplink connection state (1 for the current one).',
      type: 'gauge',
      samples: states.map((state) => ({ labels: { state }, value: uplink.state === state ? 1 : 0 })),
    },
    gauge('spinal_uplink_backlog_events', 'Committed events the supervisor has not acknowledged.', uplink.backlog),
    gauge(
      'spinal_uplink_replay_remaining_events',
      'Events still to replay on the current link.',
      uplink.replayRemaining,
    ),
    gauge('spinal_uplink_acked_seq', 'The last sequence the supervisor acknowledged.', uplink.ackedSeq),
    counter('spinal_uplink_events_sent_total', 'Event frames sent.', uplink.eventsSent),
    counter('spinal_uplink_telemetry_sent_total', 'Telemetry frames sent.', uplink.telemetrySent),
    counter(
      'spinal_uplink_telemetry_skipped_total',
      'Telemetry frames skipped while the link was backed up.',
      uplink.telemetrySkipped,
    ),
    counter('spinal_uplink_frames_rejected_total', 'Supervisor frames refused with a reason.', uplink.framesRejected),
    counter('spinal_uplink_connects_total', 'Links opened.', uplink.connects),
  ];
}
