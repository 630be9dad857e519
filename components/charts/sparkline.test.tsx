import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Sparkline } from "./sparkline";

describe("Sparkline", () => {
  it("is an image whose name says what it shows and its figures: the latest lag and the highest", () => {
    const points = [
      { ts: 1_000, lag: 5 },
      { ts: 2_000, lag: 1_200 },
      { ts: 3_000, lag: 3 },
    ];
    const html = renderToStaticMarkup(<Sparkline points={points} label="orders lag over the last 15 minutes" />);
    expect(html).toContain('role="img"');
    expect(html).toContain('aria-label="orders lag over the last 15 minutes: latest 3, highest 1,200"');
  });

  it("says so in text when there is no history to draw", () => {
    expect(renderToStaticMarkup(<Sparkline points={[{ ts: 1_000, lag: 5 }]} label="orders lag" />)).toContain("no history");
  });
});
