import { describe, expect, it } from 'vitest';
import { sanitizeExternalText } from './external-text.js';
import { describeEvent, type RuntimeEvent } from './runtime-event.js';

describe('sanitizeExternalText', () => {
  it('escapes newlines, escape sequences, C1 controls, DEL and bidi overrides, keeping other text', () => {
    const hostile = 'stop\r\n[0.000 s] forged\u001b]0;owned\u0007\u009b2J\u007f\u202eabc';
    const clean = sanitizeExternalText(hostile);
    expect(clean).toBe('stop\\u000d\\u000a[0.000 s] forged\\u001b]0;owned\\u0007\\u009b2J\\u007f\\u202eabc');
    // eslint-disable-next-line no-control-regex
    expect(clean).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(sanitizeExternalText('personne sur la voie: ça va, 30 °C')).toBe('personne sur la voie: ça va, 30 °C');
  });

  it('cuts to a length, marking the cut', () => {
    expect(sanitizeExternalText('abcdef', 3)).toBe('abc...');
    expect(sanitizeExternalText('abc', 3)).toBe('abc');
  });
});

describe('describeEvent', () => {
  const by = {
    via: 'debug-port' as const,
    remoteAddress: '127.0.0.1',
    origin: 'http://127.0.0.1:8080',
    authenticated: false,
  };

  it('counts time from the origin it is given, and never prints a control character', () => {
    const event: RuntimeEvent = {
      kind: 'operator-estop',
      reason: 'a\nb\u001b[2J',
      by,
      seq: 1,
      atUs: 1_700_000_004_000_000,
    };
    const line = describeEvent(event, 1_700_000_000_000_000);
    expect(line).toBe('[4.000 s] e-stop by 127.0.0.1 (origin http://127.0.0.1:8080, no token): a\\u000ab\\u001b[2J');
  });

  it('describes resets with what they cleared and override sessions with who drove', () => {
    const reset: RuntimeEvent = {
      kind: 'operator-reset',
      cleared: ['estop-request'],
      stillActive: ['estop-input'],
      by: { ...by, origin: null, authenticated: true },
      seq: 2,
      atUs: 1_500_000,
    };
    expect(describeEvent(reset)).toBe(
      '[1.500 s] e-stop reset by 127.0.0.1 (no origin, token): cleared estop-request; still active: estop-input',
    );
    const end: RuntimeEvent = {
      kind: 'override',
      phase: 'end',
      vMps: 0.2,
      wRadps: 0,
      commands: 7,
      endReason: 'dead-man timeout (no command for 500 ms)',
      by: { via: 'script', remoteAddress: null, origin: null, authenticated: false },
      seq: 3,
      atUs: 2_000_000,
    };
    expect(describeEvent(end)).toBe(
      '[2.000 s] manual override by script ended: dead-man timeout (no command for 500 ms) after 7 command(s)',
    );
  });
});
