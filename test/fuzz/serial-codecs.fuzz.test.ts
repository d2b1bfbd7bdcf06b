/**
 * Fuzzing the serial device codecs (LD06, RPLIDAR A1, RoboClaw, TFmini-S, the modem-line side
 * channel): arbitrary bytes never throw, encode→decode is the identity, and a valid frame after
 * random junk is still decoded.
 */
import { describe, expect, it } from 'vitest';
import { fc } from './fuzz-settings.js';
import { neverThrowsOnJunk, resyncsAfterJunk, roundTrips } from './stream-properties.js';
import { encodeLd06Packet, Ld06Decoder, type Ld06Packet } from '../../hal/lidar/ld06/codec.js';
import {
  encodeRplidarDescriptor,
  encodeRplidarHealth,
  encodeRplidarRequest,
  encodeRplidarScanNode,
  RplidarDataType,
  RplidarRequestDecoder,
  RplidarResponseDecoder,
  RplidarSendMode,
  type RplidarResponse,
} from '../../hal/lidar/rplidar-a1/codec.js';
import {
  RPLIDAR_CAPSULE_LENGTH,
  RplidarCapsuleAssembler,
  encodeRplidarCapsule,
  isRplidarCapsule,
  parseRplidarCapsule,
} from '../../hal/lidar/rplidar-a1/express-codec.js';
import {
  encodeRoboclawReply,
  encodeRoboclawRequest,
  replyKindOf,
  RoboclawReplyDecoder,
  RoboclawRequestDecoder,
  type RoboclawReply,
  type RoboclawRequest,
} from '../../hal/motor/roboclaw/codec.js';
import {
  encodeTfminiSCommand,
  encodeTfminiSFrame,
  decodeTfminiSFrame,
  TfminiSDecoder,
  type TfminiSMessage,
} from '../../hal/range/tfmini-s/codec.js';
import { encodeModemLines, ModemLinesDecoder } from '../../hal/transport/serial/modem-lines-codec.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });

const ld06Packet: fc.Arbitrary<Ld06Packet> = fc.record({
  speedDegPerS: u16,
  startAngleDeg: fc.integer({ min: 0, max: 35_999 }).map((c) => c / 100),
  endAngleDeg: fc.integer({ min: 0, max: 35_999 }).map((c) => c / 100),
  timestampMs: fc.integer({ min: 0, max: 29_999 }),
  points: fc.array(fc.record({ distanceMm: u16, intensity: u8 }), { minLength: 12, maxLength: 12 }),
});

describe('LD06 decoder under fuzzing', () => {
  const make = (): Ld06Decoder => new Ld06Decoder();
  it('never throws on arbitrary bytes in arbitrary chunks', () => neverThrowsOnJunk(make));
  it('decodes what it encodes, byte for byte', () =>
    roundTrips(make, ld06Packet.map(encodeLd06Packet), encodeLd06Packet));
  it('decodes a valid packet after random junk', () => resyncsAfterJunk(make, ld06Packet.map(encodeLd06Packet)));
});

const rplidarRequest = fc.oneof(
  fc.integer({ min: 0, max: 0x7f }).map((command) => encodeRplidarRequest(command)),
  fc
    .tuple(
      fc.integer({ min: 0x80, max: 0xff }).filter((command) => command !== 0xa5),
      fc.uint8Array({ maxLength: 40 }),
    )
    .map(([command, payload]) => encodeRplidarRequest(command, payload)),
);

describe('RPLIDAR request decoder under fuzzing', () => {
  const make = (): RplidarRequestDecoder => new RplidarRequestDecoder();
  it('never throws on arbitrary bytes in arbitrary chunks', () => neverThrowsOnJunk(make));
  it('decodes what it encodes, byte for byte', () =>
    roundTrips(make, rplidarRequest, (r) => encodeRplidarRequest(r.command, r.payload)));
  // A request that began in the junk may announce up to 255 payload bytes.
  it('decodes a valid request after random junk', () =>
    resyncsAfterJunk(make, rplidarRequest, { swallowUpTo: 3 + 255 + 1 }));
});

const healthAnswer = fc
  .record({ status: fc.constantFrom('good' as const, 'warning' as const, 'error' as const), errorCode: u16 })
  .map((health) => {
    const descriptor = encodeRplidarDescriptor({
      length: 3,
      sendMode: RplidarSendMode.SINGLE,
      dataType: RplidarDataType.DEVICE_HEALTH,
    });
    const out = new Uint8Array(descriptor.length + 3);
    out.set(descriptor);
    out.set(encodeRplidarHealth(health), descriptor.length);
    return out;
  });

