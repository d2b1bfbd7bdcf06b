import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, hex } from '../../../test/harness/bytes.js';
import {
  RPLIDAR_DESCRIPTOR_LENGTH,
  RPLIDAR_HEALTH_LENGTH,
  RPLIDAR_INFO_LENGTH,
  RPLIDAR_NODE_LENGTH,
  RplidarCommand,
  RplidarDataType,
  RplidarRequestDecoder,
  RplidarResponseDecoder,
  RplidarSendMode,
  RplidarConfType,
  decodeRplidarConfValue,
  encodeRplidarConfAnswer,
  encodeRplidarConfRequestPayload,
  encodeRplidarDescriptor,
  encodeRplidarExpressScanPayload,
  encodeRplidarSampleRate,
  parseRplidarConfRequestPayload,
  encodeRplidarDeviceInfo,
  encodeRplidarHealth,
  encodeRplidarRequest,
  encodeRplidarScanNode,
  rplidarChecksum,
  type RplidarResponse,
  type RplidarScanNode,
} from './codec.js';

/*
 * Fixtures written out from Slamtec "RPLIDAR Interface Protocol and Application Notes" (A1 & A2).
 * Requests and descriptors are printed byte by byte in the document; nodes, health and info
 * packets are assembled here by hand from the field tables (the figure named next to each).
 */

/** Figure 4-1 and the request figures: every request without payload is `A5 cmd`. */
const STOP_REQUEST = hex('A5 25');
const RESET_REQUEST = hex('A5 40');
const SCAN_REQUEST = hex('A5 20');
const GET_INFO_REQUEST = hex('A5 50');
const GET_HEALTH_REQUEST = hex('A5 52');
/** Figure 4-4: SCAN descriptor, length 5, multiple-response mode (0x40 in the top byte), type 0x81. */
const SCAN_DESCRIPTOR = hex('A5 5A 05 00 00 40 81');
/** Figure 4-16: GET_INFO descriptor, length 20 (0x14), single response, type 0x04. */
const INFO_DESCRIPTOR = hex('A5 5A 14 00 00 00 04');
/** Figure 4-19: GET_HEALTH descriptor, length 3, single response, type 0x06. */
const HEALTH_DESCRIPTOR = hex('A5 5A 03 00 00 00 06');

// prettier-ignore
/**
 * Figure 4-4/4-5, a start-of-scan node: quality 15, S = 1, heading 90° (angle_q6 = 5760 =
 * 0x1680), distance 1000.25 mm (distance_q2 = 4001 = 0x0FA1).
 *   byte 0: 15 << 2 | !S(0) << 1 | S(1)       = 0x3D
 *   byte 1: angle_q6[6:0] (0x00) << 1 | C(1)  = 0x01
 *   byte 2: angle_q6[14:7] (5760 >> 7 = 45)   = 0x2D
 *   bytes 3, 4: 0x0FA1 little-endian          = A1 0F
 */
const NODE_START_90DEG = hex('3D 01 2D A1 0F');
// prettier-ignore
/**
 * Figure 4-4/4-5, an ordinary node with no return: quality 47, S = 0, heading 359.984375°
 * (angle_q6 = 23039 = 0x59FF), distance 0 (invalid).
 *   byte 0: 47 << 2 | !S(1) << 1 | S(0)       = 0xBE
 *   byte 1: 0x7F << 1 | 1                     = 0xFF
 *   byte 2: 23039 >> 7 = 179                  = 0xB3
 */
const NODE_NO_RETURN = hex('BE FF B3 00 00');
/** Figure 4-19/4-20: status 1 (warning), error_code 0x1234 little-endian. */
const HEALTH_WARNING = hex('01 34 12');
/** Figure 4-19/4-20: status 0 (good), error code 0. */
const HEALTH_GOOD = hex('00 00 00');
// prettier-ignore
/**
 * Figure 4-16/4-17: model 0x18 (A1M8), firmware_minor 29 (0x1D), firmware_major 1, hardware 7,
 * then the 16 serial-number bytes.
 */
const INFO_A1M8 = hex('18 1D 01 07 A0 B1 C2 D3 E4 F5 06 17 28 39 4A 5B 6C 7D 8E 9F');

