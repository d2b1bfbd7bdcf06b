import type { ConfigChannel } from '../config-channel.js';
import type { MissionDesk } from '../mission-desk.js';
import type { OperatorChannel } from '../debug-port/operator-routes.js';
import type { StatusStore } from '../debug-port/status-store.js';
import type { Ledger } from '../ledger/ledger.js';
import { UplinkAcks } from '../ledger/uplink-acks.js';
import { MISSION_KINDS } from '../../messages/mission.js';
import { telemetryToWire } from '../proto-adapters/telemetry.js';
import { uplinkCommands, type MissionChannel } from './uplink-commands.js';
import { UplinkLink } from './uplink-link.js';
import type { UplinkSettings } from './uplink-settings.js';

/** The uplink as the comms thread runs it. */
export interface UplinkParts {
  link: UplinkLink;
}

/**
 * Builds the uplink of the comms thread: the ledger it replays, the status it turns into
 * telemetry, the operator path for e-stop and resume, the cortex for missions, the main thread for
 * config updates (and the telemetry rate, which the link takes itself once the main thread accepted it).
 */
export function assembleUplink(o: {
  settings: UplinkSettings;
  ledger: Ledger;
  store: StatusStore;
  nowUs: () => number;
  operator: OperatorChannel;
  /** Where config updates are applied (the main thread). */
  config: ConfigChannel;
  /** Where missions go (the cortex). */
  missions: MissionDesk;
  version: string;
}): UplinkParts {
  const missions: MissionChannel = async (order) => {
    const answer = await o.missions.submit(order);
    return { accepted: answer.verdict === 'accepted', reason: answer.reason };
  };
  const by = {
    via: 'supervisor' as const,
    remoteAddress: o.settings.target,
    origin: null,
    authenticated: o.settings.token !== '',
  };
  const link = new UplinkLink(o.settings, {
    ledger: o.ledger,
    acks: new UplinkAcks(o.ledger.db),
    identity: () => {
      const status = o.store.latest()?.status;
      return {
        robotId: status?.robotId ?? '',
        board: status?.board ?? '',
        version: o.version,
        capabilities: [...MISSION_KINDS],
      };
    },
    telemetry: () => {
      const status = o.store.latest()?.status;
      return status ? telemetryToWire(status, o.nowUs()) : null;
    },
    command: uplinkCommands({ operator: o.operator, missions, config: (update) => configure(update) }, by),
  });
  // The main thread applies an update to the reflex and the cortex; the telemetry rate is this thread's own, taken before the ack.
  const configure: ConfigChannel = async (update) => {
    const answer = await o.config(update);
    const telemetryHz = update.values['uplink.telemetryHz'];
    if (answer.accepted && typeof telemetryHz === 'number') link.setTelemetryHz(telemetryHz);
    return answer;
  };
  return { link };
}
