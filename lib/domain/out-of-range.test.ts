import { describe, expect, it } from "vitest";
import { resolveOutOfRange } from "./out-of-range";

const log = [{ topic: "t", partition: 0, logStartOffset: 30, logEndOffset: 40 }];
const skipped = { skipped: [{ topic: "t", partition: 0, storedOffset: 5, logStartOffset: 30 }], outOfRange: [] };
const beyond = { skipped: [], outOfRange: [{ topic: "t", partition: 0, storedOffset: 90, logEndOffset: 40 }] };

describe("resolveOutOfRange", () => {
  it("has nothing to do when every offset is in range", () => {
    expect(resolveOutOfRange({ skipped: [], outOfRange: [] }, log, "fail")).toEqual([]);
  });

  it("asks the caller to fail under 'fail'", () => {
    expect(resolveOutOfRange(skipped, log, "fail")).toBeNull();
    expect(resolveOutOfRange(beyond, log, "fail")).toBeNull();
  });

  it("moves to the log start under 'earliest', counting records lost to retention", () => {
    expect(resolveOutOfRange(skipped, log, "earliest")).toEqual([
      { topic: "t", partition: 0, fromOffset: 5, toOffset: 30, recordsSkipped: 25, reason: "deleted-by-retention" },
    ]);
    expect(resolveOutOfRange(beyond, log, "earliest")?.[0]).toMatchObject({ toOffset: 30, recordsSkipped: 0 });
  });

  it("moves to the log end under 'latest', counting what it passes over", () => {
    expect(resolveOutOfRange(skipped, log, "latest")?.[0]).toMatchObject({ toOffset: 40, recordsSkipped: 35 });
    expect(resolveOutOfRange(beyond, log, "latest")?.[0]).toMatchObject({ toOffset: 40, recordsSkipped: 10, reason: "beyond-log-end" });
  });
});
