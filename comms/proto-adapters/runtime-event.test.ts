import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import * as wire from '../proto/generated/spinal/v1/event.generated.js';
import { runtimeEvent } from '../../test/harness/message-arbitraries.js';
import { throughBytes } from '../../test/harness/wire-round-trip.js';
import { decodeWire } from './from-wire.js';
import { runtimeEventFromWire, runtimeEventToWire } from './runtime-event.js';

const estop: RuntimeEvent = {
  seq: 7,
  atUs: 4_000_000,
  kind: 'operator-estop',
  reason: 'aisle blocked',
  by: { via: 'debug-port', remoteAddress: '127.0.0.1', origin: null, authenticated: true },
};

describe('RuntimeEvent on the wire', () => {
  it('comes back the same through bytes, for every kind and every field', () => {
    fc.assert(
      fc.property(runtimeEvent, (event) => {
        expect(runtimeEventFromWire(throughBytes(wire.RuntimeEvent, runtimeEventToWire(event)))).toEqual({
          ok: true,
          value: event,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps an absent value apart from an empty or zero one', () => {
    const trip: RuntimeEvent = {
      seq: 1,
      atUs: 0,
      kind: 'reflex-trip',
      rule: 'obstacle',
      reason: 'wall ahead',
      blackBox: [
        {
          tUs: 0,
          cmdVMps: 0,
          cmdWRadps: 0,
          appliedVMps: 0,
          appliedWRadps: 0,
          aheadFreeM: 0,
          lidarAgeMs: 0,
          batteryV: null,
          tiltDeg: 0,
          action: '',
          rule: '',
        },
      ],
    };
    const back = runtimeEventFromWire(throughBytes(wire.RuntimeEvent, runtimeEventToWire(trip)));
    expect(back).toEqual({ ok: true, value: trip });
    const origin = runtimeEventFromWire(
      throughBytes(wire.RuntimeEvent, runtimeEventToWire({ ...estop, by: { ...estop.by, origin: '' } })),
    );
    expect(origin.ok && origin.value.kind === 'operator-estop' ? origin.value.by.origin : 'refused').toBe('');
  });
});

describe('An event that makes no sense is refused with the field named', () => {
  it('no body, sequence 0, no requester', () => {
    expect(runtimeEventFromWire({ seq: 1, atUs: 0, body: undefined })).toEqual({ ok: false, reason: 'body: missing' });
    expect(runtimeEventFromWire({ ...runtimeEventToWire(estop), seq: 0 })).toEqual({
      ok: false,
      reason: 'seq: 0: events are numbered from 1',
    });
    expect(
      runtimeEventFromWire({
        seq: 1,
        atUs: 0,
        body: { $case: 'operatorEstop', value: { reason: 'x', by: undefined } },
      }),
    ).toEqual({ ok: false, reason: 'body.operatorEstop.by: missing' });
  });

  it('an unknown enum value', () => {
    const event = runtimeEventToWire(estop);
    const bytes = wire.RuntimeEvent.encode({
      ...event,
      body: {
        $case: 'operatorEstop',
        value: {
          reason: 'x',
          by: { via: 9 as wire.RequesterVia, remote: undefined, originHeader: undefined, authenticated: false },
        },
      },
    }).finish();
    expect(decodeWire(wire.RuntimeEvent, bytes, runtimeEventFromWire)).toEqual({
      ok: false,
      reason: 'body.operatorEstop.by.via: unknown value 9',
    });
  });

  it('a sequence number beyond what a number holds exactly, as malformed bytes', () => {
    const bytes = Uint8Array.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    const result = decodeWire(wire.RuntimeEvent, bytes, runtimeEventFromWire);
    expect(result).toEqual({ ok: false, reason: 'malformed protobuf: Value is larger than Number.MAX_SAFE_INTEGER' });
  });
});
