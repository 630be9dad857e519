import { describe, expect, it } from "vitest";
import { BatchSlots } from "./batch-slots";

describe("BatchSlots", () => {
  it("lets `size` holders in at once and serves waiters in order", async () => {
    const slots = new BatchSlots(2);
    const a = await slots.acquire();
    const b = await slots.acquire();
    const order: string[] = [];
    const c = slots.acquire().then((release) => (order.push("c"), release));
    const d = slots.acquire().then((release) => (order.push("d"), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(["c", "d"]);
    a(); // releasing twice frees nothing more
    const e = await slots.acquire();
    const f = await slots.acquire();
    let third = false;
    void slots.acquire().then(() => (third = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(third).toBe(false);
    e();
    f();
  });

  it("stops waiting when the signal aborts", async () => {
    const slots = new BatchSlots(1);
    const held = await slots.acquire();
    const abort = new AbortController();
    const waiting = slots.acquire(abort.signal);
    abort.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    held();
    const next = await slots.acquire();
    next();
  });

  it("tryAcquire takes a free slot at once, and none while every slot is held or a job waits for one", async () => {
    const slots = new BatchSlots(2);
    const held = await slots.acquire();
    const extra = slots.tryAcquire();
    expect(extra).not.toBeNull();
    expect(slots.tryAcquire()).toBeNull();
    let waiterServed = false;
    const waiting = slots.acquire().then((release) => ((waiterServed = true), release));
    extra!();
    (await waiting)();
    expect(waiterServed).toBe(true);
    held();
    // Both held and a job waiting: nothing to take; the waiter gets the next slot freed.
    const a = await slots.acquire();
    const b = await slots.acquire();
    const queued = slots.acquire();
    expect(slots.tryAcquire()).toBeNull();
    a();
    (await queued)();
    b();
    const c = slots.tryAcquire();
    const d = slots.tryAcquire();
    expect(c).not.toBeNull();
    expect(d).not.toBeNull();
    expect(slots.tryAcquire()).toBeNull();
    d!();
    c!();
    d!();
  });
});
