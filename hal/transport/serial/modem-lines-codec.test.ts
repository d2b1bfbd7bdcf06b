import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModemLinesDecoder, encodeModemLines, modemLinesPathFor } from './modem-lines-codec.js';

describe('modem-line side channel codec', () => {
  it('writes one JSON line per change, leaving out the lines not given', () => {
    expect(encodeModemLines({ dtr: false })).toBe('{"dtr":false}\n');
    expect(encodeModemLines({ dtr: true, rts: false })).toBe('{"dtr":true,"rts":false}\n');
    expect(encodeModemLines({})).toBe('{}\n');
    expect(modemLinesPathFor('/tmp/spinal-pty-x/ttyUSB0.device')).toBe('/tmp/spinal-pty-x/ttyUSB0.device.lines');
  });

  it('reads lines split anywhere, and counts the malformed ones without stopping', () => {
    const decoder = new ModemLinesDecoder();
    expect(decoder.push('{"dtr":tr')).toEqual([]);
    expect(decoder.push('ue}\n{"rts":false}\n[1]\n{"dtr":1}\n{"cts":true}\nnot json\n\n{"dtr":false')).toEqual([
      { dtr: true },
      { rts: false },
    ]);
    expect(decoder.push('}\n')).toEqual([{ dtr: false }]);
    expect(decoder.counters()).toEqual({ messages: 3, malformed: 4 });
  });

  it('drops an endless line instead of holding it', () => {
    const decoder = new ModemLinesDecoder();
    for (let i = 0; i < 100; i++) decoder.push('x'.repeat(100));
    expect(decoder.push('\n{"dtr":false}\n')).toEqual([{ dtr: false }]);
    expect(decoder.counters()).toEqual({ messages: 1, malformed: 1 });
  });

  it('decodes what it encodes, whatever the chunking, and never throws on noise', () => {
    const levelsArb = fc.record({ dtr: fc.boolean(), rts: fc.boolean() }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(levelsArb, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), (all, rawCuts) => {
        const text = all.map(encodeModemLines).join('');
        const cuts = [...new Set(rawCuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const decoder = new ModemLinesDecoder();
        const out = [];
        let from = 0;
        for (const cut of [...cuts, text.length]) {
          out.push(...decoder.push(text.slice(from, cut)));
          from = cut;
        }
        expect(out).toEqual(all);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (noise) => {
        const decoder = new ModemLinesDecoder();
        expect(() => decoder.push(noise)).not.toThrow();
      }),
    );
  });
});