/** A node packed bit by bit from the Figure 4-5 field table, independently of codec.ts. */
function referenceNode(quality: number, start: boolean, angleQ6: number, distanceQ2: number): Uint8Array {
  const s = start ? 1 : 0;
  const notS = 1 - s;
  const c = 1;
  return Uint8Array.of(
    quality * 4 + notS * 2 + s,
    (angleQ6 % 128) * 2 + c,
    Math.floor(angleQ6 / 128),
    distanceQ2 % 256,
    Math.floor(distanceQ2 / 256),
  );
}

/** Bytes each kind of response takes on the wire. */
function responseBytes(response: RplidarResponse): number {
  switch (response.kind) {
    case 'descriptor':
      return RPLIDAR_DESCRIPTOR_LENGTH;
    case 'health':
      return RPLIDAR_HEALTH_LENGTH;
    case 'info':
      return RPLIDAR_INFO_LENGTH;
    case 'node':
      return RPLIDAR_NODE_LENGTH;
    case 'sample-rate':
      return 4;
    case 'conf':
      return 4 + response.conf.value.length;
    case 'capsule':
      return 84;
  }
}

function decodeInPieces(stream: Uint8Array, cuts: number[]): RplidarResponse[] {
  const decoder = new RplidarResponseDecoder();
  const out: RplidarResponse[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    out.push(...decoder.push(stream.subarray(from, cut)));
    from = cut;
  }
  return out;
}

function nodesOf(responses: RplidarResponse[]): RplidarScanNode[] {
  return responses.flatMap((r) => (r.kind === 'node' ? [r.node] : []));
}

describe('requests', () => {
  it('encodes the five requests as the document prints them', () => {
    expect(encodeRplidarRequest(RplidarCommand.STOP)).toEqual(STOP_REQUEST);
    expect(encodeRplidarRequest(RplidarCommand.RESET)).toEqual(RESET_REQUEST);
    expect(encodeRplidarRequest(RplidarCommand.SCAN)).toEqual(SCAN_REQUEST);
    expect(encodeRplidarRequest(RplidarCommand.GET_INFO)).toEqual(GET_INFO_REQUEST);
    expect(encodeRplidarRequest(RplidarCommand.GET_HEALTH)).toEqual(GET_HEALTH_REQUEST);
  });

  it('adds size, payload and an XOR checksum to a command with payload (Figure 2-4)', () => {
    // EXPRESS_SCAN (0x82) with its 5-byte payload of zeros: checksum = A5 ^ 82 ^ 05 = 0x22.
    const bytes = encodeRplidarRequest(0x82, new Uint8Array(5));
    expect(bytes).toEqual(hex('A5 82 05 00 00 00 00 00 22'));
    const xor = Array.from(bytes.subarray(0, 8)).reduce((a, b) => a ^ b, 0);
    expect(xor).toBe(0x22);
    expect(rplidarChecksum(bytes, 8)).toBe(0x22);
  });

  it('refuses a payload on a plain command, and commands wider than a byte', () => {
    expect(() => encodeRplidarRequest(RplidarCommand.SCAN, Uint8Array.of(1))).toThrow(RangeError);
    expect(() => encodeRplidarRequest(0x100)).toThrow(RangeError);
    expect(() => encodeRplidarRequest(0x84, new Uint8Array(256))).toThrow(RangeError);
  });

  it('decodes requests on the sensor side, dropping a payload request with a bad checksum', () => {
    const decoder = new RplidarRequestDecoder();
    const bad = hex('A5 82 05 00 00 00 00 00 23');
    const stream = concatBytes([hex('00 11'), STOP_REQUEST, bad, GET_HEALTH_REQUEST, hex('A5 84 01 07 27')]);
    // A5 ^ 84 ^ 01 ^ 07 = 0x27
    expect(decoder.push(stream)).toEqual([
      { command: 0x25, payload: new Uint8Array(0) },
      { command: 0x52, payload: new Uint8Array(0) },
      { command: 0x84, payload: Uint8Array.of(7) },
    ]);
    expect(decoder.counters()).toEqual({ requests: 3, badChecksums: 1, droppedBytes: 2 + bad.length });
  });

  it('finds a request that starts inside a payload request with a bad checksum', () => {
    // A stray `A5 84 03` announces 3 payload bytes and swallows the GET_HEALTH after it.
    const decoder = new RplidarRequestDecoder();
    expect(decoder.push(concatBytes([hex('A5 84 03'), GET_HEALTH_REQUEST, hex('00 00')]))).toEqual([
      { command: 0x52, payload: new Uint8Array(0) },
    ]);
    expect(decoder.counters()).toMatchObject({ requests: 1, badChecksums: 1 });
  });

  it('reads a doubled sync byte as a restart, not as command 0xA5', () => {
    const decoder = new RplidarRequestDecoder();
    expect(decoder.push(concatBytes([hex('A5'), STOP_REQUEST]))).toEqual([
      { command: 0x25, payload: new Uint8Array(0) },
    ]);
    expect(decoder.counters()).toEqual({ requests: 1, badChecksums: 0, droppedBytes: 1 });
    expect(() => encodeRplidarRequest(0xa5)).toThrow(RangeError);
  });
});

