/**
 * The two MQTT 5 packets of a QoS 1 message flow, as the mesh load of the reflex bench sends and
 * acknowledges them: PUBLISH (OASIS MQTT Version 5.0, §3.3) and PUBACK (§3.4). Pure: bytes in,
 * fields out; malformed input gives `null`, never an exception.
 */

/** PUBLISH fixed header, first byte: packet type 3 in bits 7..4, QoS 1 in bits 2..1 (§3.3.1). */
const PUBLISH_QOS1 = 0x32;
/** PUBACK fixed header, first byte: packet type 4, flags 0 (§3.4.1). */
const PUBACK = 0x40;
/** A PUBACK with reason Success and no properties may stop after the packet identifier (§3.4.2.1). */
const PUBACK_SHORT_LENGTH = 2;
/** Largest value of a Variable Byte Integer, four bytes (§1.5.5). */
const VARIABLE_BYTE_INTEGER_MAX = 268_435_455;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** One application message. */
export interface PublishPacket {
  topic: string;
  /** 1..65535 (§2.2.1). */
  packetId: number;
  payload: Uint8Array;
}

/** Bytes of `value` as a Variable Byte Integer: 7 bits a byte, least significant first (§1.5.5). */
function variableByteInteger(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

/** Reads a Variable Byte Integer at `offset`: its value and length, or null when malformed or cut short. */
function readVariableByteInteger(bytes: Uint8Array, offset: number): { value: number; length: number } | null {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) return null;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
    multiplier *= 128;
  }
  return null;
}

/**
 * A QoS 1 PUBLISH with no properties: fixed header, topic name (§3.3.2.1), packet identifier
 * (§3.3.2.2), property length 0 (§3.3.2.3), payload (§3.3.3).
 * @throws RangeError for a packet id outside 1..65535 or a packet too large for MQTT.
 */
export function encodePublish(packet: PublishPacket): Uint8Array {
  if (!Number.isInteger(packet.packetId) || packet.packetId < 1 || packet.packetId > 0xffff) {
    throw new RangeError(`packet id must be 1..65535, got ${packet.packetId}`);
  }
  const topic = encoder.encode(packet.topic);
  const remaining = 2 + topic.length + 2 + 1 + packet.payload.length;
  if (topic.length > 0xffff || remaining > VARIABLE_BYTE_INTEGER_MAX) throw new RangeError('PUBLISH too large');
  const header = [PUBLISH_QOS1, ...variableByteInteger(remaining)];
  const bytes = new Uint8Array(header.length + remaining);
  bytes.set(header, 0);
  let at = header.length;
  bytes[at++] = topic.length >> 8;
  bytes[at++] = topic.length & 0xff;
  bytes.set(topic, at);
  at += topic.length;
  bytes[at++] = packet.packetId >> 8;
  bytes[at++] = packet.packetId & 0xff;
  bytes[at++] = 0;
  bytes.set(packet.payload, at);
  return bytes;
}

/** The PUBLISH in `bytes` (exactly one packet), or null when it is not a well-formed QoS 1 PUBLISH. */
export function decodePublish(bytes: Uint8Array): PublishPacket | null {
  if (bytes[0] !== PUBLISH_QOS1) return null;
  const remaining = readVariableByteInteger(bytes, 1);
  if (!remaining || 1 + remaining.length + remaining.value !== bytes.length) return null;
  let at = 1 + remaining.length;
  if (at + 2 > bytes.length) return null;
  const topicLength = ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
  at += 2;
  if (at + topicLength + 2 > bytes.length) return null;
  let topic: string;
  try {
    topic = decoder.decode(bytes.subarray(at, at + topicLength));
  } catch {
    return null;
  }
  at += topicLength;
  const packetId = ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
  at += 2;
  if (packetId === 0) return null;
  const properties = readVariableByteInteger(bytes, at);
  if (!properties) return null;
  at += properties.length + properties.value;
  if (at > bytes.length) return null;
  return { topic, packetId, payload: bytes.subarray(at) };
}

/** The short PUBACK (reason Success, no properties) for `packetId`. */
export function encodePuback(packetId: number): Uint8Array {
  return Uint8Array.of(PUBACK, PUBACK_SHORT_LENGTH, (packetId >> 8) & 0xff, packetId & 0xff);
}

/** The packet id a PUBACK acknowledges, or null when `bytes` is not one. */
export function decodePuback(bytes: Uint8Array): number | null {
  if (bytes[0] !== PUBACK || bytes.length < 4 || bytes[1] !== bytes.length - 2) return null;
  return ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
}
