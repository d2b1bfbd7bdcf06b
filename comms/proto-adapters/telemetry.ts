/** The robot's status (messages/runtime-status.ts) as a Telemetry frame (spinal/v1/uplink.proto). */
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import * as wire from '../proto/generated/spinal/v1/uplink.generated.js';
import { enumMapping } from './enum-mapping.js';
import { pose2DToWire } from './geometry.js';
import { missionStates } from './mission.js';

export const reflexStates = enumMapping<RuntimeStatus['reflex']['state'], wire.ReflexState>({
  clear: wire.ReflexState.CLEAR,
  limited: wire.ReflexState.LIMITED,
  slow: wire.ReflexState.SLOW,
  stopped: wire.ReflexState.STOPPED,
  estop: wire.ReflexState.ESTOP,
});

export const runtimeModes = enumMapping<RuntimeStatus['mode'], wire.RuntimeMode>({
  sim: wire.RuntimeMode.SIM,
  run: wire.RuntimeMode.RUN,
});

/** One telemetry frame from a status snapshot taken at `atUs` (robot clock). */
export function telemetryToWire(status: RuntimeStatus, atUs: number): wire.Telemetry {
  return {
    atUs,
    pose: status.pose ? pose2DToWire(status.pose) : undefined,
    velocity: { vMps: status.speed.vMps, wRadps: status.speed.wRadps },
    battery: undefined,
    mode: runtimeModes.toWire(status.mode),
    mission: {
      kind: status.mission.kind,
      state: missionStates.toWire(status.mission.state),
      id: status.mission.id ?? '',
      progress: status.mission.progress ?? 0,
      eta:
        status.mission.etaS === undefined || status.mission.etaS === null
          ? undefined
          : { $case: 'etaS', value: status.mission.etaS },
    },
    reflex: {
      state: reflexStates.toWire(status.reflex.state),
      rule: status.reflex.rule,
      reason: status.reflex.reason,
      trips: status.reflex.trips,
    },
    devices: status.devices.map((device) => ({ device: device.id, state: device.health.state })),
  };
}
