import { describe, expect, it } from "vitest";
import { hasRunner, isJobActive, jobStatuses } from "./statuses";

describe("job statuses", () => {
  it("a job has a runner while starting, running or waiting to retry", () => {
    expect(jobStatuses.filter(hasRunner)).toEqual(["starting", "running", "waiting"]);
  });

  it("a job is active while it has a runner or is asked to run", () => {
    expect(isJobActive({ desiredState: "running", status: "stopped" })).toBe(true);
    expect(isJobActive({ desiredState: "stopped", status: "running" })).toBe(true);
    expect(isJobActive({ desiredState: "stopped", status: "failed" })).toBe(false);
    expect(isJobActive({ desiredState: "stopped", status: "stopped" })).toBe(false);
  });
});
