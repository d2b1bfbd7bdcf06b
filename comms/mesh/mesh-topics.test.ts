import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESH_TOPIC_KINDS, meshFilter, meshTopic, parseMeshTopic } from './mesh-topics.js';

const id = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/);

describe('mesh topics', () => {
  it('names a robot’s topic and the fleet filter as docs/mesh.md gives them', () => {
    expect(meshTopic('warehouse-a', 'robot-7', 'state')).toBe('spinal/v1/warehouse-a/robot-7/state');
    expect(meshTopic('f', 'r', 'presence')).toBe('spinal/v1/f/r/presence');
    expect(meshFilter('warehouse-a')).toBe('spinal/v1/warehouse-a/+/+');
  });

  it('reads back every topic it names', () => {
    fc.assert(
      fc.property(id, id, fc.constantFrom(...MESH_TOPIC_KINDS), (fleet, robotId, kind) => {
        expect(parseMeshTopic(meshTopic(fleet, robotId, kind))).toEqual({ fleet, robotId, kind });
      }),
    );
  });

  it.each([
    'spinal/v1/f/robot-1',
    'spinal/v1/f/robot-1/state/extra',
    'spinal/v2/f/robot-1/state',
    'spinal/v1/f/Robot-1/state',
    'spinal/v1/f/-robot/state',
    'spinal/v1/f//state',
    'spinal/v1//robot-1/state',
    'spinal/v1/f/robot-1/telemetry',
    'spinal/v1/f/+/state',
    'spinal/v1/f/#',
    `spinal/v1/f/${'a'.repeat(64)}/state`,
    '',
  ])('refuses %j', (topic) => {
    expect(parseMeshTopic(topic)).toBeNull();
  });

  it('refuses to name a topic for an id that is not well formed', () => {
    expect(() => meshTopic('f', 'robot/1', 'state')).toThrow(RangeError);
    expect(() => meshTopic('+', 'robot-1', 'state')).toThrow(RangeError);
    expect(() => meshFilter('#')).toThrow(RangeError);
  });

  it('never throws on any string', () => {
    fc.assert(fc.property(fc.string(), (topic) => void parseMeshTopic(topic)));
  });
});
