/**
 * Every field of the wire schema has its mapping. The adapters' output for random in-process messages
 * goes through bytes; every message met on the way must have had each of its fields set at least once,
 * every enum value must map to an in-process value, and every message of the schema is either reached
 * by an adapter or named below as having no in-process type yet. Adding a field to a .proto file without
 * its adapter fails here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as eventSchema from '../proto/generated/spinal/v1/event.generated.js';
import * as geometrySchema from '../proto/generated/spinal/v1/geometry.generated.js';
import * as meshSchema from '../proto/generated/spinal/v1/mesh.generated.js';
import * as missionSchema from '../proto/generated/spinal/v1/mission.generated.js';
import * as uplinkSchema from '../proto/generated/spinal/v1/uplink.generated.js';
import { missionAssignment, pose2D, runtimeEvent } from '../../test/harness/message-arbitraries.js';
import { throughBytes } from '../../test/harness/wire-round-trip.js';
import type { EnumMapping } from './enum-mapping.js';
import { pose2DToWire } from './geometry.js';
import { missionAssignmentToWire, missionStates } from './mission.js';
import { flapPhases, ledgerNotices, overridePhases, requesterVias, runtimeEventToWire } from './runtime-event.js';

const schemaModules = [eventSchema, geometrySchema, meshSchema, missionSchema, uplinkSchema];

/** Messages of the schema with no in-process type yet: frames, telemetry and mesh payloads. */
const WIRE_ONLY = new Set([
  'spinal.v1.Velocity2D',
  'spinal.v1.RobotFrame',
  'spinal.v1.LedgerEvent',
  'spinal.v1.SupervisorFrame',
  'spinal.v1.Hello',
  'spinal.v1.Telemetry',
  'spinal.v1.BatteryLevel',
  'spinal.v1.MissionProgress',
  'spinal.v1.ReflexSummary',
  'spinal.v1.DeviceHealthSummary',
  'spinal.v1.CommandAck',
  'spinal.v1.EventAck',
  'spinal.v1.MissionCommand',
  'spinal.v1.EstopCommand',
  'spinal.v1.ResumeCommand',
  'spinal.v1.ConfigUpdate',
  'spinal.v1.ConfigUpdate.ValuesEntry',
  'spinal.v1.PeerState',
  'spinal.v1.Presence',
  'spinal.v1.Hazard',
  'spinal.v1.RightOfWayClaim',
]);

interface MessageCodec {
  $type: string;
  fromPartial(object: object): Record<string, unknown>;
}

function isMessageCodec(value: unknown): value is MessageCodec {
  return typeof value === 'object' && value !== null && '$type' in value && 'fromPartial' in value;
}

/** Every message of the schema by its full name, with the names of its fields. */
const schemaFields = new Map(
  schemaModules
    .flatMap((module) => Object.values(module))
    .filter(isMessageCodec)
    .map((codec) => [codec.$type, Object.keys(codec.fromPartial({})).filter((key) => key !== '$type')]),
);

/**
 * What the walk found, by message name: the fields seen set (not at their default), oneof members as
 * `field:$case`, and the fields the adapters left out of their output altogether (protobuf would
 * encode such a field from `undefined`, so only the adapter's own object shows it).
 */
interface Coverage {
  set: Map<string, Set<string>>;
  leftOut: Set<string>;
}

