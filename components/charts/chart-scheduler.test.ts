import { describe, expect, it } from "vitest";
import { createChartQueue } from "./chart-scheduler";

/** A post that keeps the callbacks, so a test runs the "tasks" one at a time. */
function manualPost() {
  const tasks: (() => void)[] = [];
  return { post: (run: () => void) => void tasks.push(run), tasks, next: () => tasks.shift()?.() };
}

describe("chart queue", () => {
  it("runs one job per task, in the order they were queued", () => {
    const { post, tasks, next } = manualPost();
    const queue = createChartQueue(post);
    const ran: string[] = [];
    queue.schedule(() => ran.push("a"));
    queue.schedule(() => ran.push("b"));
    queue.schedule(() => ran.push("c"));
    expect(tasks).toHaveLength(1); // one task asked for at a time
    next();
    expect(ran).toEqual(["a"]);
    next();
    expect(ran).toEqual(["a", "b"]);
    next();
    expect(ran).toEqual(["a", "b", "c"]);
    expect(tasks).toHaveLength(0);
  });

  it("drops a cancelled job, and asks for no task once the queue is empty", () => {
    const { post, tasks, next } = manualPost();
    const queue = createChartQueue(post);
    const ran: string[] = [];
    const cancelA = queue.schedule(() => ran.push("a"));
    queue.schedule(() => ran.push("b"));
    cancelA();
    next();
    expect(ran).toEqual(["b"]);
    expect(tasks).toHaveLength(0);
    const cancelC = queue.schedule(() => ran.push("c"));
    cancelC();
    next();
    expect(ran).toEqual(["b"]);
  });

  it("keeps going after a job throws", () => {
    const { post, next } = manualPost();
    const queue = createChartQueue(post);
    const ran: string[] = [];
    queue.schedule(() => {
      throw new Error("boom");
    });
    queue.schedule(() => ran.push("b"));
    expect(() => next()).toThrow("boom");
    next();
    expect(ran).toEqual(["b"]);
  });

  it("runs a job queued from inside a job in a later task", () => {
    const { post, next } = manualPost();
    const queue = createChartQueue(post);
    const ran: string[] = [];
    queue.schedule(() => {
      ran.push("a");
      queue.schedule(() => ran.push("a2"));
    });
    next();
    expect(ran).toEqual(["a"]);
    next();
    expect(ran).toEqual(["a", "a2"]);
  });
});
