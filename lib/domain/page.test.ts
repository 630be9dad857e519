import { describe, expect, it } from "vitest";
import { cutPage, page } from "./page";

describe("page", () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: 100 - i }));

  it("asks for one row more than the page and gives the last row's cursor when more follow", async () => {
    let asked = 0;
    const result = await page(3, async (take) => ((asked = take), rows(take)), (r) => String(r.id));
    expect(asked).toBe(4);
    expect(result).toEqual({ rows: rows(3), next: "98" });
  });

  it("has no next cursor on the last page", () => {
    expect(cutPage(rows(3), 3, (r) => r.id)).toEqual({ rows: rows(3), next: null });
    expect(cutPage(rows(0), 3, (r) => r.id)).toEqual({ rows: [], next: null });
  });
});
