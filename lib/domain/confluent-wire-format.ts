/**
 * The Confluent Schema Registry wire format: byte 0 is the magic byte 0, bytes 1–4 the schema id
 * (big-endian), the rest the encoded payload. Protobuf payloads start with the message indexes that
 * name the message type within the schema's file.
 */

export interface WireFormatPayload {
  schemaId: number;
  /** The bytes after the 5-byte header. */
  payload: Uint8Array;
}

const HEADER_BYTES = 5;

/** The header's schema id and payload, or null when the bytes are not in the wire format (no magic byte, too short). */
export function parseWireFormat(bytes: Uint8Array | null): WireFormatPayload | null {
  if (bytes === null || bytes.length < HEADER_BYTES || bytes[0] !== 0) return null;
  const schemaId = ((bytes[1] << 24) >>> 0) + (bytes[2] << 16) + (bytes[3] << 8) + bytes[4];
  return { schemaId, payload: bytes.subarray(HEADER_BYTES) };
}

export class WireFormatError extends Error {}

/** Most indexes a real schema nests; more means the bytes are not what they claim. */
const MAX_INDEXES = 64;

/**
 * Protobuf's message indexes: a zig-zag varint count, then that many zig-zag varint indexes (the path
 * through nested message types). A lone 0 byte stands for [0], the file's first message.
 */
export function readMessageIndexes(payload: Uint8Array): { indexes: number[]; rest: Uint8Array } {
  let pos = 0;
  const next = (): number => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= payload.length) throw new WireFormatError("message indexes run past the end of the record");
      const byte = payload[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
    throw new WireFormatError("message index varint is too long");
  };
  const count = next();
  if (count < 0 || count > MAX_INDEXES) throw new WireFormatError(`invalid message index count ${count}`);
  const indexes = count === 0 ? [0] : Array.from({ length: count }, next);
  if (indexes.some((i) => i < 0)) throw new WireFormatError(`invalid message indexes [${indexes.join(", ")}]`);
  return { indexes, rest: payload.subarray(pos) };
}