/*
 * The requests and answers of the configuration commands, written out from the Interface
 * Protocol's GET_SAMPLERATE and GET_LIDAR_CONF sections (payload: u32 type, then the u16 scan
 * mode id for per-mode types; answer type 0x20 with the type echoed) and the FORCE_SCAN request.
 */
const GET_SAMPLERATE_REQUEST = hex('A5 59');
const FORCE_SCAN_REQUEST = hex('A5 21');
/** GET_LIDAR_CONF SCAN_MODE_COUNT (0x70): A5 ^ 84 ^ 04 ^ 70 = 0x55. */
const CONF_COUNT_REQUEST = hex('A5 84 04 70 00 00 00 55');
/** GET_LIDAR_CONF ANS_TYPE (0x75) of mode 1: A5 ^ 84 ^ 06 ^ 75 ^ 01 = 0x53. */
const CONF_ANS_TYPE_MODE1_REQUEST = hex('A5 84 06 75 00 00 00 01 00 53');
/** GET_SAMPLERATE answer: descriptor length 4, type 0x15; Tstandard 508 µs (0x01FC), Texpress 254 µs (0xFE). */
const SAMPLE_RATE_ANSWER = hex('A5 5A 04 00 00 00 15 FC 01 FE 00');
/** GET_LIDAR_CONF SCAN_MODE_COUNT answer: length 6, type 0x20; type 0x70 echoed, count 2. */
const CONF_COUNT_ANSWER = hex('A5 5A 06 00 00 00 20 70 00 00 00 02 00');
/** US_PER_SAMPLE answer: 250 µs in Q8 = 64000 = 0x0000FA00. */
const CONF_US_PER_SAMPLE_ANSWER = hex('A5 5A 08 00 00 00 20 71 00 00 00 00 FA 00 00');
/** MAX_DISTANCE answer: 12 m in Q8 = 3072 = 0x0C00. */
const CONF_MAX_DISTANCE_ANSWER = hex('A5 5A 08 00 00 00 20 74 00 00 00 00 0C 00 00');
/** ANS_TYPE answer: 0x82, the express capsules. */
const CONF_ANS_TYPE_ANSWER = hex('A5 5A 05 00 00 00 20 75 00 00 00 82');
/** TYPICAL answer: mode 1. */
const CONF_TYPICAL_ANSWER = hex('A5 5A 06 00 00 00 20 7C 00 00 00 01 00');
/** NAME answer: "Express" and its NUL, length 4 + 8 = 12. */
const CONF_NAME_ANSWER = hex('A5 5A 0C 00 00 00 20 7F 00 00 00 45 78 70 72 65 73 73 00');

