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
});
