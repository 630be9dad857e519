import { describe, expect, it } from "vitest";
import { toPayload } from "./records";

describe("toPayload", () => {
  it("shows printable UTF-8 as text, binary as hex, null as null", () => {
    expect(toPayload(null)).toEqual({ encoding: "null" });
    expect(toPayload(Buffer.from('{"a":"ü"}'))).toEqual({ encoding: "utf8", text: '{"a":"ü"}', bytes: 10, truncated: false });
    expect(toPayload(Buffer.from([0, 1, 0xff]))).toEqual({ encoding: "hex", hex: "0001ff", bytes: 3, truncated: false });
    expect(toPayload(Buffer.from([0xc3, 0x28]))).toMatchObject({ encoding: "hex" }); // invalid UTF-8
  });
  it("truncates long payloads and says so", () => {
    const p = toPayload(Buffer.alloc(10_000, "a"));
    expect(p).toMatchObject({ encoding: "utf8", bytes: 10_000, truncated: true });
    expect(p.encoding === "utf8" && p.text.length).toBe(4096);
  });
});
