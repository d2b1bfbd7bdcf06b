import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TFMINI_S_COMMAND,
  TFMINI_S_FRAME_LENGTH,
  TFMINI_S_OUTPUT_FORMAT,
  TfminiSDecoder,
  baudRateCommand,
  decodeTfminiSFrame,
  encodeTfminiSCommand,
  encodeTfminiSFrame,
  encodeTfminiSStatusReply,
  firmwareVersionOf,
  frameRateCommand,
  frameStatusOf,
  obtainDataFrameCommand,
  outputEnableCommand,
  outputFormatCommand,
  payloadValue,
  restoreFactoryCommand,
  saveSettingsCommand,
  systemResetCommand,
  tfminiSChecksum,
  triggerCommand,
  versionCommand,
  type TfminiSFrame,
  type TfminiSMessage,
} from './codec.js';

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.split(' ').map((byte) => parseInt(byte, 16)));
}

/** The checksum rule of the manual (Table 7, §7): low 8 bits of the plain sum, written out here on its own. */
function sumLow8(bytes: ArrayLike<number>, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += bytes[i] as number;
  return sum % 256;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A data frame laid out field by field from TFmini-S manual §5.3, Table 7: 1.20 m, strength 1000,
 * chip at 40 °C (Temp = (40 + 256) × 8 = 2368 = 0x0940, §5.4).
 */
// prettier-ignore
const FRAME_120_CM = Uint8Array.from([
  0x59, 0x59, // header
  0x78, 0x00, // Dist 0x0078 = 120 cm
  0xe8, 0x03, // Strength 0x03E8 = 1000
  0x40, 0x09, // Temp 0x0940 = 2368 → 2368 / 8 − 256 = 40 °C
  0x5e, // checksum: 0x59 + 0x59 + 0x78 + 0x00 + 0xE8 + 0x03 + 0x40 + 0x09 = 0x25E → 0x5E
]);

/** Table 8, first row: Dist −1 (0xFFFF) with a strength of at most 100; Temp 0x0910 = 2320 → 34 °C. */
// prettier-ignore
const FRAME_WEAK = Uint8Array.from([0x59, 0x59, 0xff, 0xff, 0x32, 0x00, 0x10, 0x09, 0xfb]);
/** Table 8, second row: Dist −2 (0xFFFE), Strength −1 (0xFFFF): signal strength saturation. */
// prettier-ignore
const FRAME_SIGNAL_SATURATED = Uint8Array.from([0x59, 0x59, 0xfe, 0xff, 0xff, 0xff, 0x10, 0x09, 0xc6]);
/** Table 8, third row: Dist −4 (0xFFFC), strength 0x0BB8 = 3000: ambient light saturation. */
// prettier-ignore
const FRAME_AMBIENT_SATURATED = Uint8Array.from([0x59, 0x59, 0xfc, 0xff, 0xb8, 0x0b, 0x10, 0x09, 0x89]);

/** Command frames exactly as TFmini-S manual Table 12 (p. 17) prints them. */
const TABLE_12 = {
  version: hex('5A 04 01 5F'),
  systemReset: hex('5A 04 02 60'),
  trigger: hex('5A 04 04 62'),
  formatCm: hex('5A 05 05 01 65'),
  formatPixhawk: hex('5A 05 05 02 66'),
  formatMm: hex('5A 05 05 06 6A'),
  outputOff: hex('5A 05 07 00 66'),
  outputOn: hex('5A 05 07 01 67'),
  obtainCm: hex('5A 05 00 01 60'),
  obtainMm: hex('5A 05 00 06 65'),
  restoreFactory: hex('5A 04 10 6E'),
  saveSettings: hex('5A 04 11 6F'),
  resetOk: hex('5A 05 02 00 60'),
  resetFailed: hex('5A 05 02 01 61'),
  restoreOk: hex('5A 05 10 00 6E'),
  saveOk: hex('5A 05 11 00 6F'),
  saveFailed: hex('5A 05 11 01 70'),
};

/** The command convention example of the TFmini Plus manual §7.2 (same protocol): 1000 Hz. */
const FRAME_RATE_1000_HZ = hex('5A 06 03 E8 03 4E');

function frames(messages: TfminiSMessage[]): TfminiSFrame[] {
  return messages.flatMap((message) => (message.kind === 'frame' ? [message.frame] : []));
}

describe('TFmini-S checksum', () => {
  it('matches the worked data frame and every command frame of Table 12', () => {
    expect(sumLow8(FRAME_120_CM, 8)).toBe(0x5e);
    expect(tfminiSChecksum(FRAME_120_CM, 8)).toBe(FRAME_120_CM[8]);
    for (const frame of [FRAME_WEAK, FRAME_SIGNAL_SATURATED, FRAME_AMBIENT_SATURATED]) {
      expect(tfminiSChecksum(frame, 8)).toBe(sumLow8(frame, 8));
      expect(frame[8]).toBe(sumLow8(frame, 8));
    }
    const commands = [TABLE_12.version, TABLE_12.trigger, TABLE_12.formatCm, TABLE_12.outputOn, TABLE_12.obtainCm];
    for (const command of commands) expect(command[command.length - 1]).toBe(sumLow8(command, command.length - 1));
    expect(FRAME_RATE_1000_HZ[5]).toBe(sumLow8(FRAME_RATE_1000_HZ, 5));
  });

  it('agrees with the plain sum on arbitrary data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(tfminiSChecksum(bytes)).toBe(sumLow8(bytes, bytes.length));
      }),
    );
  });
});

