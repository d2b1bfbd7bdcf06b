import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config-error.js';
import { isDeviceFault, parseScenarioText } from '../scenario.js';
import { FaultTrigger, NO_OBSERVATION } from './fault-trigger.js';

/** A one-robot scenario whose robot has the `faults:` given as YAML flow lines. */
function scenarioWith(...faults: string[]): string {
  return `
name: faults
world:
  walls: [[0, 0, 4, 0], [4, 0, 4, 3], [4, 3, 0, 3], [0, 3, 0, 0]]
robots:
  - id: robot-1
    start: { xM: 1, yM: 1 }
    mission: { goto: { xM: 3, yM: 2 } }
    faults:
${faults.map((f) => `      - ${f}`).join('\n')}
`;
}

function configErrorOf(text: string): ConfigError {
  try {
    parseScenarioText(text, 'faults.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the fault schedule in a scenario', () => {
  it('GIVEN device and system faults, at a time and on conditions THEN each is read by its own schema', () => {
    const scenario = parseScenarioText(
      scenarioWith(
        '{ device: lidar, kind: unplug, atS: 1, durationS: 2 }',
        '{ device: uplink, kind: blackhole, when: { distanceM: { gte: 1.5 } }, durationS: 4 }',
        '{ device: uplink, kind: slow, atS: 3, latencyMs: 300, bytesPerS: 4000 }',
        '{ device: supervisor, kind: down, when: { missionState: active }, durationS: 5 }',
        '{ device: broker, kind: down, atS: 2, durationS: 3 }',
        '{ device: mesh, kind: rogue, when: { goalReached: true }, durationS: 3, messagesPerS: 50 }',
      ),
      'faults.yaml',
    );
    const faults = scenario.robots[0]!.faults;
    expect(faults.map((f) => [f.device, f.kind, isDeviceFault(f)])).toEqual([
      ['lidar', 'unplug', true],
      ['uplink', 'blackhole', false],
      ['uplink', 'slow', false],
      ['supervisor', 'down', false],
      ['broker', 'down', false],
      ['mesh', 'rogue', false],
    ]);
    expect(faults[0]).toMatchObject({ atS: 1, durationS: 2, rate: 1 });
    expect(faults[1]).toMatchObject({ when: { distanceM: { gte: 1.5 } }, durationS: 4 });
    expect(faults[2]).toMatchObject({ latencyMs: 300, bytesPerS: 4000 });
    expect(faults[3]).toMatchObject({ when: { missionState: 'active' } });
  });

  it.each([
    ['{ device: uplink, kind: unplug, atS: 1 }', 'robots[0].faults[0].kind'],
    ['{ device: uplink, kind: cut }', 'robots[0].faults[0].atS'],
    ['{ device: uplink, kind: cut, atS: 1, when: { goalReached: true } }', 'robots[0].faults[0].when'],
    ['{ device: uplink, kind: cut, atS: 1, latencyMs: 20 }', 'robots[0].faults[0].latencyMs'],
    ['{ device: uplink, kind: slow, atS: 1, bytesPerS: 0 }', 'robots[0].faults[0].bytesPerS'],
    ['{ device: supervisor, kind: down, atS: -1 }', 'robots[0].faults[0].atS'],
    ['{ device: supervisor, kind: down, atS: 1, durationS: 0 }', 'robots[0].faults[0].durationS'],
    ['{ device: broker, kind: down, atS: 1, rate: 0.5 }', 'robots[0].faults[0]'],
    ['{ device: mesh, kind: rogue, when: {} }', 'robots[0].faults[0].when'],
    ['{ device: mesh, kind: rogue, when: { goalReached: true, missionState: active } }', 'robots[0].faults[0].when'],
    ['{ device: mesh, kind: rogue, when: { missionState: flying } }', 'robots[0].faults[0].when.missionState'],
    ['{ device: mesh, kind: rogue, when: { distanceM: 2 } }', 'robots[0].faults[0].when.distanceM'],
    ['{ device: mesh, kind: rogue, when: { goalReached: false } }', 'robots[0].faults[0].when.goalReached'],
    ['{ device: lidar, kind: unplug }', 'robots[0].faults[0].atS'],
    ['{ device: lidar, kind: unplug, when: { goalReached: true }, atS: 2 }', 'robots[0].faults[0].when'],
  ])('GIVEN %s THEN loading fails naming the file and %s', (fault, field) => {
    const error = configErrorOf(scenarioWith(fault));
    expect(error.file).toBe('faults.yaml');
    expect(error.path).toBe(field);
  });

  it('GIVEN an option of another kind THEN the message says which kind it belongs to', () => {
    expect(configErrorOf(scenarioWith('{ device: uplink, kind: blackhole, atS: 1, bytesPerS: 10 }')).problem).toBe(
      'applies to kind "slow" only',
    );
    expect(configErrorOf(scenarioWith('{ device: broker, kind: down, atS: 1, rate: 0.5 }')).problem).toBe(
      'unknown field(s) "rate"',
    );
  });
});

describe('FaultTrigger', () => {
  it('GIVEN a fault on a condition THEN it begins when the condition first holds and clears a duration later, once', () => {
    const trigger = new FaultTrigger({ when: { distanceM: { gte: 2 } }, durationS: 3 }, 'uplink', 'cut');
    expect(trigger.update(1e6, { ...NO_OBSERVATION, distanceM: 1.9 })).toBeNull();
    expect(trigger.report()).toBeNull();
    expect(trigger.update(2e6, { ...NO_OBSERVATION, distanceM: 2 })).toBe('inject');
    expect(trigger.active).toBe(true);
    expect(trigger.update(4.9e6, NO_OBSERVATION)).toBeNull();
    expect(trigger.update(5e6, NO_OBSERVATION)).toBe('clear');
    expect(trigger.update(6e6, { ...NO_OBSERVATION, distanceM: 9 })).toBeNull();
    expect(trigger.report()).toEqual({ device: 'uplink', kind: 'cut', atS: 2, clearedAtS: 5 });
  });

  it('GIVEN a fault at a time with no duration THEN it never clears', () => {
    const trigger = new FaultTrigger({ atS: 1 }, 'broker', 'down');
    expect(trigger.update(0.5e6, NO_OBSERVATION)).toBeNull();
    expect(trigger.update(1e6, NO_OBSERVATION)).toBe('inject');
    expect(trigger.update(1e9, NO_OBSERVATION)).toBeNull();
    expect(trigger.report()).toEqual({ device: 'broker', kind: 'down', atS: 1, clearedAtS: null });
  });

  it('GIVEN a mission-state condition THEN it holds only in that state', () => {
    const trigger = new FaultTrigger({ when: { missionState: 'succeeded' } }, 'mesh', 'rogue');
    expect(trigger.update(1e6, { ...NO_OBSERVATION, missionState: 'active' })).toBeNull();
    expect(trigger.update(2e6, { ...NO_OBSERVATION, missionState: 'succeeded' })).toBe('inject');
  });
});