describe('configuration requests and answers', () => {
  it('encodes the requests as the document prints them', () => {
    expect(encodeRplidarRequest(RplidarCommand.GET_SAMPLERATE)).toEqual(GET_SAMPLERATE_REQUEST);
    expect(encodeRplidarRequest(RplidarCommand.FORCE_SCAN)).toEqual(FORCE_SCAN_REQUEST);
    // SET_MOTOR_PWM 660 (0x0294, A2/A3 only): A5 ^ F0 ^ 02 ^ 94 ^ 02 = 0xC1.
    expect(encodeRplidarRequest(RplidarCommand.SET_MOTOR_PWM, Uint8Array.of(0x94, 0x02))).toEqual(
      hex('A5 F0 02 94 02 C1'),
    );
    expect(
      encodeRplidarRequest(
        RplidarCommand.GET_LIDAR_CONF,
        encodeRplidarConfRequestPayload(RplidarConfType.SCAN_MODE_COUNT),
      ),
    ).toEqual(CONF_COUNT_REQUEST);
    expect(
      encodeRplidarRequest(RplidarCommand.GET_LIDAR_CONF, encodeRplidarConfRequestPayload(RplidarConfType.ANS_TYPE, 1)),
    ).toEqual(CONF_ANS_TYPE_MODE1_REQUEST);
    expect(encodeRplidarRequest(RplidarCommand.EXPRESS_SCAN, encodeRplidarExpressScanPayload())).toEqual(
      hex('A5 82 05 00 00 00 00 00 22'),
    );
  });

  it('reads the type and mode of a configuration request on the sensor side', () => {
    const [count, ansType] = new RplidarRequestDecoder().push(
      concatBytes([CONF_COUNT_REQUEST, CONF_ANS_TYPE_MODE1_REQUEST]),
    );
    expect(parseRplidarConfRequestPayload(count!.payload)).toEqual({ type: 0x70, modeId: 0 });
    expect(parseRplidarConfRequestPayload(ansType!.payload)).toEqual({ type: 0x75, modeId: 1 });
    // Slamtec's SDK 1.x sends the type with 32 reserved bytes: the mode id is their first two.
    const padded = new Uint8Array(36);
    padded.set([0x71, 0, 0, 0, 1, 0]);
    expect(parseRplidarConfRequestPayload(padded)).toEqual({ type: 0x71, modeId: 1 });
    expect(parseRplidarConfRequestPayload(Uint8Array.of(0x70))).toBeUndefined();
  });

  it('decodes the answers, and reads each value in its format', () => {
    const decoder = new RplidarResponseDecoder();
    const answers = [
      CONF_COUNT_ANSWER,
      CONF_US_PER_SAMPLE_ANSWER,
      CONF_MAX_DISTANCE_ANSWER,
      CONF_ANS_TYPE_ANSWER,
      CONF_TYPICAL_ANSWER,
      CONF_NAME_ANSWER,
    ];
    const values = answers.map((bytes) => {
      const out = decoder.push(bytes);
      expect(out).toHaveLength(2);
      const conf = out[1]!;
      if (conf.kind !== 'conf') throw new Error(`expected a configuration answer, got ${conf.kind}`);
      return [conf.conf.type, decodeRplidarConfValue(conf.conf)];
    });
    expect(values).toEqual([
      [0x70, 2],
      [0x71, 250],
      [0x74, 12],
      [0x75, 0x82],
      [0x7c, 1],
      [0x7f, 'Express'],
    ]);
    expect(decoder.push(SAMPLE_RATE_ANSWER)[1]).toEqual({
      kind: 'sample-rate',
      sampleRate: { standardUs: 508, expressUs: 254 },
    });
    expect(decoder.counters()).toMatchObject({ responses: 7, badDescriptors: 0, droppedBytes: 0 });
  });

  it('encodes the answers as the document prints them', () => {
    const withDescriptor = (data: Uint8Array, dataType: number): Uint8Array =>
      concatBytes([encodeRplidarDescriptor({ length: data.length, sendMode: RplidarSendMode.SINGLE, dataType }), data]);
    const conf = (type: number, value: number | string): Uint8Array =>
      withDescriptor(encodeRplidarConfAnswer(type, value), RplidarDataType.LIDAR_CONF);
    expect(conf(RplidarConfType.SCAN_MODE_COUNT, 2)).toEqual(CONF_COUNT_ANSWER);
    expect(conf(RplidarConfType.US_PER_SAMPLE, 250)).toEqual(CONF_US_PER_SAMPLE_ANSWER);
    expect(conf(RplidarConfType.MAX_DISTANCE, 12)).toEqual(CONF_MAX_DISTANCE_ANSWER);
    expect(conf(RplidarConfType.ANS_TYPE, 0x82)).toEqual(CONF_ANS_TYPE_ANSWER);
    expect(conf(RplidarConfType.TYPICAL, 1)).toEqual(CONF_TYPICAL_ANSWER);
    expect(conf(RplidarConfType.NAME, 'Express')).toEqual(CONF_NAME_ANSWER);
    expect(
      withDescriptor(encodeRplidarSampleRate({ standardUs: 508, expressUs: 254 }), RplidarDataType.SAMPLE_RATE),
    ).toEqual(SAMPLE_RATE_ANSWER);
  });

  it('takes a configuration answer too short for its value as garbage-free but valueless', () => {
    expect(decodeRplidarConfValue({ type: RplidarConfType.US_PER_SAMPLE, value: Uint8Array.of(1, 2) })).toBeUndefined();
    // A descriptor claiming a 4-byte answer (the type alone) is not one the decoder accepts.
    const decoder = new RplidarResponseDecoder();
    expect(decoder.push(hex('A5 5A 04 00 00 00 20 70 00 00 00'))).toEqual([]);
    expect(decoder.counters().badDescriptors).toBe(1);
  });
});

