import { describe, expect, it } from 'vitest';
import { runtimeEventFromWire, runtimeEventToWire } from '../proto-adapters/runtime-event.js';
import { missionFromWire, missionToWire } from '../proto-adapters/mission.js';
import { UplinkService, type RobotFrame, type SupervisorFrame } from './generated/spinal/v1/uplink.generated.js';

describe('the Uplink service definition', () => {
  it('is one bidirectional stream at /spinal.v1.Uplink/Link', () => {
    expect(Object.keys(UplinkService)).toEqual(['link']);
    expect(UplinkService.link.path).toBe('/spinal.v1.Uplink/Link');
    expect(UplinkService.link.requestStream).toBe(true);
    expect(UplinkService.link.responseStream).toBe(true);
  });

  it('carries a ledger event up and a mission down through its serializers', () => {
    const event = { seq: 3, atUs: 1_500_000, kind: 'mission' as const, mission: 'goto', state: 'active' };
    const up: RobotFrame = {
      frame: { $case: 'event', value: { bootId: 'b-1', wallMs: 1_700_000_000_000, event: runtimeEventToWire(event) } },
    };
    const received = UplinkService.link.requestDeserialize(UplinkService.link.requestSerialize(up));
    expect(received.frame?.$case).toBe('event');
    expect(received.frame?.$case === 'event' && received.frame.value.bootId).toBe('b-1');
    expect(received.frame?.$case === 'event' && runtimeEventFromWire(received.frame.value.event!)).toEqual({
      ok: true,
      value: event,
    });

    const mission = { kind: 'goto' as const, goal: { xM: 4, yM: -1.5 }, toleranceM: 0.25 };
    const down: SupervisorFrame = {
      frame: {
        $case: 'mission',
        value: { commandId: 12, missionId: 'm-12', mission: missionToWire(mission), priorityGiven: undefined },
      },
    };
    const command = UplinkService.link.responseDeserialize(UplinkService.link.responseSerialize(down));
    expect(command.frame?.$case === 'mission' && command.frame.value.commandId).toBe(12);
    expect(command.frame?.$case === 'mission' && missionFromWire(command.frame.value.mission!)).toEqual({
      ok: true,
      value: mission,
    });
  });
});
