import { describe, expect, it } from "vitest";
import { resetRequestSchema } from "./resets";

const issues = (body: unknown) => {
  const parsed = resetRequestSchema.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("resetRequestSchema", () => {
  it("applying (dryRun false) needs the previewed plan as expect; a preview does not", () => {
    expect(issues({ mode: "to-earliest" })).toEqual([]);
    expect(issues({ mode: "to-earliest", dryRun: false })).toEqual([
      "expect: applying (dryRun false) needs expect: preview first (dryRun true) and send the preview's partitions back as expect",
    ]);
    expect(issues({ mode: "to-earliest", dryRun: false, expect: [{ topic: "t", partition: 0, currentOffset: 5, targetOffset: 0 }] })).toEqual([]);
  });

  it("refuses date-times before 1970, which Kafka would read as 'latest' (-1) or 'earliest' (-2)", () => {
    expect(issues({ mode: "to-datetime", value: "1969-12-31T23:59:59.999Z" })).toEqual(["value: to-datetime needs a date-time at or after 1970-01-01T00:00:00Z"]);
    expect(issues({ mode: "to-datetime", value: "1969-12-31T23:59:59.998Z" })).toHaveLength(1);
    expect(issues({ mode: "to-datetime", value: "1970-01-01T00:00:00Z" })).toEqual([]);
  });

  it("refuses a date-time without a time zone (it would be read in the server's zone), and takes Z or an offset", () => {
    expect(issues({ mode: "to-datetime", value: "2026-11-27T10:00:00" })).toEqual([
      "value: to-datetime needs a time zone: '2026-11-27T10:00:00' names none, and the server will not guess one; add Z for UTC or an offset, e.g. 2026-11-27T10:00:00Z or 2026-11-27T10:00:00+01:00",
    ]);
    expect(issues({ mode: "to-datetime", value: "2026-11-27T10:00" })).toHaveLength(1);
    expect(issues({ mode: "to-datetime", value: "2026-11-27T10:00:00.123" })).toHaveLength(1);
    for (const zoned of ["2026-11-27T10:00:00Z", "2026-11-27T10:00:00.5z", "2026-11-27T10:00:00+01:00", "2026-11-27T10:00-0530"]) {
      expect(issues({ mode: "to-datetime", value: zoned }), zoned).toEqual([]);
    }
  });
});
