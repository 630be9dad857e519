import { describe, expect, it } from "vitest";
import { createJobSchema, updateJobSchema } from "./jobs";

describe("job schemas", () => {
  it("fill in defaults on create", () => {
    expect(createJobSchema.parse({ name: "a", topics: ["t"], processor: "count-by-key" })).toEqual({
      name: "a",
      topics: ["t"],
      processor: "count-by-key",
      batchIntervalMs: 2000,
      startingOffsets: "earliest",
      processorConfig: {},
      onError: "fail",
      maxAttempts: 5,
      retryBackoffMs: 500,
      onOutOfRange: "fail",
      mirrorOffsetsToKafka: true,
      backpressure: false,
    });
  });
  it("change only the fields an update names (no defaults sneak in), and refuse an empty update", () => {
    expect(updateJobSchema.parse({ onError: "skip" })).toEqual({ onError: "skip" });
    expect(updateJobSchema.parse({ maxRecordsPerPartition: null })).toEqual({ maxRecordsPerPartition: null });
    expect(updateJobSchema.safeParse({}).success).toBe(false);
    expect(updateJobSchema.safeParse({ name: "renamed" }).success).toBe(false);
  });
  it("maxBatchBytes: a whole number of bytes from 1,024 to 1 GiB, or null for the server's default; clear messages otherwise", () => {
    expect(createJobSchema.parse({ name: "a", topics: ["t"], processor: "count-by-key", maxBatchBytes: 262_144 }).maxBatchBytes).toBe(262_144);
    expect(updateJobSchema.parse({ maxBatchBytes: null })).toEqual({ maxBatchBytes: null });
    const message = (value: unknown) => updateJobSchema.safeParse({ maxBatchBytes: value }).error?.issues[0]?.message;
    expect(message(1023)).toBe("maxBatchBytes must be at least 1,024");
    expect(message(1024 ** 3 + 1)).toBe("maxBatchBytes must be at most 1,073,741,824 (1 GiB)");
    expect(message(1.5e6 + 0.5)).toBe("maxBatchBytes must be a whole number");
    expect(message("64MB")).toBe("maxBatchBytes must be a number");
  });
});