describe('encoders', () => {
  it('write the descriptors of the document', () => {
    expect(
      encodeRplidarDescriptor({ length: 5, sendMode: RplidarSendMode.MULTIPLE, dataType: RplidarDataType.MEASUREMENT }),
    ).toEqual(SCAN_DESCRIPTOR);
    expect(
      encodeRplidarDescriptor({ length: 20, sendMode: RplidarSendMode.SINGLE, dataType: RplidarDataType.DEVICE_INFO }),
    ).toEqual(INFO_DESCRIPTOR);
    expect(
      encodeRplidarDescriptor({ length: 3, sendMode: RplidarSendMode.SINGLE, dataType: RplidarDataType.DEVICE_HEALTH }),
    ).toEqual(HEALTH_DESCRIPTOR);
  });

  it('write nodes, health and info as assembled from the field tables', () => {
    expect(encodeRplidarScanNode({ startFlag: true, quality: 15, angleDeg: 90, distanceMm: 1000.25 })).toEqual(
      NODE_START_90DEG,
    );
    expect(encodeRplidarScanNode({ startFlag: false, quality: 47, angleDeg: 359.984375, distanceMm: 0 })).toEqual(
      NODE_NO_RETURN,
    );
    expect(encodeRplidarHealth({ status: 'warning', errorCode: 0x1234 })).toEqual(HEALTH_WARNING);
    expect(encodeRplidarHealth({ status: 'good', errorCode: 0 })).toEqual(HEALTH_GOOD);
    expect(
      encodeRplidarDeviceInfo({
        model: 0x18,
        firmwareMajor: 1,
        firmwareMinor: 29,
        hardware: 7,
        serialNumber: 'A0B1C2D3E4F5061728394A5B6C7D8E9F',
      }),
    ).toEqual(INFO_A1M8);
  });

  it('wrap, round and clamp node fields into their widths', () => {
    const [response] = new RplidarResponseDecoder()
      .push(
        concatBytes([
          SCAN_DESCRIPTOR,
          encodeRplidarScanNode({ startFlag: false, quality: 99, angleDeg: -0.5, distanceMm: 20_000 }),
        ]),
      )
      .slice(1);
    expect(response).toEqual({
      kind: 'node',
      node: { startFlag: false, quality: 63, angleDeg: 359.5, distanceMm: 16_383.75 },
    });
  });
});