const scanNode = fc.record({
  startFlag: fc.boolean(),
  quality: fc.integer({ min: 0, max: 63 }),
  angleDeg: fc.integer({ min: 0, max: 360 * 64 - 1 }).map((q) => q / 64),
  distanceMm: fc.integer({ min: 0, max: 0xffff }).map((q) => q / 4),
});

describe('RPLIDAR response decoder under fuzzing', () => {
  const make = (): RplidarResponseDecoder => new RplidarResponseDecoder();
  it('never throws on arbitrary bytes, in or out of a scan stream', () => {
    neverThrowsOnJunk(make);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(400), (bytes, at) => {
        const decoder = make();
        decoder.push(bytes.subarray(0, at));
        decoder.expectResponse();
        decoder.push(bytes.subarray(at));
      }),
    );
  });
  it('decodes a health answer after random junk, once a request went out', () =>
    resyncsAfterJunk(make, healthAnswer, { before: (d) => (d as RplidarResponseDecoder).expectResponse() }));
  it('decodes the scan nodes it encodes, after the scan descriptor', () => {
    const scanDescriptor = encodeRplidarDescriptor({
      length: 5,
      sendMode: RplidarSendMode.MULTIPLE,
      dataType: RplidarDataType.MEASUREMENT,
    });
    fc.assert(
      fc.property(fc.array(scanNode, { minLength: 1, maxLength: 20 }), (nodes) => {
        const decoder = make();
        decoder.expectResponse();
        const out: RplidarResponse[] = decoder.push(scanDescriptor);
        for (const node of nodes) out.push(...decoder.push(encodeRplidarScanNode(node)));
        expect(out.slice(1)).toEqual(nodes.map((node) => ({ kind: 'node', node })));
      }),
    );
  });
});

describe('RPLIDAR express capsules under fuzzing', () => {
  it('checks and assembles arbitrary 84-byte windows without throwing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: RPLIDAR_CAPSULE_LENGTH, maxLength: RPLIDAR_CAPSULE_LENGTH }), {
          maxLength: 6,
        }),
        (windows) => {
          const assembler = new RplidarCapsuleAssembler();
          for (const bytes of windows) {
            if (!isRplidarCapsule(bytes)) continue;
            const capsule = parseRplidarCapsule(bytes);
            expect(encodeRplidarCapsule(capsule)).toEqual(bytes);
            assembler.push(capsule);
          }
        },
      ),
    );
  });
});

const motor = fc.constantFrom('M1' as const, 'M2' as const);
const i16 = fc.integer({ min: -32_768, max: 32_767 });
const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const roboclawRequest: fc.Arbitrary<RoboclawRequest> = fc.oneof(
  fc.record({ kind: fc.constant('set-serial-timeout' as const), tenthsOfSecond: u8 }),
  fc.record({ kind: fc.constant('read-encoder' as const), motor }),
  fc.record({ kind: fc.constant('read-speed' as const), motor }),
  fc.constant({ kind: 'reset-encoders' as const }),
  fc.constant({ kind: 'read-firmware' as const }),
  fc.constant({ kind: 'read-main-battery' as const }),
  fc.record({ kind: fc.constant('duty' as const), motor, duty: i16 }),
  fc.record({ kind: fc.constant('duty-both' as const), dutyM1: i16, dutyM2: i16 }),
  fc.record({ kind: fc.constant('speed' as const), motor, speedQpps: i32 }),
  fc.record({ kind: fc.constant('speed-both' as const), speedM1Qpps: i32, speedM2Qpps: i32 }),
);
const address = fc.integer({ min: 0x80, max: 0x87 });
const roboclawPacket = fc.record({ address, request: roboclawRequest });
const encodePacket = (p: { address: number; request: RoboclawRequest }): Uint8Array =>
  encodeRoboclawRequest(p.address, p.request);

describe('RoboClaw request decoder under fuzzing', () => {
  const make = (): RoboclawRequestDecoder => new RoboclawRequestDecoder();
  it('never throws on arbitrary bytes in arbitrary chunks', () => neverThrowsOnJunk(make));
  it('decodes what it encodes, byte for byte', () => roundTrips(make, roboclawPacket.map(encodePacket), encodePacket));
  it('decodes a valid packet after random junk', () => resyncsAfterJunk(make, roboclawPacket.map(encodePacket)));
});

