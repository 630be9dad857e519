import { describe, expect, it } from "vitest";
import { findCycles } from "./check-import-cycles";

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe("findCycles", () => {
  it("finds none in a tree or a diamond", () => {
    expect(findCycles(graph({ a: ["b", "c"], b: ["d"], c: ["d"], d: [] }))).toEqual([]);
  });

  it("finds a two-module cycle and a longer one, each once", () => {
    const cycles = findCycles(graph({ a: ["b"], b: ["a"], c: ["d"], d: ["e"], e: ["c", "a"] }));
    expect(cycles.map((c) => c.join(","))).toEqual(["a,b", "c,d,e"]);
  });
});