describe('TFmini-S data frames', () => {
  it('decodes the worked frame field by field', () => {
    expect(decodeTfminiSFrame(FRAME_120_CM)).toEqual({ distance: 120, strength: 1000, temperatureC: 40, status: 'ok' });
  });

  it('reads the abnormal values of Table 8 as codes, not distances', () => {
    expect(decodeTfminiSFrame(FRAME_WEAK)).toEqual({
      distance: -1,
      strength: 50,
      temperatureC: 34,
      status: 'weak-signal',
    });
    expect(decodeTfminiSFrame(FRAME_SIGNAL_SATURATED)).toMatchObject({
      distance: -2,
      strength: 65_535,
      status: 'signal-saturated',
    });
    expect(decodeTfminiSFrame(FRAME_AMBIENT_SATURATED)).toMatchObject({
      distance: -4,
      strength: 3000,
      status: 'ambient-saturated',
    });
    expect(frameStatusOf(-3)).toBe('unknown-code');
    expect(frameStatusOf(0)).toBe('ok');
  });

  it('refuses a frame with a wrong checksum, header or length', () => {
    const badSum = FRAME_120_CM.slice();
    badSum[8] = 0x5f;
    const badHeader = FRAME_120_CM.slice();
    badHeader[1] = 0x58;
    expect(decodeTfminiSFrame(badSum)).toBeUndefined();
    expect(decodeTfminiSFrame(badHeader)).toBeUndefined();
    expect(decodeTfminiSFrame(FRAME_120_CM.subarray(0, 8))).toBeUndefined();
  });

  it('encodes the decoded frames back to the same bytes', () => {
    for (const bytes of [FRAME_120_CM, FRAME_WEAK, FRAME_SIGNAL_SATURATED, FRAME_AMBIENT_SATURATED]) {
      const frame = decodeTfminiSFrame(bytes);
      expect(frame).toBeDefined();
      if (frame) expect(encodeTfminiSFrame(frame)).toEqual(bytes);
    }
  });

  it('clamps what does not fit its field', () => {
    const frame = decodeTfminiSFrame(encodeTfminiSFrame({ distance: 40_000, strength: -5, temperatureC: -300 }));
    expect(frame).toMatchObject({ distance: 32_767, strength: 0, temperatureC: -256 });
  });
});