function replyFor(request: RoboclawRequest): fc.Arbitrary<RoboclawReply> {
  const m = 'motor' in request ? request.motor : 'M1';
  switch (replyKindOf(request)) {
    case 'ack':
      return fc.constant({ kind: 'ack' });
    case 'encoder':
      return fc.record({
        kind: fc.constant('encoder' as const),
        motor: fc.constant(m),
        count: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        status: fc.integer({ min: 0, max: 7 }),
      });
    case 'speed':
      return fc.record({
        kind: fc.constant('speed' as const),
        motor: fc.constant(m),
        speedQpps: i32,
        status: fc.integer({ min: 0, max: 1 }),
      });
    case 'firmware':
      return fc.record({
        kind: fc.constant('firmware' as const),
        version: fc.stringMatching(/^[ -~]{0,40}$/),
      });
    case 'main-battery':
      return fc.record({ kind: fc.constant('main-battery' as const), voltageDecivolts: u16 });
  }
}

describe('RoboClaw reply decoder under fuzzing', () => {
  it('never throws on arbitrary bytes, expected or not', () => {
    fc.assert(
      fc.property(
        address,
        roboclawRequest,
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        (a, request, bytes, expecting) => {
          const decoder = new RoboclawReplyDecoder();
          if (expecting) decoder.expect(a, request);
          const results = decoder.push(bytes);
          expect(results.length).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
  it('decodes the reply it encodes after any junk, once the request is expected', () => {
    const exchange = fc
      .tuple(address, roboclawRequest)
      .chain(([a, request]) =>
        fc.record({ a: fc.constant(a), request: fc.constant(request), reply: replyFor(request) }),
      );
    fc.assert(
      fc.property(exchange, fc.uint8Array({ maxLength: 100 }), ({ a, request, reply }, junk) => {
        const decoder = new RoboclawReplyDecoder();
        decoder.expect(a, request);
        decoder.push(junk);
        decoder.expect(a, request);
        const results = decoder.push(encodeRoboclawReply(a, request, reply));
        expect(results).toEqual([{ ok: true, reply }]);
      }),
    );
  });
});

const tfminiFrame = fc
  .record({ distance: i16, strength: u16, temperatureC: u16.map((raw) => raw / 8 - 256) })
  .map(encodeTfminiSFrame);
const tfminiCommand = fc
  .tuple(u8, fc.uint8Array({ maxLength: 5 }))
  .map(([id, payload]) => encodeTfminiSCommand(id, payload));
const reencodeTfmini = (message: TfminiSMessage): Uint8Array =>
  message.kind === 'frame'
    ? encodeTfminiSFrame(message.frame)
    : encodeTfminiSCommand(message.command.id, message.command.payload);

describe('TFmini-S decoder under fuzzing', () => {
  const make = (): TfminiSDecoder => new TfminiSDecoder();
  it('never throws on arbitrary bytes in arbitrary chunks', () => neverThrowsOnJunk(make));
  it('decodes what it encodes, byte for byte', () =>
    roundTrips(make, fc.oneof(tfminiFrame, tfminiCommand), reencodeTfmini));
  it('decodes a valid frame after random junk', () => resyncsAfterJunk(make, fc.oneof(tfminiFrame, tfminiCommand)));
  it('reads a whole I2C frame or refuses it, never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), (bytes) => {
        const frame = decodeTfminiSFrame(bytes);
        if (frame) expect(encodeTfminiSFrame(frame)).toEqual(bytes.subarray(0, 9));
      }),
    );
  });
});

describe('modem-line decoder under fuzzing', () => {
  it('never throws on arbitrary text, JSON or not, in arbitrary chunks', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 2 }).map((j) => `${j}\n`),
      fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 8 }).map((lines) => lines.join('\n')),
    );
    fc.assert(
      fc.property(fc.array(text, { maxLength: 6 }), (chunks) => {
        const decoder = new ModemLinesDecoder();
        for (const chunk of chunks) decoder.push(chunk);
      }),
    );
  });
  it('decodes what it encodes after junk lines', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 100 }),
        fc.record({ dtr: fc.boolean(), rts: fc.boolean() }, { requiredKeys: [] }),
        (junk, levels) => {
          const decoder = new ModemLinesDecoder();
          decoder.push(`${junk}\n`);
          expect(decoder.push(encodeModemLines(levels)).at(-1)).toEqual(levels);
        },
      ),
    );
  });
});
