import { describe, expect, it } from "vitest";
import { recordsQuerySchema } from "./records";

const issues = (query: Record<string, string>) => {
  const parsed = recordsQuerySchema.safeParse(query);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("recordsQuerySchema", () => {
  it("refuses a timestamp without a time zone (it would be read in the server's zone), and takes Z or an offset", () => {
    expect(issues({ timestamp: "2026-11-27T10:00:00" })).toEqual([
      "timestamp: timestamp needs a time zone: add Z for UTC or an offset, e.g. 2026-11-27T10:00:00Z or 2026-11-27T10:00:00+01:00",
    ]);
    expect(issues({ timestamp: "2026-11-27T10:00:00Z" })).toEqual([]);
    expect(issues({ timestamp: "2026-11-27T10:00:00.250+05:30" })).toEqual([]);
  });
});
