import { describe, expect, it } from "vitest";
import { formatTooltipTime, timeTickFormatter } from "./format";

describe("chart time formats", () => {
  it("format as Date#toLocaleString did, with formatters made once", () => {
    const H = 3_600_000;
    for (let ts = Date.UTC(2026, 0, 1); ts < Date.UTC(2026, 0, 2); ts += 7 * 60_000 + 3_001) {
      const d = new Date(ts);
      expect(timeTickFormatter(7 * 24 * H)(ts)).toBe(d.toLocaleString("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false }));
      expect(timeTickFormatter(24 * H)(ts)).toBe(d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false }));
      expect(timeTickFormatter(H)(ts)).toBe(d.toLocaleTimeString("en-GB", { hour12: false }));
      expect(formatTooltipTime(ts)).toBe(d.toLocaleString("en-GB", { hour12: false, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" }));
    }
  });
});
