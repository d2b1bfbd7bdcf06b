import { describe, expect, it } from 'vitest';
import { hex } from '../../../test/harness/bytes.js';
import { RplidarCommand, RplidarResponseDecoder, type RplidarDeviceInfo, type RplidarResponse } from './codec.js';
import { RplidarScanModeProbe, type RplidarProbeQuery, type RplidarScanPlan } from './scan-mode-probe.js';

const A1_FW_129: RplidarDeviceInfo = {
  model: 0x18,
  firmwareMajor: 1,
  firmwareMinor: 29,
  hardware: 7,
  serialNumber: '',
};

/** The one answer in `bytes` (descriptor and data), as the driver's decoder reads it. */
function answerOf(bytes: string): RplidarResponse {
  const out = new RplidarResponseDecoder().push(hex(bytes));
  return out[1]!;
}

/** Hex of a request the probe asks for: `command payload…`. */
function asText(query: RplidarProbeQuery | RplidarScanPlan): string {
  if (!('command' in query)) return 'plan';
  return [query.command, ...query.payload].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}

describe('RplidarScanModeProbe', () => {
  it('on an A3-like firmware with a typical mode that is not express, takes the first express mode', () => {
    const probe = new RplidarScanModeProbe(A1_FW_129);
    const script: Array<[string, string]> = [
      ['84 70 00 00 00', 'A5 5A 06 00 00 00 20 70 00 00 00 03 00'],
      ['84 7C 00 00 00', 'A5 5A 06 00 00 00 20 7C 00 00 00 02 00'],
      ['84 75 00 00 00 00 00', 'A5 5A 05 00 00 00 20 75 00 00 00 81'],
      ['84 75 00 00 00 01 00', 'A5 5A 05 00 00 00 20 75 00 00 00 82'],
      ['84 75 00 00 00 02 00', 'A5 5A 05 00 00 00 20 75 00 00 00 84'],
      ['84 71 00 00 00 01 00', 'A5 5A 08 00 00 00 20 71 00 00 00 00 FA 00 00'],
      ['84 7F 00 00 00 01 00', 'A5 5A 0C 00 00 00 20 7F 00 00 00 45 78 70 72 65 73 73 00'],
    ];
    for (const [request, answer] of script) {
      expect(asText(probe.next())).toBe(request);
      expect(probe.answer(answerOf(answer))).toBe(true);
    }
    expect(probe.next()).toEqual({ kind: 'express', modeName: 'Express', modeId: 1, workingMode: 1, usPerSample: 250 });
  });

  it('ignores an answer to another question, and settles for SCAN when a question goes unanswered', () => {
    const probe = new RplidarScanModeProbe(A1_FW_129);
    expect(asText(probe.next())).toBe('84 70 00 00 00');
    // A TYPICAL answer while the count was asked is not the awaited one.
    expect(probe.answer(answerOf('A5 5A 06 00 00 00 20 7C 00 00 00 01 00'))).toBe(false);
    expect(probe.answer(answerOf('A5 5A 03 00 00 00 06 00 00 00'))).toBe(false);
    expect(probe.unanswered()).toMatchObject({ kind: 'standard', modeName: 'Standard', usPerSample: null });
    expect(probe.next()).toMatchObject({ kind: 'standard' });
  });

  it('with no express mode, chooses the standard SCAN with its reported sample duration', () => {
    const probe = new RplidarScanModeProbe(A1_FW_129);
    const script = [
      'A5 5A 06 00 00 00 20 70 00 00 00 01 00',
      'A5 5A 06 00 00 00 20 7C 00 00 00 00 00',
      'A5 5A 05 00 00 00 20 75 00 00 00 81',
      // 500 µs: Q8 128000 = 0x0001F400.
      'A5 5A 08 00 00 00 20 71 00 00 00 00 F4 01 00',
      'A5 5A 0D 00 00 00 20 7F 00 00 00 53 74 61 6E 64 61 72 64 00',
    ];
    for (const answer of script) {
      probe.next();
      expect(probe.answer(answerOf(answer))).toBe(true);
    }
    expect(probe.next()).toEqual({
      kind: 'standard',
      modeName: 'Standard',
      modeId: 0,
      workingMode: 0,
      usPerSample: 500,
    });
  });

  it('asks nothing of firmware before 1.17, GET_SAMPLERATE of 1.17 .. 1.23, and nothing when told standard', () => {
    expect(new RplidarScanModeProbe({ ...A1_FW_129, firmwareMinor: 15 }).next()).toMatchObject({ kind: 'standard' });
    const legacy = new RplidarScanModeProbe({ ...A1_FW_129, firmwareMinor: 20 });
    expect(legacy.next()).toMatchObject({ command: RplidarCommand.GET_SAMPLERATE });
    expect(legacy.answer(answerOf('A5 5A 04 00 00 00 15 F4 01 FA 00'))).toBe(true);
    expect(legacy.next()).toMatchObject({ kind: 'express', workingMode: 0, usPerSample: 250 });
    expect(new RplidarScanModeProbe(A1_FW_129, false).next()).toMatchObject({ kind: 'standard', usPerSample: null });
  });
});