function isSet(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '';
  if (typeof value === 'boolean') return value;
  return value !== undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Walks a decoded message beside the adapter's object it was encoded from. */
function walk(decoded: unknown, written: unknown, coverage: Coverage): void {
  if (Array.isArray(decoded)) {
    decoded.forEach((item, i) => walk(item, Array.isArray(written) ? written[i] : undefined, coverage));
    return;
  }
  if (!isObject(decoded)) return;
  if (typeof decoded.$type !== 'string') {
    // A map field: an object of messages by key.
    for (const [key, value] of Object.entries(decoded))
      walk(value, isObject(written) ? written[key] : undefined, coverage);
    return;
  }
  const name = decoded.$type;
  const fields = coverage.set.get(name) ?? new Set<string>();
  coverage.set.set(name, fields);
  for (const [key, field] of Object.entries(decoded)) {
    if (key === '$type') continue;
    const writtenField = isObject(written) ? written[key] : undefined;
    if (!isObject(written) || !(key in written)) coverage.leftOut.add(`${name}.${key}`);
    if (!isSet(field)) continue;
    fields.add(key);
    if (isObject(field) && typeof field.$case === 'string') {
      fields.add(`${key}:${field.$case}`);
      walk(field.value, isObject(writtenField) ? writtenField.value : undefined, coverage);
    } else {
      walk(field, writtenField, coverage);
    }
  }
}

/** Encodes an adapter's output, decodes it and walks both. */
function record<W>(
  codec: { encode(message: W): { finish(): Uint8Array }; decode(bytes: Uint8Array): W },
  written: W,
  coverage: Coverage,
): void {
  walk(throughBytes(codec, written), written, coverage);
}

/** What the adapters put on the wire for many random in-process messages, read back from bytes. */
function coverageOfAdapters(): Coverage {
  const coverage: Coverage = { set: new Map(), leftOut: new Set() };
  const options = { numRuns: 400, seed: 20_261_203 };
  for (const event of fc.sample(runtimeEvent, options)) {
    record(eventSchema.RuntimeEvent, runtimeEventToWire(event), coverage);
  }
  for (const assignment of fc.sample(missionAssignment, options)) {
    record(missionSchema.MissionAssignment, missionAssignmentToWire(assignment), coverage);
  }
  for (const pose of fc.sample(pose2D, options)) {
    record(geometrySchema.Pose2D, pose2DToWire(pose), coverage);
  }
  return coverage;
}

/** The cases of the oneofs with more than one member; the tables do not compile when one is missing. */
const oneofCases = {
  'spinal.v1.RuntimeEvent': {
    body: {
      deviceHealth: true,
      reflexTrip: true,
      mission: true,
      operatorEstop: true,
      operatorReset: true,
      override: true,
      deviceFlapping: true,
      ledgerNotice: true,
      upgrade: true,
      configChange: true,
      consistencyViolation: true,
      consistencyReaction: true,
      rightOfWay: true,
    } satisfies Record<NonNullable<eventSchema.RuntimeEvent['body']>['$case'], true>,
  },
  'spinal.v1.ParameterValue': {
    value: { number: true, boolean: true, text: true } satisfies Record<
      NonNullable<eventSchema.ParameterValue['value']>['$case'],
      true
    >,
  },
  'spinal.v1.Mission': {
    kind: { goto: true, drive: true, patrol: true, survey: true, returnToBase: true } satisfies Record<
      NonNullable<missionSchema.Mission['kind']>['$case'],
      true
    >,
  },
};

describe('the wire schema', () => {
  const coverage = coverageOfAdapters();
  const seen = coverage.set;

  it('has every message either reached by an adapter or named as wire-only', () => {
    // A map's entry message is never decoded as an object of its own: it counts as reached with its map's message.
    const reached = (name: string) => seen.has(name) || seen.has(name.replace(/\.\w+Entry$/, ''));
    const unaccounted = [...schemaFields.keys()].filter((name) => !reached(name) && !WIRE_ONLY.has(name));
    const both = [...seen.keys()].filter((name) => WIRE_ONLY.has(name));
    expect(unaccounted).toEqual([]);
    expect(both).toEqual([]);
    expect([...WIRE_ONLY].filter((name) => !schemaFields.has(name))).toEqual([]);
  });

  it('has every field of every adapted message set by the adapters', () => {
    const unmapped = [...seen].flatMap(([name, fields]) =>
      (schemaFields.get(name) ?? []).filter((field) => !fields.has(field)).map((field) => `${name}.${field}`),
    );
    expect(unmapped).toEqual([]);
    expect([...coverage.leftOut]).toEqual([]);
  });

  it('has every member of every oneof reached', () => {
    const missing = Object.entries(oneofCases).flatMap(([name, oneofs]) =>
      Object.entries(oneofs).flatMap(([field, cases]) =>
        Object.keys(cases)
          .filter((member) => !seen.get(name)?.has(`${field}:${member}`))
          .map((member) => `${name}.${field}:${member}`),
      ),
    );
    expect(missing).toEqual([]);
  });

  it('has an in-process value for every enum value', () => {
    const unspecifiedOrUnknown = (value: number) => value <= 0;
    const unmapped = (enumObject: Record<string, string | number>, mapping: EnumMapping<string, number>) =>
      Object.values(enumObject)
        .filter((value): value is number => typeof value === 'number' && !unspecifiedOrUnknown(value))
        .filter((value) => !mapping.wireValues.includes(value));
    expect(unmapped(missionSchema.MissionState, missionStates)).toEqual([]);
    expect(unmapped(eventSchema.RequesterVia, requesterVias)).toEqual([]);
    expect(unmapped(eventSchema.OverridePhase, overridePhases)).toEqual([]);
    expect(unmapped(eventSchema.FlapPhase, flapPhases)).toEqual([]);
    expect(unmapped(eventSchema.LedgerNoticeKind, ledgerNotices)).toEqual([]);
  });

  it('would notice a field the adapters leave unset or leave out', () => {
    const withoutReason = (event: eventSchema.RuntimeEvent): eventSchema.RuntimeEvent => {
      if (event.body?.$case !== 'deviceHealth') return event;
      const { reason: _, ...rest } = event.body.value;
      return { ...event, body: { $case: 'deviceHealth', value: { ...rest, reason: '' } } };
    };
    const withoutFrom = (event: eventSchema.RuntimeEvent): object => {
      if (event.body?.$case !== 'deviceHealth') return event;
      const { from: _, ...rest } = event.body.value;
      return { ...event, body: { $case: 'deviceHealth', value: rest } };
    };
    const unset: Coverage = { set: new Map(), leftOut: new Set() };
    const leftOut: Coverage = { set: new Map(), leftOut: new Set() };
    for (const event of fc.sample(runtimeEvent, { numRuns: 200, seed: 1 })) {
      record(eventSchema.RuntimeEvent, withoutReason(runtimeEventToWire(event)), unset);
      record(eventSchema.RuntimeEvent, withoutFrom(runtimeEventToWire(event)) as eventSchema.RuntimeEvent, leftOut);
    }
    expect(unset.set.get('spinal.v1.DeviceHealthChange')?.has('reason')).toBe(false);
    expect(unset.set.get('spinal.v1.DeviceHealthChange')?.has('device')).toBe(true);
    expect([...leftOut.leftOut]).toEqual(['spinal.v1.DeviceHealthChange.from']);
  });
});
