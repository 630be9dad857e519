import { describe, expect, it } from "vitest";
import { parseWireFormat, readMessageIndexes, WireFormatError } from "./confluent-wire-format";

describe("Confluent wire format", () => {
  it("reads the big-endian schema id after the magic byte and keeps the rest as payload", () => {
    const wire = parseWireFormat(Uint8Array.from([0, 0x80, 0x01, 0x02, 0x03, 9, 8]));
    expect(wire?.schemaId).toBe(0x80010203);
    expect([...wire!.payload]).toEqual([9, 8]);
    expect(parseWireFormat(Uint8Array.from([0, 0, 0, 0, 7]))).toMatchObject({ schemaId: 7 });
  });

  it("leaves bytes without the magic byte, too short, or null alone", () => {
    expect(parseWireFormat(Buffer.from('{"a":1}'))).toBeNull();
    expect(parseWireFormat(Uint8Array.from([0, 0, 0, 1]))).toBeNull();
    expect(parseWireFormat(Uint8Array.from([1, 0, 0, 0, 1]))).toBeNull();
    expect(parseWireFormat(null)).toBeNull();
  });

  it("reads Protobuf message indexes: a lone 0 is the first message, else a zig-zag count and path", () => {
    expect(readMessageIndexes(Uint8Array.from([0, 0x0a]))).toEqual({ indexes: [0], rest: Uint8Array.from([0x0a]) });
    // count 2 (zig-zag 4), indexes 1 and 3 (zig-zag 2 and 6)
    expect(readMessageIndexes(Uint8Array.from([4, 2, 6, 0x0a])).indexes).toEqual([1, 3]);
    // index 70 needs two varint bytes: zig-zag 140 = 0x8c 0x01
    expect(readMessageIndexes(Uint8Array.from([2, 0x8c, 0x01])).indexes).toEqual([70]);
  });

  it("refuses indexes that run past the end, negative ones and absurd counts", () => {
    expect(() => readMessageIndexes(Uint8Array.from([4, 2]))).toThrow(WireFormatError);
    expect(() => readMessageIndexes(Uint8Array.from([2, 1]))).toThrow(/invalid message indexes/);
    expect(() => readMessageIndexes(Uint8Array.from([1]))).toThrow(/invalid message index count -1/);
    expect(() => readMessageIndexes(Uint8Array.from([0xfe, 0x01]))).toThrow(/count 127/);
    expect(() => readMessageIndexes(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(/too long/);
  });
});
