import { describe, expect, it } from "vitest";
import { resetRequestSchema } from "@/lib/contracts/resets";
import { buildResetRequest, partitionKeyOf, type ResetFormState } from "./reset-request";

const partitions = [0, 1, 2].map((partition) => ({ topic: "orders", partition }));
const all = new Set(partitions.map(partitionKeyOf));
const form = (over: Partial<ResetFormState>): ResetFormState => ({ mode: "to-earliest", value: "", targets: {}, scope: all, results: "keep", reason: "", ...over });

describe("buildResetRequest", () => {
  it("sends a mode's value in the type the contract wants, and nothing for earliest/latest", () => {
    expect(buildResetRequest(form({ mode: "to-offset", value: "1200" }), partitions)).toEqual({ mode: "to-offset", value: 1200, results: "keep" });
    expect(buildResetRequest(form({ mode: "shift-by", value: "-500" }), partitions)).toEqual({ mode: "shift-by", value: -500, results: "keep" });
    expect(buildResetRequest(form({ mode: "to-datetime", value: " 2026-11-27T09:30:00Z " }), partitions)).toEqual({
      mode: "to-datetime",
      value: "2026-11-27T09:30:00Z",
      results: "keep",
    });
    expect(buildResetRequest(form({ mode: "to-latest", value: "stale text" }), partitions)).toEqual({ mode: "to-latest", results: "keep" });
  });

  it("names the partitions only when some are left out, and trims the reason", () => {
    const some = new Set([partitionKeyOf(partitions[2])]);
    expect(buildResetRequest(form({ scope: some, reason: "  replay after fix " }), partitions)).toEqual({
      mode: "to-earliest",
      results: "keep",
      reason: "replay after fix",
      partitions: [{ topic: "orders", partition: 2 }],
    });
  });

  it("per partition: a target for each chosen partition with an offset typed in", () => {
    const some = new Set([partitionKeyOf(partitions[0]), partitionKeyOf(partitions[1])]);
    const targets = { "orders:0": "10", "orders:1": " ", "orders:2": "30" };
    expect(buildResetRequest(form({ mode: "per-partition", targets, scope: some }), partitions)).toEqual({
      mode: "per-partition",
      targets: [{ topic: "orders", partition: 0, offset: 10 }],
      results: "keep",
      partitions: [{ topic: "orders", partition: 0 }, { topic: "orders", partition: 1 }],
    });
  });

  it("builds requests the server's schema accepts", () => {
    for (const built of [
      buildResetRequest(form({ mode: "to-batch", value: "42", results: "rollback" }), partitions),
      buildResetRequest(form({ mode: "by-duration", value: "PT30M" }), partitions),
      buildResetRequest(form({ mode: "per-partition", targets: { "orders:1": "5" } }), partitions),
    ]) {
      expect(resetRequestSchema.safeParse(built).success, JSON.stringify(built)).toBe(true);
    }
  });
});