describe('RplidarResponseDecoder', () => {
  it('decodes a health answer (descriptor, then 3 bytes) and goes back to hunting', () => {
    const decoder = new RplidarResponseDecoder();
    expect(decoder.push(concatBytes([HEALTH_DESCRIPTOR, HEALTH_WARNING]))).toEqual([
      { kind: 'descriptor', descriptor: { length: 3, sendMode: 0, dataType: 0x06 } },
      { kind: 'health', health: { status: 'warning', errorCode: 0x1234 } },
    ]);
    expect(decoder.push(concatBytes([HEALTH_DESCRIPTOR, hex('02 05 80')]))[1]).toEqual({
      kind: 'health',
      health: { status: 'error', errorCode: 0x8005 },
    });
    expect(decoder.counters()).toMatchObject({ descriptors: 2, responses: 2, droppedBytes: 0 });
  });

  it('decodes a device info answer', () => {
    const [, info] = new RplidarResponseDecoder().push(concatBytes([INFO_DESCRIPTOR, INFO_A1M8]));
    expect(info).toEqual({
      kind: 'info',
      info: {
        model: 0x18,
        firmwareMajor: 1,
        firmwareMinor: 29,
        hardware: 7,
        serialNumber: 'A0B1C2D3E4F5061728394A5B6C7D8E9F',
      },
    });
  });

  it('decodes scan nodes field by field, and keeps decoding nodes until a new request', () => {
    const decoder = new RplidarResponseDecoder();
    const responses = decoder.push(concatBytes([SCAN_DESCRIPTOR, NODE_START_90DEG, NODE_NO_RETURN, NODE_START_90DEG]));
    expect(responses[0]).toEqual({ kind: 'descriptor', descriptor: { length: 5, sendMode: 1, dataType: 0x81 } });
    expect(nodesOf(responses)).toEqual([
      { startFlag: true, quality: 15, angleDeg: 90, distanceMm: 1000.25 },
      { startFlag: false, quality: 47, angleDeg: 359.984375, distanceMm: 0 },
      { startFlag: true, quality: 15, angleDeg: 90, distanceMm: 1000.25 },
    ]);
    expect(decoder.inScanStream()).toBe(true);
    // In a scan stream a health descriptor is not looked for: the host re-arms the decoder first.
    decoder.expectResponse();
    expect(decoder.inScanStream()).toBe(false);
    expect(decoder.push(concatBytes([HEALTH_DESCRIPTOR, HEALTH_GOOD]))[1]).toEqual({
      kind: 'health',
      health: { status: 'good', errorCode: 0 },
    });
  });

  it('agrees with the bit-by-bit reference packer for every field value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 360 * 64 - 1 }),
        fc.integer({ min: 0, max: 0xffff }),
        (quality, start, angleQ6, distanceQ2) => {
          const node = { startFlag: start, quality, angleDeg: angleQ6 / 64, distanceMm: distanceQ2 / 4 };
          const bytes = referenceNode(quality, start, angleQ6, distanceQ2);
          expect(encodeRplidarScanNode(node)).toEqual(bytes);
          expect(nodesOf(new RplidarResponseDecoder().push(concatBytes([SCAN_DESCRIPTOR, bytes])))).toEqual([node]);
        },
      ),
    );
  });

  it('skips a reset banner and a bad descriptor, and finds the real one inside it', () => {
    const banner = new TextEncoder().encode('RP LIDAR System.\r\nFirmware Ver 1.29\r\n');
    // A stray 0xA5 0x5A swallows the start of the real descriptor: its type byte is 0xA5, not a known one.
    const stream = concatBytes([banner, hex('A5 5A 03 00 00'), HEALTH_DESCRIPTOR, HEALTH_GOOD]);
    const decoder = new RplidarResponseDecoder();
    expect(decoder.push(stream)).toEqual([
      { kind: 'descriptor', descriptor: { length: 3, sendMode: 0, dataType: 6 } },
      { kind: 'health', health: { status: 'good', errorCode: 0 } },
    ]);
    expect(decoder.counters()).toEqual({
      descriptors: 1,
      badDescriptors: 1,
      responses: 1,
      nodes: 0,
      badNodes: 0,
      capsules: 0,
      badCapsules: 0,
      droppedBytes: banner.length + 5,
    });
  });

  it('counts a node that fails a check bit and realigns on the next ones', () => {
    const badC = NODE_START_90DEG.slice();
    badC[1] = 0x00; // C must be 1
    const badS = NODE_NO_RETURN.slice();
    badS[0] = 0xbf; // S and !S both 1
    const good = Array.from({ length: 6 }, (_, i) =>
      encodeRplidarScanNode({ startFlag: false, quality: 10, angleDeg: 10 + i, distanceMm: 500 + 100 * i }),
    );
    const decoder = new RplidarResponseDecoder();
    const nodes = nodesOf(decoder.push(concatBytes([SCAN_DESCRIPTOR, badC, badS, ...good])));
    expect(nodes.slice(-6).map((n) => n.angleDeg)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(decoder.counters().badNodes).toBeGreaterThanOrEqual(2);
  });

  it('gives the same responses whatever chunk boundary splits the stream', () => {
    const stream = concatBytes([
      HEALTH_DESCRIPTOR,
      HEALTH_WARNING,
      INFO_DESCRIPTOR,
      INFO_A1M8,
      SCAN_DESCRIPTOR,
      NODE_START_90DEG,
      NODE_NO_RETURN,
    ]);
    const whole = new RplidarResponseDecoder().push(stream);
    expect(whole).toHaveLength(7);
    for (let cut = 1; cut < stream.length; cut++) expect(decodeInPieces(stream, [cut])).toEqual(whole);
    const byteByByte = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    expect(decodeInPieces(stream, byteByByte)).toEqual(whole);
  });

  describe('properties', () => {
    const healthArb = fc.record({
      status: fc.constantFrom('good' as const, 'warning' as const, 'error' as const),
      errorCode: fc.integer({ min: 0, max: 0xffff }),
    });
    const infoArb = fc.record({
      model: fc.integer({ min: 0, max: 255 }),
      firmwareMajor: fc.integer({ min: 0, max: 255 }),
      firmwareMinor: fc.integer({ min: 0, max: 255 }),
      hardware: fc.integer({ min: 0, max: 255 }),
      serialNumber: fc
        .uint8Array({ minLength: 16, maxLength: 16 })
        .map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join('')),
    });
    /** One single-packet response, as bytes, with what it must decode to. */
    type SingleResponse = { bytes: Uint8Array; expected: RplidarResponse[] };
    const singleResponseArb: fc.Arbitrary<SingleResponse> = fc.oneof(
      healthArb.map((health): SingleResponse => ({
        bytes: concatBytes([HEALTH_DESCRIPTOR, encodeRplidarHealth(health)]),
        expected: [
          { kind: 'descriptor', descriptor: { length: 3, sendMode: 0, dataType: 6 } },
          { kind: 'health', health },
        ],
      })),
      infoArb.map((info): SingleResponse => ({
        bytes: concatBytes([INFO_DESCRIPTOR, encodeRplidarDeviceInfo(info)]),
        expected: [
          { kind: 'descriptor', descriptor: { length: 20, sendMode: 0, dataType: 4 } },
          { kind: 'info', info },
        ],
      })),
    );
    /** A stretch of a real scan: headings rising about 1° a node, a start flag where they wrap, any distance. */
    const scanArb = fc
      .tuple(
        fc.integer({ min: 0, max: 359 * 64 }),
        fc.array(
          fc.record({
            stepQ6: fc.integer({ min: 40, max: 90 }),
            quality: fc.integer({ min: 0, max: 63 }),
            distanceQ2: fc.integer({ min: 0, max: 0xffff }),
          }),
          { minLength: 12, maxLength: 40 },
        ),
      )
      .map(([firstQ6, steps]) => {
        let angleQ6 = firstQ6;
        return steps.map((step): RplidarScanNode => {
          const previous = angleQ6;
          angleQ6 = (angleQ6 + step.stepQ6) % (360 * 64);
          return {
            startFlag: angleQ6 < previous,
            quality: step.quality,
            angleDeg: angleQ6 / 64,
            distanceMm: step.distanceQ2 / 4,
          };
        });
      });

    it('never throws on random bytes, and accounts for every byte', () => {
      fc.assert(
        fc.property(
          fc.array(fc.uint8Array({ maxLength: 200, size: 'max' }), { maxLength: 10 }),
          fc.boolean(),
          (chunks, startInScan) => {
            const decoder = new RplidarResponseDecoder();
            const all = startInScan ? [SCAN_DESCRIPTOR, ...chunks] : chunks;
            let total = 0;
            let decodedBytes = 0;
            for (const chunk of all) {
              for (const response of decoder.push(chunk)) decodedBytes += responseBytes(response);
              total += chunk.length;
            }
            expect(decodedBytes + decoder.counters().droppedBytes + decoder.pendingBytes()).toBe(total);
          },
        ),
      );
    });

    it('never throws on streams dense in sync bytes', () => {
      const syncHeavy = fc
        .uint8Array({ minLength: 7, maxLength: 400, size: 'max' })
        .map((bytes) => bytes.map((b) => [0xa5, 0x5a, 0x81, 0x06, 0x40, b][b % 6] as number));
      fc.assert(
        fc.property(syncHeavy, (bytes) => {
          const decoder = new RplidarResponseDecoder();
          const out = decoder.push(bytes);
          expect(decoder.pendingBytes()).toBeLessThanOrEqual(RPLIDAR_INFO_LENGTH);
          expect(out.length).toBeLessThanOrEqual(bytes.length);
        }),
      );
    });

    it('decodes a single response that follows any garbage', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 120, size: 'max' }), singleResponseArb, (garbage, response) => {
          // Garbage cannot hold a whole known descriptor by chance here: that would be a real response.
          fc.pre(!containsKnownDescriptor(garbage));
          const out = new RplidarResponseDecoder().push(concatBytes([garbage, response.bytes]));
          expect(out.slice(-2)).toEqual(response.expected);
        }),
      );
    });

    it('decodes the scan that follows any garbage, after the host re-armed the decoder', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 120, size: 'max' }), scanArb, (garbage, scan) => {
          const decoder = new RplidarResponseDecoder();
          decoder.push(concatBytes([SCAN_DESCRIPTOR, garbage]));
          decoder.expectResponse();
          const out = decoder.push(concatBytes([SCAN_DESCRIPTOR, ...scan.map(encodeRplidarScanNode)]));
          expect(nodesOf(out)).toEqual(scan);
        }),
      );
    });

    it('realigns on a scan stream after garbage in the middle of it', () => {
      fc.assert(
        fc.property(
          scanArb,
          fc.uint8Array({ minLength: 1, maxLength: 40, size: 'max' }),
          scanArb,
          (before, garbage, after) => {
            const decoder = new RplidarResponseDecoder();
            const stream = concatBytes([
              SCAN_DESCRIPTOR,
              ...before.map(encodeRplidarScanNode),
              garbage,
              ...after.map(encodeRplidarScanNode),
            ]);
            const nodes = nodesOf(decoder.push(stream));
            expect(nodes.slice(0, before.length)).toEqual(before);
            // After the garbage the decoder may take a few misaligned windows, but it ends on the real nodes.
            expect(nodes.slice(-4)).toEqual(after.slice(-4));
          },
        ),
        { numRuns: 500 },
      );
    });

    it('gives the same responses for any chunking of a stream with garbage', () => {
      const streamArb = fc.array(fc.tuple(fc.uint8Array({ maxLength: 40, size: 'max' }), singleResponseArb), {
        minLength: 1,
        maxLength: 5,
      });
      fc.assert(
        fc.property(streamArb, scanArb, fc.array(fc.nat(), { maxLength: 20, size: 'max' }), (pieces, scan, rawCuts) => {
          const stream = concatBytes([
            ...pieces.flatMap(([garbage, response]) => [garbage, response.bytes]),
            SCAN_DESCRIPTOR,
            ...scan.map(encodeRplidarScanNode),
          ]);
          const cuts = [...new Set(rawCuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const whole = new RplidarResponseDecoder().push(stream);
          expect(decodeInPieces(stream, cuts)).toEqual(whole);
          expect(nodesOf(whole)).toHaveLength(scan.length);
        }),
      );
    });

    it('decodes what it encodes', () => {
      fc.assert(
        fc.property(healthArb, infoArb, scanArb, (health, info, scan) => {
          const decoder = new RplidarResponseDecoder();
          expect(decoder.push(concatBytes([HEALTH_DESCRIPTOR, encodeRplidarHealth(health)]))[1]).toEqual({
            kind: 'health',
            health,
          });
          expect(decoder.push(concatBytes([INFO_DESCRIPTOR, encodeRplidarDeviceInfo(info)]))[1]).toEqual({
            kind: 'info',
            info,
          });
          expect(nodesOf(decoder.push(concatBytes([SCAN_DESCRIPTOR, ...scan.map(encodeRplidarScanNode)])))).toEqual(
            scan,
          );
          expect(decoder.counters()).toMatchObject({ badDescriptors: 0, badNodes: 0, droppedBytes: 0 });
        }),
      );
    });
  });
});

/** Whether `bytes` hold one of the three descriptors the decoder accepts. */
function containsKnownDescriptor(bytes: Uint8Array): boolean {
  const known = [SCAN_DESCRIPTOR, INFO_DESCRIPTOR, HEALTH_DESCRIPTOR];
  for (let i = 0; i + RPLIDAR_DESCRIPTOR_LENGTH <= bytes.length; i++) {
    if (known.some((d) => d.every((b, k) => bytes[i + k] === b))) return true;
  }
  return false;
}
