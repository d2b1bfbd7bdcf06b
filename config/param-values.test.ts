import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import {
  closestName,
  describeParams,
  envNameOf,
  paramSources,
  redactParams,
  resolveParams,
  unknownEnvVars,
  type ParamInputs,
} from './param-values.js';
import { paramList } from './params.js';

const board = (values: Record<string, unknown>) => ({ file: 'board-configs/x.yaml', values });
const config = (values: Record<string, unknown>) => ({ file: 'spinal.yaml', values });

function errorOf(inputs: ParamInputs): ConfigError {
  try {
    resolveParams(inputs);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('envNameOf', () => {
  it.each([
    ['reflex.deadmanTimeoutMs', 'SPINAL_REFLEX_DEADMAN_TIMEOUT_MS'],
    ['robot.id', 'SPINAL_ROBOT_ID'],
    ['reflex.brakingDecelMps2', 'SPINAL_REFLEX_BRAKING_DECEL_MPS2'],
    ['reflex.maxTurnRateRadps', 'SPINAL_REFLEX_MAX_TURN_RATE_RADPS'],
    ['sim.quantumMs', 'SPINAL_SIM_QUANTUM_MS'],
  ])('%s -> %s', (name, envName) => {
    expect(envNameOf(name)).toBe(envName);
  });
});

describe('resolveParams: precedence', () => {
  it('gives every default when nothing is set', () => {
    const values = resolveParams({});
    for (const definition of paramList) expect(values[definition.name]).toBe(definition.default);
    expect(Object.values(paramSources(values) ?? {})).toEqual(paramList.map(() => 'default'));
  });

  it('applies default < board < config < environment, and records each source', () => {
    const values = resolveParams({
      board: board({ 'reflex.deadmanTimeoutMs': 400, 'reflex.maxSpeedMps': 0.3, 'cortex.rateHz': 10 }),
      config: config({ 'reflex.deadmanTimeoutMs': 300, 'reflex.maxSpeedMps': 0.2 }),
      env: { SPINAL_REFLEX_DEADMAN_TIMEOUT_MS: '250', HOME: '/root' },
    });
    expect(values['reflex.deadmanTimeoutMs']).toBe(250);
    expect(values['reflex.maxSpeedMps']).toBe(0.2);
    expect(values['cortex.rateHz']).toBe(10);
    expect(values['reflex.loopRateHz']).toBe(100);
    expect(paramSources(values)).toMatchObject({
      'reflex.deadmanTimeoutMs': 'env',
      'reflex.maxSpeedMps': 'config',
      'cortex.rateHz': 'board',
      'reflex.loopRateHz': 'default',
    });
  });

  it('returns a frozen object', () => {
    const values = resolveParams({});
    expect(Object.isFrozen(values)).toBe(true);
  });

  it('ignores environment variables that are unset (undefined)', () => {
    const values = resolveParams({ env: { SPINAL_REFLEX_LOOP_RATE_HZ: undefined } });
    expect(values['reflex.loopRateHz']).toBe(100);
    expect(paramSources(values)?.['reflex.loopRateHz']).toBe('default');
  });

  it('knows no sources for values it did not make', () => {
    expect(paramSources({ ...resolveParams({}) })).toBeUndefined();
  });
});

describe('resolveParams: file values', () => {
  it('names the file, the field, the unit and the range when a value is out of range', () => {
    const error = errorOf({ board: board({ 'reflex.deadmanTimeoutMs': 9000 }) });
    expect(error.message).toBe(
      'board-configs/x.yaml: params.reflex.deadmanTimeoutMs: 9000 ms is out of range 20..5000 ms',
    );
    expect(error).toMatchObject({ file: 'board-configs/x.yaml', path: 'params.reflex.deadmanTimeoutMs' });
  });

  it('checks the config file after the board file, naming the config file', () => {
    const error = errorOf({ board: board({ 'reflex.slowZoneM': 1 }), config: config({ 'reflex.slowZoneM': -1 }) });
    expect(error.message).toBe('spinal.yaml: params.reflex.slowZoneM: -1 m is out of range 0..5 m');
  });

  it.each([
    ['reflex.brakingDecelMps2', 0.05, '0.05 m/s² is out of range 0.1..10 m/s²'],
    ['reflex.loopRateHz', 2.5, '2.5 Hz is not an integer (10..1000 Hz)'],
    ['reflex.loopRateHz', '100', 'expected an integer (10..1000 Hz), got string "100"'],
    ['reflex.maxSpeedMps', true, 'expected a number (0..5 m/s), got boolean true'],
    ['reflex.maxSpeedMps', null, 'expected a number (0..5 m/s), got null'],
    ['reflex.maxSpeedMps', Number.NaN, 'expected a number (0..5 m/s), got number NaN'],
    ['reflex.maxSpeedMps', Number.POSITIVE_INFINITY, 'expected a number (0..5 m/s), got number Infinity'],
    ['robot.id', 7, 'expected a string, got number 7'],
    ['robot.id', 'Robot 7', '"Robot 7" must be 1 to 63 lower-case letters, digits or dashes, not starting with a dash'],
    ['debug.listen', '8080', '"8080" is not host:port (e.g. 127.0.0.1:8080 or [::1]:8080)'],
    ['debug.listen', ['127.0.0.1:8080'], 'expected a string, got a list'],
  ])('%s: %j -> %s', (name, value, problem) => {
    expect(errorOf({ config: config({ [name]: value }) })).toMatchObject({
      file: 'spinal.yaml',
      path: `params.${name}`,
      problem,
    });
  });

  it('accepts range limits themselves', () => {
    const values = resolveParams({
      config: config({ 'reflex.deadmanTimeoutMs': 20, 'reflex.lidarStaleTimeoutMs': 5000 }),
    });
    expect([values['reflex.deadmanTimeoutMs'], values['reflex.lidarStaleTimeoutMs']]).toEqual([20, 5000]);
  });

  it('suggests the closest name for a misspelt parameter', () => {
    expect(errorOf({ board: board({ 'reflex.deadmanTimeotMs': 400 }) }).message).toBe(
      'board-configs/x.yaml: params.reflex.deadmanTimeotMs: unknown parameter; did you mean "reflex.deadmanTimeoutMs"?',
    );
  });

  it.each([
    ['reflex.DeadmanTimeoutMs', 'reflex.deadmanTimeoutMs'],
    ['deadmanTimeoutMs', 'reflex.deadmanTimeoutMs'],
    ['reflx.loopRateHz', 'reflex.loopRateHz'],
    ['cortex.goalTolerance', 'cortex.goalToleranceM'],
  ])('suggests %s -> %s', (name, suggestion) => {
    expect(errorOf({ config: config({ [name]: 1 }) }).problem).toBe(`unknown parameter; did you mean "${suggestion}"?`);
  });

  it('gives no suggestion when nothing is close', () => {
    expect(errorOf({ config: config({ 'mesh.brokerUrl': 'mqtt://x' }) }).problem).toBe(
      'unknown parameter (docs/configuration.md lists them all)',
    );
  });

  it('explains dotted names when a section is written as a nested mapping', () => {
    expect(errorOf({ config: config({ reflex: { loopRateHz: 50 } }) })).toMatchObject({
      path: 'params.reflex',
      problem: 'unknown parameter; write parameters as dotted names, e.g. "reflex.loopRateHz: 100"',
    });
  });
});

describe('resolveParams: environment', () => {
  it('parses each type from text', () => {
    const values = resolveParams({
      env: {
        SPINAL_ROBOT_ID: 'scout-7',
        SPINAL_REFLEX_LOOP_RATE_HZ: ' 200 ',
        SPINAL_REFLEX_BRAKING_DECEL_MPS2: '2.5e0',
        SPINAL_CORTEX_GOAL_TOLERANCE_M: '.2',
        SPINAL_DEBUG_TOKEN: 's3cret',
      },
    });
    expect(values['robot.id']).toBe('scout-7');
    expect(values['reflex.loopRateHz']).toBe(200);
    expect(values['reflex.brakingDecelMps2']).toBe(2.5);
    expect(values['cortex.goalToleranceM']).toBe(0.2);
    expect(values['debug.token']).toBe('s3cret');
  });

  it.each([
    ['SPINAL_REFLEX_DEADMAN_TIMEOUT_MS', '9000', '9000 ms is out of range 20..5000 ms'],
    ['SPINAL_REFLEX_DEADMAN_TIMEOUT_MS', 'fast', '"fast" is not a number (20..5000 ms)'],
    ['SPINAL_REFLEX_DEADMAN_TIMEOUT_MS', '', '"" is not a number (20..5000 ms)'],
    ['SPINAL_REFLEX_DEADMAN_TIMEOUT_MS', '0x1f4', '"0x1f4" is not a number (20..5000 ms)'],
    ['SPINAL_REFLEX_LOOP_RATE_HZ', '50.5', '50.5 Hz is not an integer (10..1000 Hz)'],
    ['SPINAL_REFLEX_LOOP_RATE_HZ', 'Infinity', '"Infinity" is not an integer (10..1000 Hz)'],
    [
      'SPINAL_ROBOT_ID',
      'Robot',
      '"Robot" must be 1 to 63 lower-case letters, digits or dashes, not starting with a dash',
    ],
  ])('%s=%j -> %s', (envName, text, problem) => {
    const error = errorOf({ env: { [envName]: text } });
    expect(error).toMatchObject({ file: 'environment', path: envName, problem });
    expect(error.message).toBe(`environment: ${envName}: ${problem}`);
  });

  it('lets the environment override a config file value', () => {
    const values = resolveParams({ config: config({ 'sim.quantumMs': 10 }), env: { SPINAL_SIM_QUANTUM_MS: '1' } });
    expect(values['sim.quantumMs']).toBe(1);
  });
});

describe('debug.token beyond loopback', () => {
  it('refuses a non-loopback debug.listen without a token, naming where debug.listen was set', () => {
    expect(errorOf({ board: board({ 'debug.listen': '0.0.0.0:8080' }) }).message).toBe(
      'board-configs/x.yaml: params.debug.listen: 0.0.0.0:8080 is reachable from other machines, so debug.token must be set (SPINAL_DEBUG_TOKEN keeps it out of files)',
    );
    expect(errorOf({ env: { SPINAL_DEBUG_LISTEN: '192.168.1.20:8080' } })).toMatchObject({
      file: 'environment',
      path: 'SPINAL_DEBUG_LISTEN',
    });
  });

  it('accepts it with a token, and accepts loopback without one', () => {
    const open = resolveParams({
      config: config({ 'debug.listen': '0.0.0.0:8080' }),
      env: { SPINAL_DEBUG_TOKEN: 'abc' },
    });
    expect(open['debug.listen']).toBe('0.0.0.0:8080');
    expect(resolveParams({ config: config({ 'debug.listen': 'localhost:9000' }) })['debug.listen']).toBe(
      'localhost:9000',
    );
    expect(resolveParams({ config: config({ 'debug.listen': '[::1]:9000' }) })['debug.listen']).toBe('[::1]:9000');
  });
});

describe('describeParams', () => {
  it('prints name = value (source), one line per parameter, with secrets as ***', () => {
    const values = resolveParams({
      board: board({ 'robot.id': 'scout-7' }),
      env: { SPINAL_DEBUG_TOKEN: 'hunter2', SPINAL_REFLEX_LOOP_RATE_HZ: '200' },
    });
    const lines = describeParams(values);
    expect(lines).toHaveLength(paramList.length);
    expect(lines).toContain('robot.id = "scout-7" (board)');
    expect(lines).toContain('reflex.loopRateHz = 200 (env)');
    expect(lines).toContain('reflex.deadmanTimeoutMs = 500 (default)');
    expect(lines).toContain('debug.token = *** (env)');
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('leaves the source out for values it did not resolve', () => {
    const lines = describeParams({ ...resolveParams({}), 'reflex.loopRateHz': 50 });
    expect(lines).toContain('reflex.loopRateHz = 50');
  });
});

describe('redactParams', () => {
  it('replaces secrets only', () => {
    const redacted = redactParams(resolveParams({ env: { SPINAL_DEBUG_TOKEN: 'hunter2' } }));
    expect(redacted['debug.token']).toBe('***');
    expect(redacted['reflex.deadmanTimeoutMs']).toBe(500);
    expect(JSON.stringify(redacted)).not.toContain('hunter2');
  });
});

describe('unknownEnvVars', () => {
  it('lists SPINAL_ variables shaped like parameters that are none, with the closest parameter', () => {
    expect(
      unknownEnvVars({
        SPINAL_REFLEX_DEADMAN_TIMEOUT: '400',
        spinal_reflex_loop_rate_hz: '50',
        SPINAL_MESH_BROKER_URL: 'mqtt://x',
        SPINAL_REFLEX_LOOP_RATE_HZ: '50',
        SPINAL_HOME: '/opt',
        PATH: '/usr/bin',
        SPINAL_SIM_QUANTUM: undefined,
      }),
    ).toEqual([
      { name: 'SPINAL_MESH_BROKER_URL', didYouMean: undefined },
      { name: 'SPINAL_REFLEX_DEADMAN_TIMEOUT', didYouMean: 'SPINAL_REFLEX_DEADMAN_TIMEOUT_MS' },
      { name: 'spinal_reflex_loop_rate_hz', didYouMean: 'SPINAL_REFLEX_LOOP_RATE_HZ' },
    ]);
  });

  it('does not stop resolution: unknown variables are ignored', () => {
    expect(resolveParams({ env: { SPINAL_REFLEX_DEADMAN_TIMEOUT: '1' } })['reflex.deadmanTimeoutMs']).toBe(500);
  });
});

describe('closestName', () => {
  it('prefers an exact match in another letter case, then the same last part, then few edits', () => {
    expect(closestName('ROBOT.ID', ['robot.id', 'robot.ip'])).toBe('robot.id');
    expect(closestName('id', ['robot.id', 'robot.ip'])).toBe('robot.id');
    expect(closestName('robot.idd', ['robot.id', 'reflex.x'])).toBe('robot.id');
    expect(closestName('something.else', ['robot.id'])).toBeUndefined();
  });
});

describe('resolveParams: motion the board cannot deliver', () => {
  const drive = { maxWheelSpeedMps: 0.8, stopDecelMps2: 0.7 };

  it('refuses a braking deceleration above the one the board declares, naming both fields and where the value came from', () => {
    const attempt = (): unknown =>
      resolveParams({
        board: { file: 'board.yaml', values: {}, drive },
        config: { file: 'site.yaml', values: { 'reflex.brakingDecelMps2': 0.9 } },
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      'site.yaml: params.reflex.brakingDecelMps2: reflex.brakingDecelMps2 0.9 m/s² is more than robot.stopDecelMps2 0.7 m/s² in board.yaml',
    );
  });

  it('refuses the default when the board declares less, and a speed limit above the wheels’ top speed', () => {
    expect(() => resolveParams({ board: { file: 'board.yaml', values: {}, drive } })).toThrow(
      'board.yaml: params.reflex.brakingDecelMps2 (default): reflex.brakingDecelMps2 1 m/s²',
    );
    expect(() =>
      resolveParams({
        board: { file: 'board.yaml', values: { 'reflex.brakingDecelMps2': 0.7 }, drive },
        env: { SPINAL_REFLEX_MAX_SPEED_MPS: '0.9' },
      }),
    ).toThrow(
      'environment: SPINAL_REFLEX_MAX_SPEED_MPS: reflex.maxSpeedMps 0.9 m/s is more than robot.maxWheelSpeedMps 0.8 m/s',
    );
  });

  it('accepts values the board can deliver, and a board that declares no stop deceleration', () => {
    const values = resolveParams({ board: { file: 'board.yaml', values: { 'reflex.brakingDecelMps2': 0.7 }, drive } });
    expect(values['reflex.brakingDecelMps2']).toBe(0.7);
    expect(() =>
      resolveParams({ board: { file: 'b.yaml', values: {}, drive: { maxWheelSpeedMps: 0.6 } } }),
    ).not.toThrow();
  });
});
