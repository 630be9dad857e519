import { describe, expect, it } from "vitest";
import { nextReadOffset, readPosition, recordsBehind } from "./next-read-offset";

const log = (topic: string, partition: number, logStartOffset: number, logEndOffset: number) => ({ topic, partition, logStartOffset, logEndOffset });

describe("nextReadOffset", () => {
  const latest = readPosition([{ topic: "t", partition: 0, offset: 40 }], "latest");

  it("resumes at the stored offset", () => {
    expect(nextReadOffset(log("t", 0, 10, 50), latest)).toEqual({ kind: "stored", offset: 40 });
  });
  it("reads a partition added later to a topic the job reads from its log start, even for a latest job", () => {
    const added = log("t", 1, 3, 8);
    expect(nextReadOffset(added, latest)).toEqual({ kind: "added-partition", offset: 3 });
    expect(recordsBehind(added, nextReadOffset(added, latest))).toBe(5);
  });
  it("starts a topic the job has never read at its startingOffsets", () => {
    expect(nextReadOffset(log("u", 0, 3, 8), latest)).toEqual({ kind: "new-topic", offset: 8 });
    expect(nextReadOffset(log("u", 0, 3, 8), readPosition([], "earliest"))).toEqual({ kind: "new-topic", offset: 3 });
  });
  it("stands at the log bounds for a stored offset outside them, saying which", () => {
    const at = (stored: number) => nextReadOffset(log("t", 0, 45, 60), readPosition([{ topic: "t", partition: 0, offset: stored }], "earliest"));
    expect(at(40)).toEqual({ kind: "deleted-by-retention", offset: 45, storedOffset: 40 });
    expect(nextReadOffset(log("t", 0, 0, 30), latest)).toEqual({ kind: "beyond-log-end", offset: 30, storedOffset: 40 });
    expect(recordsBehind(log("t", 0, 0, 30), nextReadOffset(log("t", 0, 0, 30), latest))).toBe(0);
  });
});