describe('TFmini-S command frames', () => {
  it('builds every command of Table 12 byte for byte', () => {
    expect(versionCommand()).toEqual(TABLE_12.version);
    expect(systemResetCommand()).toEqual(TABLE_12.systemReset);
    expect(triggerCommand()).toEqual(TABLE_12.trigger);
    expect(outputFormatCommand(TFMINI_S_OUTPUT_FORMAT.standardCm)).toEqual(TABLE_12.formatCm);
    expect(outputFormatCommand(TFMINI_S_OUTPUT_FORMAT.pixhawk)).toEqual(TABLE_12.formatPixhawk);
    expect(outputFormatCommand(TFMINI_S_OUTPUT_FORMAT.standardMm)).toEqual(TABLE_12.formatMm);
    expect(outputEnableCommand(false)).toEqual(TABLE_12.outputOff);
    expect(outputEnableCommand(true)).toEqual(TABLE_12.outputOn);
    expect(obtainDataFrameCommand('cm')).toEqual(TABLE_12.obtainCm);
    expect(obtainDataFrameCommand('mm')).toEqual(TABLE_12.obtainMm);
    expect(restoreFactoryCommand()).toEqual(TABLE_12.restoreFactory);
    expect(saveSettingsCommand()).toEqual(TABLE_12.saveSettings);
    expect(frameRateCommand(1000)).toEqual(FRAME_RATE_1000_HZ);
  });

  it('writes multi-byte payloads little-endian (§7.2)', () => {
    // 100 Hz: 0x0064 → 64 00; checksum 0x5A + 0x06 + 0x03 + 0x64 = 0xC7.
    expect(frameRateCommand(100)).toEqual(hex('5A 06 03 64 00 C7'));
    // Table 12's baud rate example: 256000 = 0x0003E800 → H1..H4 = 00 E8 03 00.
    const baud = baudRateCommand(256_000);
    expect([...baud.subarray(0, 7)]).toEqual([0x5a, 0x08, 0x06, 0x00, 0xe8, 0x03, 0x00]);
    expect(baud[7]).toBe(sumLow8(baud, 7));
    expect(payloadValue(baud.subarray(3, 7))).toBe(256_000);
    expect(() => frameRateCommand(1001)).toThrow(RangeError);
    expect(() => frameRateCommand(2.5)).toThrow(RangeError);
    expect(() => encodeTfminiSCommand(0x3b, [1, 2, 3, 4, 5, 6])).toThrow(RangeError);
  });

  it('writes the status answers as Table 12 prints them, one below the plain sum', () => {
    expect(encodeTfminiSStatusReply(TFMINI_S_COMMAND.systemReset, true)).toEqual(TABLE_12.resetOk);
    expect(encodeTfminiSStatusReply(TFMINI_S_COMMAND.systemReset, false)).toEqual(TABLE_12.resetFailed);
    expect(encodeTfminiSStatusReply(TFMINI_S_COMMAND.restoreFactory, true)).toEqual(TABLE_12.restoreOk);
    expect(encodeTfminiSStatusReply(TFMINI_S_COMMAND.saveSettings, true)).toEqual(TABLE_12.saveOk);
    expect(encodeTfminiSStatusReply(TFMINI_S_COMMAND.saveSettings, false)).toEqual(TABLE_12.saveFailed);
    expect(sumLow8(TABLE_12.saveOk, 4)).toBe(0x70);
  });

  it('reads the firmware version of a version answer as V3.V2.V1', () => {
    const [message] = new TfminiSDecoder().push(hex('5A 07 01 01 02 03 68'));
    expect(message).toEqual({ kind: 'command', command: { id: 1, payload: Uint8Array.of(1, 2, 3) } });
    if (message?.kind === 'command') expect(firmwareVersionOf(message.command)).toBe('3.2.1');
  });
});

