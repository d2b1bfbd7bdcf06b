import { describe, expect, expectTypeOf, it } from 'vitest';
import { checkParamValue, envNameOf } from './param-values.js';
import { hostListOf, isParamName, paramDefinition, paramList, paramSpecs, type ParamValues } from './params.js';

describe('parameter definitions', () => {
  it('lists every parameter once, in definition order', () => {
    expect(paramList.map((definition) => definition.name)).toEqual(Object.keys(paramSpecs));
    expect(paramList.map((definition) => definition.name)).toEqual([
      'robot.id',
      'reflex.loopRateHz',
      'reflex.deadmanTimeoutMs',
      'reflex.lidarStaleTimeoutMs',
      'reflex.brakingDecelMps2',
      'reflex.brakingObservedMinSpeedMps',
      'reflex.brakingObservedStops',
      'reflex.brakingObservedFloorMps2',
      'reflex.obstacleMemoryMs',
      'reflex.seeThroughM',
      'reflex.sectorStaleMs',
      'reflex.reactionLatencyMs',
      'reflex.stopMarginM',
      'reflex.slowZoneM',
      'reflex.sideMarginM',
      'reflex.maxSpeedMps',
      'reflex.maxTurnRateRadps',
      'reflex.creepSpeedMps',
      'reflex.releaseSpeedMps',
      'reflex.overspeedToleranceMps',
      'reflex.clearHoldMs',
      'reflex.rangeStaleTimeoutMs',
      'reflex.cortexHeartbeatTimeoutMs',
      'reflex.batteryLowV',
      'reflex.batteryCriticalV',
      'reflex.batteryHoldMs',
      'reflex.batteryLowSpeedFactor',
      'reflex.tiltLimitDeg',
      'reflex.impactLimitG',
      'reflex.stallMinCommandMps',
      'reflex.stallTimeMs',
      'reflex.stallRatio',
      'reflex.readingMaxAgeMs',
      'reflex.loopOverrunLimit',
      'cortex.rateHz',
      'cortex.cruiseSpeedMps',
      'cortex.headingGain',
      'cortex.goalToleranceM',
      'cortex.localisation',
      'cortex.mapResolutionM',
      'cortex.mapSizeM',
      'cortex.mapRangeM',
      'cortex.mapFile',
      'cortex.keepMapPath',
      'cortex.inflationRadiusM',
      'cortex.lookaheadM',
      'cortex.maxAccelMps2',
      'cortex.planExpansionsPerCycle',
      'cortex.batteryCapacityWh',
      'cortex.batteryInternalOhms',
      'cortex.consumptionPriorWhPerM',
      'cortex.returnReserveFactor',
      'cortex.returnReserveFloorWh',
      'consistency.motionWindowMs',
      'consistency.wedgedMinSpeedMps',
      'consistency.wedgedMinTurnRateRadps',
      'consistency.wedgedRatio',
      'consistency.wedgedClearRatio',
      'consistency.pushedDistanceM',
      'consistency.pushedTurnDeg',
      'consistency.clearHoldMs',
      'consistency.pathLookaheadM',
      'consistency.pathMarginM',
      'consistency.pathBlockedMinPoints',
      'consistency.pathBlockedRaiseMs',
      'consistency.lostRaiseMs',
      'consistency.reactionTimeoutMs',
      'consistency.attemptResetMs',
      'consistency.exploreSpeedMps',
      'consistency.exploreTurnRateRadps',
      'consistency.backOffRearMarginM',
      'debug.listen',
      'debug.token',
      'debug.readToken',
      'debug.allowedHosts',
      'foxglove.listen',
      'foxglove.maxClients',
      'ledger.path',
      'ledger.durability',
      'ledger.syncIntervalMs',
      'ledger.maxBatch',
      'ledger.maxSizeMb',
      'ledger.maxAgeH',
      'ledger.diskReserveKb',
      'ledger.flapWindowMs',
      'ledger.flapChanges',
      'ledger.telemetryMaxSizeMb',
      'ledger.telemetryMaxAgeH',
      'ledger.telemetryFlushMs',
      'ledger.telemetryPoseHz',
      'ledger.telemetryScanHz',
      'ledger.telemetryPathHz',
      'ledger.telemetryMapPeriodS',
      'uplink.target',
      'uplink.tls',
      'uplink.caFile',
      'uplink.certFile',
      'uplink.keyFile',
      'uplink.token',
      'uplink.telemetryHz',
      'uplink.keepaliveMs',
      'uplink.keepaliveTimeoutMs',
      'mesh.enabled',
      'mesh.broker',
      'mesh.listen',
      'mesh.fleet',
      'mesh.caFile',
      'mesh.certFile',
      'mesh.keyFile',
      'mesh.username',
      'mesh.password',
      'mesh.stateHz',
      'mesh.peerStaleMs',
      'mesh.maxPayloadBytes',
      'mesh.hazardTtlMs',
      'mesh.claimAheadM',
      'mesh.claimForMs',
      'sim.quantumMs',
    ]);
  });

  it.each(paramList.map((definition) => [definition.name, definition] as const))(
    '%s: is dotted camelCase and documented',
    (name, definition) => {
      expect(name).toMatch(/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/);
      expect(definition.description.length).toBeGreaterThan(10);
      expect(definition.description).toMatch(/\.$/);
    },
  );

  it.each(paramList.map((definition) => [definition.name, definition] as const))(
    '%s: its default passes its own checks',
    (_name, definition) => {
      expect(checkParamValue(definition, definition.default)).toEqual({ value: definition.default });
    },
  );

  it('gives every numeric parameter a unit-bearing, ordered range', () => {
    for (const definition of paramList) {
      if (definition.type !== 'number' && definition.type !== 'integer') continue;
      expect(definition.min, definition.name).toBeLessThan(definition.max);
      if (definition.type === 'integer') {
        expect(Number.isInteger(definition.min) && Number.isInteger(definition.max), definition.name).toBe(true);
      }
    }
  });

  it('maps every parameter to a distinct environment variable', () => {
    const names = paramList.map((definition) => envNameOf(definition.name));
    expect(new Set(names).size).toBe(names.length);
  });

  it('marks only the debug and uplink tokens and the mesh password as secret', () => {
    expect(paramList.filter((definition) => definition.secret).map((definition) => definition.name)).toEqual([
      'debug.token',
      'debug.readToken',
      'uplink.token',
      'mesh.password',
    ]);
  });

  it('holds the specified units, ranges and defaults', () => {
    expect(paramDefinition('reflex.deadmanTimeoutMs')).toMatchObject({
      type: 'number',
      unit: 'ms',
      min: 20,
      max: 5000,
      default: 500,
    });
    expect(paramDefinition('reflex.loopRateHz')).toMatchObject({
      type: 'integer',
      unit: 'Hz',
      min: 10,
      max: 1000,
      default: 100,
    });
    expect(paramDefinition('reflex.brakingDecelMps2')).toMatchObject({ unit: 'm/s²', min: 0.1, max: 10, default: 1 });
    expect(paramDefinition('cortex.headingGain')).toMatchObject({ unit: '1/s', min: 0.1, max: 20, default: 2 });
    expect(paramDefinition('sim.quantumMs')).toMatchObject({
      type: 'integer',
      unit: 'ms',
      min: 1,
      max: 50,
      default: 5,
    });
    expect(paramDefinition('debug.listen').default).toBe('127.0.0.1:8080');
    expect(paramDefinition('robot.id').default).toBe('robot-1');
  });

  it('types each resolved value by its definition', () => {
    expectTypeOf<ParamValues['reflex.deadmanTimeoutMs']>().toEqualTypeOf<number>();
    expectTypeOf<ParamValues['robot.id']>().toEqualTypeOf<string>();
    expectTypeOf<ParamValues['sim.quantumMs']>().toEqualTypeOf<number>();
    expect(isParamName('reflex.deadmanTimeoutMs')).toBe(true);
    expect(isParamName('reflex.deadman')).toBe(false);
    expect(isParamName('toString')).toBe(false);
  });
});

describe('robot.id format', () => {
  const definition = paramDefinition('robot.id');

  it.each(['robot-1', 'r', '7', 'a'.repeat(63)])('accepts %s', (id) => {
    expect(checkParamValue(definition, id)).toEqual({ value: id });
  });

  it.each(['Robot-1', '-robot', '', 'robot_1', 'a'.repeat(64)])('rejects %j', (id) => {
    expect(checkParamValue(definition, id)).toEqual({
      problem: `${JSON.stringify(id)} must be 1 to 63 lower-case letters, digits or dashes, not starting with a dash`,
    });
  });
});

describe('debug.allowedHosts', () => {
  it('takes comma-separated host names and refuses anything else, naming it', () => {
    const format = paramDefinition('debug.allowedHosts');
    expect(format.type === 'string' && format.format?.problemWith('robot-7.lab, Robot.Local')).toBeUndefined();
    expect(format.type === 'string' && format.format?.problemWith('robot.lab, http://x')).toBe(
      '"http://x" is not a host name',
    );
    expect(hostListOf(' robot-7.lab, ,Robot.Local ')).toEqual(['robot-7.lab', 'robot.local']);
  });
});
