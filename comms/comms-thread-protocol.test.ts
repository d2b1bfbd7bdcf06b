import { describe, expect, it } from 'vitest';
import { isCommsToMain, isMainToComms } from './comms-thread-protocol.js';

describe('isMainToComms', () => {
  it('accepts the well-formed messages', () => {
    expect(isMainToComms({ t: 'status', status: { robotId: 'r1', devices: [] } })).toBe(true);
    expect(isMainToComms({ t: 'ready', ready: false, reason: 'lidar starting' })).toBe(true);
    expect(isMainToComms({ t: 'shutdown' })).toBe(true);
    expect(isMainToComms({ t: 'tick', nowUs: 10_000 })).toBe(true);
    expect(isMainToComms({ t: 'pose', pose: { xM: 1, yM: 2, yawRad: 0.5 }, stampUs: 10_000 })).toBe(true);
    expect(isMainToComms({ t: 'config-result', id: 3, accepted: false, reason: 'stale' })).toBe(true);
  });

  it.each([
    null,
    'shutdown',
    { t: 'status' },
    { t: 'status', status: { robotId: 'r1' } },
    { t: 'ready', ready: 'yes', reason: '' },
    { t: 'ready', ready: true },
    { t: 'listening', address: '127.0.0.1:8080' },
    { t: 'estop' },
    { t: 'tick' },
    { t: 'tick', nowUs: '10' },
    { t: 'tick', nowUs: Number.NaN },
    { t: 'pose', stampUs: 10_000 },
    { t: 'pose', pose: { xM: 1, yM: Number.NaN, yawRad: 0 }, stampUs: 10_000 },
    { t: 'pose', pose: { xM: 1, yM: 2, yawRad: 0 } },
    { t: 'config-result', id: 3, accepted: 'yes', reason: '' },
    { t: 'config-result', id: 3, accepted: true },
  ])('refuses %j', (value) => expect(isMainToComms(value)).toBe(false));
});

const by = { via: 'supervisor', remoteAddress: null, origin: null, authenticated: false };

describe('isCommsToMain', () => {
  it('accepts the well-formed messages', () => {
    expect(isCommsToMain({ t: 'listening', address: '127.0.0.1:8080' })).toBe(true);
    expect(isCommsToMain({ t: 'listen-failed', code: 'EADDRINUSE', message: 'in use' })).toBe(true);
    expect(isCommsToMain({ t: 'stopped' })).toBe(true);
    expect(isCommsToMain({ t: 'tick-done', nowUs: 10_000, nextDueUs: Infinity })).toBe(true);
    expect(isCommsToMain({ t: 'config-update', id: 1, version: 4, values: { 'reflex.maxSpeedMps': 0.3 }, by })).toBe(
      true,
    );
  });

  it.each([
    undefined,
    { t: 'listening' },
    { t: 'listen-failed', code: 98, message: '' },
    { t: 'status', status: {} },
    { t: 'tick-done', nowUs: 1 },
    { t: 'config-update', id: 1, version: 4, values: { 'reflex.maxSpeedMps': Number.NaN }, by },
    { t: 'config-update', id: 1, version: -1, values: {}, by },
    { t: 'config-update', id: 1, version: 1.5, values: {}, by },
    { t: 'config-update', id: 1, version: 4, values: { 'reflex.maxSpeedMps': [0.3] }, by },
    { t: 'config-update', id: 1, version: 4, values: [], by },
    { t: 'config-update', id: 1, version: 4, values: {} },
  ])('refuses %j', (value) => expect(isCommsToMain(value)).toBe(false));
});
