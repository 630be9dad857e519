import { describe, expect, it } from "vitest";
import { mirrorGroupId, mirroredJobName } from "./mirror-group";

describe("mirror group", () => {
  it("names a job's mirror group and reads the job's name back", () => {
    expect(mirrorGroupId("orders-count")).toBe("tidemark.orders-count");
    expect(mirroredJobName(mirrorGroupId("orders-count"))).toBe("orders-count");
    expect(mirroredJobName("billing")).toBeNull();
  });
});
