import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { parseScenarioText } from './scenario.js';
import { DEFAULT_SIM_BATTERY_CAPACITY_WH } from './scenario-battery.js';

const ROOM = `
name: battery-room
world:
  walls:
    - [0, 0, 4, 0]
    - [4, 0, 4, 3]
    - [4, 3, 0, 3]
    - [0, 3, 0, 0]
robots:
  - id: robot-1
    start: { xM: 1, yM: 1 }
    mission:
      goto: { xM: 3, yM: 2.5 }
`;

const withBattery = (battery: string): string => `${ROOM}    battery: ${battery}\n`;

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('scenario robots[i].battery', () => {
  it('defaults to a large full pack, so a scenario that gives none does not drain', () => {
    const robot = parseScenarioText(ROOM, 'room.yaml').robots[0]!;
    expect(robot.battery).toEqual({
      capacityWh: DEFAULT_SIM_BATTERY_CAPACITY_WH,
      initialWh: DEFAULT_SIM_BATTERY_CAPACITY_WH,
      internalOhms: 0.1,
      electronicsLoadA: 0.3,
    });
    expect(DEFAULT_SIM_BATTERY_CAPACITY_WH).toBeGreaterThanOrEqual(500);
  });

  it('takes the energy at the start in watt-hours or as a state of charge', () => {
    const byWh = parseScenarioText(withBattery('{ capacityWh: 20, initialWh: 5 }'), 'room.yaml').robots[0]!;
    expect(byWh.battery).toMatchObject({ capacityWh: 20, initialWh: 5 });
    const bySoc = parseScenarioText(withBattery('{ capacityWh: 20, initialStateOfCharge: 0.25 }'), 'r.yaml').robots[0]!;
    expect(bySoc.battery).toMatchObject({ capacityWh: 20, initialWh: 5 });
    const full = parseScenarioText(
      withBattery('{ capacityWh: 20, internalOhms: 0.05, electronicsLoadA: 1 }'),
      'r.yaml',
    );
    expect(full.robots[0]!.battery).toEqual({ capacityWh: 20, initialWh: 20, internalOhms: 0.05, electronicsLoadA: 1 });
  });

  it('names the field when the start holds more than the capacity', () => {
    const error = configErrorOf(() => parseScenarioText(withBattery('{ capacityWh: 20, initialWh: 25 }'), 'room.yaml'));
    expect(error.file).toBe('room.yaml');
    expect(error.path).toBe('robots[0].battery.initialWh');
    expect(error.problem).toMatch(/25 Wh is more than capacityWh \(20 Wh\)/);
  });

  it('refuses both ways of giving the start at once, and values out of range or unknown', () => {
    const both = configErrorOf(() =>
      parseScenarioText(withBattery('{ capacityWh: 20, initialWh: 5, initialStateOfCharge: 0.5 }'), 'room.yaml'),
    );
    expect(both.path).toBe('robots[0].battery');
    expect(both.problem).toMatch(/give at most one/);
    expect(configErrorOf(() => parseScenarioText(withBattery('{ capacityWh: 0 }'), 'room.yaml')).path).toBe(
      'robots[0].battery.capacityWh',
    );
    expect(configErrorOf(() => parseScenarioText(withBattery('{ initialStateOfCharge: 1.5 }'), 'room.yaml')).path).toBe(
      'robots[0].battery.initialStateOfCharge',
    );
    expect(configErrorOf(() => parseScenarioText(withBattery('{ internalOhms: -1 }'), 'room.yaml')).path).toBe(
      'robots[0].battery.internalOhms',
    );
    expect(
      configErrorOf(() => parseScenarioText(withBattery('{ capacityWh: 20, voltsFull: 12 }'), 'r.yaml')).problem,
    ).toMatch(/voltsFull/);
  });
});