describe('TfminiSDecoder', () => {
  it('takes a stream of frames and answers apart, in order', () => {
    const decoder = new TfminiSDecoder();
    const messages = decoder.push(
      concat([FRAME_120_CM, TABLE_12.formatCm, FRAME_WEAK, TABLE_12.saveOk, FRAME_RATE_1000_HZ]),
    );
    expect(messages.map((message) => (message.kind === 'frame' ? message.frame.distance : message.command.id))).toEqual(
      [120, TFMINI_S_COMMAND.outputFormat, -1, TFMINI_S_COMMAND.saveSettings, TFMINI_S_COMMAND.frameRate],
    );
    expect(decoder.counters()).toEqual({ frames: 2, commands: 3, badChecksums: 0, droppedBytes: 0 });
  });

  it('accepts the printed and the summed checksum of a status answer, and nothing else', () => {
    const decoder = new TfminiSDecoder();
    const summed = hex('5A 05 11 00 70');
    const wrong = hex('5A 05 11 00 71');
    const echoOffByOne = hex('5A 05 07 01 66');
    const messages = decoder.push(concat([TABLE_12.saveOk, summed, wrong, echoOffByOne]));
    expect(messages.filter((message) => message.kind === 'command')).toHaveLength(2);
    expect(decoder.counters().badChecksums).toBe(2);
  });

  it('gives the same messages whatever chunk boundary splits the stream', () => {
    const stream = concat([FRAME_120_CM, TABLE_12.outputOn, FRAME_SIGNAL_SATURATED, FRAME_AMBIENT_SATURATED]);
    const whole = new TfminiSDecoder().push(stream);
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new TfminiSDecoder();
      expect([...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))]).toEqual(whole);
    }
  });

  it('finds the real frames among garbage and stray headers, counting what it dropped', () => {
    const decoder = new TfminiSDecoder();
    const garbage = hex('00 59 13 5A 5A 02 59 59 01');
    const messages = decoder.push(concat([garbage, FRAME_120_CM, hex('5A'), FRAME_WEAK]));
    expect(frames(messages).map((frame) => frame.distance)).toEqual([120, -1]);
    const counters = decoder.counters();
    expect(counters.frames).toBe(2);
    expect(counters.droppedBytes + 2 * TFMINI_S_FRAME_LENGTH + decoder.pendingBytes()).toBe(garbage.length + 1 + 18);
  });

  it('resyncs on a real header inside a frame that fails its checksum', () => {
    const decoder = new TfminiSDecoder();
    // A false start "59 59 01 02" runs into the real frame: 9 bytes fail the checksum, the replay finds it.
    const messages = decoder.push(concat([hex('59 59 01 02'), FRAME_120_CM]));
    expect(frames(messages)).toEqual([decodeTfminiSFrame(FRAME_120_CM)]);
    expect(decoder.counters().badChecksums).toBe(1);
    expect(decoder.counters().droppedBytes).toBe(4);
  });

  it('reset() drops a partial frame and counts its bytes', () => {
    const decoder = new TfminiSDecoder();
    decoder.push(FRAME_120_CM.subarray(0, 5));
    expect(decoder.pendingBytes()).toBe(5);
    decoder.reset();
    expect(decoder.pendingBytes()).toBe(0);
    expect(decoder.counters().droppedBytes).toBe(5);
    expect(frames(decoder.push(FRAME_120_CM))).toHaveLength(1);
  });

  describe('properties', () => {
    const frameArb = fc.record({
      distance: fc.integer({ min: -0x8000, max: 0x7fff }),
      strength: fc.integer({ min: 0, max: 0xffff }),
      temperatureC: fc.integer({ min: 0, max: 0xffff }).map((raw) => raw / 8 - 256),
    });
    const commandArb = fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 5 }))
      .map(([id, payload]) => encodeTfminiSCommand(id, payload));
    const chunkArb = fc.oneof(
      frameArb.map((frame) => encodeTfminiSFrame(frame)),
      commandArb,
    );

    it('never throws on random bytes, and accounts for every byte', () => {
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 120, size: 'max' }), { maxLength: 10 }), (chunks) => {
          const decoder = new TfminiSDecoder();
          let messageBytes = 0;
          for (const chunk of chunks) {
            for (const message of decoder.push(chunk)) {
              messageBytes += message.kind === 'frame' ? TFMINI_S_FRAME_LENGTH : message.command.payload.length + 4;
            }
          }
          const total = chunks.reduce((n, chunk) => n + chunk.length, 0);
          expect(messageBytes + decoder.counters().droppedBytes + decoder.pendingBytes()).toBe(total);
        }),
      );
    });

    it('never throws on streams dense in headers', () => {
      const headerHeavy = fc
        .uint8Array({ maxLength: 300 })
        .map((bytes) => bytes.map((b) => [0x59, 0x5a, 0x04, b][b % 4] as number));
      fc.assert(
        fc.property(headerHeavy, (bytes) => {
          const decoder = new TfminiSDecoder();
          expect(() => decoder.push(bytes)).not.toThrow();
          expect(decoder.pendingBytes()).toBeLessThan(9);
        }),
      );
    });

    it('decodes what it encodes', () => {
      fc.assert(
        fc.property(frameArb, (frame) => {
          const bytes = encodeTfminiSFrame(frame);
          expect(decodeTfminiSFrame(bytes)).toEqual({ ...frame, status: frameStatusOf(frame.distance) });
          expect(frames(new TfminiSDecoder().push(bytes))).toEqual([decodeTfminiSFrame(bytes)]);
        }),
      );
    });

    it('finds a valid frame after any garbage', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), frameArb, (garbage, frame) => {
          const bytes = encodeTfminiSFrame(frame);
          const messages = new TfminiSDecoder().push(concat([garbage, bytes, bytes]));
          // Garbage may hide the first copy inside a frame that happens to pass; the second copy is always found.
          expect(frames(messages).at(-1)).toEqual(decodeTfminiSFrame(bytes));
        }),
      );
    });

    it('gives the same messages for any chunking of a stream with garbage', () => {
      const streamArb = fc.array(fc.tuple(fc.uint8Array({ maxLength: 20 }), chunkArb), { maxLength: 12 });
      fc.assert(
        fc.property(streamArb, fc.array(fc.nat(), { maxLength: 20 }), (pieces, rawCuts) => {
          const stream = concat(pieces.flat());
          const whole = new TfminiSDecoder().push(stream);
          const cuts = [...new Set(rawCuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
          const decoder = new TfminiSDecoder();
          const chunked: TfminiSMessage[] = [];
          let from = 0;
          for (const cut of [...cuts, stream.length]) {
            chunked.push(...decoder.push(stream.subarray(from, cut)));
            from = cut;
          }
          expect(chunked).toEqual(whole);
        }),
      );
    });
  });
});
