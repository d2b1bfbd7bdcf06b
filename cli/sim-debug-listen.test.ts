import { describe, expect, it } from 'vitest';
import { simDebugListen } from './sim-debug-listen.js';

describe('simDebugListen', () => {
  it('gives the first robot the configured address and every other robot a free port on the same host', () => {
    expect(simDebugListen('127.0.0.1:8080', 0)).toBe('127.0.0.1:8080');
    expect(simDebugListen('127.0.0.1:8080', 1)).toBe('127.0.0.1:0');
    expect(simDebugListen('0.0.0.0:9000', 3)).toBe('0.0.0.0:0');
    expect(simDebugListen('[::1]:8080', 1)).toBe('[::1]:0');
    expect(simDebugListen('localhost:8080', 2)).toBe('localhost:0');
  });
});
