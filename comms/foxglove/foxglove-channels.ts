import foxgloveSchemas from '@foxglove/schemas/jsonschema.js';

/** The frames the topics are drawn in: the world (`map`) and the robot's body (`base_link`, x forward, y left). */
export const WORLD_FRAME = 'map';
export const ROBOT_FRAME = 'base_link';

/** One topic as Foxglove sees it: its name, schema name and JSON schema (JSON encoding). */
export interface FoxgloveChannelSpec {
  topic: string;
  schemaName: string;
  schema: string;
}

/** The JSON schema of spinal's reflex state (no standard schema says what a safety arbiter lets through). */
const REFLEX_STATE_SCHEMA = {
  title: 'spinal.ReflexState',
  type: 'object',
  properties: {
    timestamp: { type: 'object', properties: { sec: { type: 'integer' }, nsec: { type: 'integer' } } },
    state: { type: 'string', description: 'clear, limited, slow, stopped or estop' },
    rule: { type: 'string' },
    reason: { type: 'string' },
    trips: { type: 'integer' },
    last_trip_rule: { type: 'string' },
    last_trip_reason: { type: 'string' },
    speed_mps: { type: 'number' },
    nearest_obstacle_m: { type: ['number', 'null'] },
  },
};

/** One line of a reflex trip's black box (the ledger's telemetry), as exported. */
const BLACK_BOX_SCHEMA = {
  title: 'spinal.BlackBoxEntry',
  type: 'object',
  properties: {
    timestamp: { type: 'object', properties: { sec: { type: 'integer' }, nsec: { type: 'integer' } } },
    trip_seq: { type: 'integer', description: 'the ledger sequence of the trip this line belongs to' },
    cmd_v_mps: { type: 'number' },
    cmd_w_radps: { type: 'number' },
    applied_v_mps: { type: 'number' },
    applied_w_radps: { type: 'number' },
    ahead_free_m: { type: ['number', 'null'] },
    lidar_age_ms: { type: 'number' },
    action: { type: 'string' },
    rule: { type: 'string' },
  },
};

/** A ledger event as it is: its kind, sequence and body (the same object `spinal events export` writes). */
const LEDGER_EVENT_SCHEMA = {
  title: 'spinal.LedgerEvent',
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    atUs: { type: 'number' },
    kind: { type: 'string' },
    wallTime: { type: 'string' },
    bootId: { type: 'string' },
  },
  required: ['seq', 'atUs', 'kind'],
};

function standard(topic: string, name: keyof typeof foxgloveSchemas): FoxgloveChannelSpec {
  const schema = foxgloveSchemas[name];
  return { topic, schemaName: schema.title as string, schema: JSON.stringify(schema) };
}

function own(topic: string, schema: { title: string }): FoxgloveChannelSpec {
  return { topic, schemaName: schema.title, schema: JSON.stringify(schema) };
}

/** Every topic the live server and the MCAP export write, by role. One definition for both. */
export const FOXGLOVE_CHANNELS = {
  scan: standard('/scan', 'LaserScan'),
  pose: standard('/pose', 'PoseInFrame'),
  tf: standard('/tf', 'FrameTransform'),
  map: standard('/map', 'Grid'),
  path: standard('/path', 'PosesInFrame'),
  footprint: standard('/footprint', 'SceneUpdate'),
  sweptArea: standard('/reflex/swept_area', 'SceneUpdate'),
  reflex: own('/reflex/state', REFLEX_STATE_SCHEMA),
  log: standard('/events', 'Log'),
  event: own('/ledger/events', LEDGER_EVENT_SCHEMA),
  blackBox: own('/reflex/black_box', BLACK_BOX_SCHEMA),
} as const satisfies Record<string, FoxgloveChannelSpec>;

export type FoxgloveChannelRole = keyof typeof FOXGLOVE_CHANNELS;
