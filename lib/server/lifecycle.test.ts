import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { startServices, stopOnSignals, type Service } from "./lifecycle";

function recorder() {
  const calls: string[] = [];
  const errors: string[] = [];
  const service = (name: string, fail: { start?: boolean; stop?: boolean } = {}, drains = false): Service => ({
    name,
    start: async () => {
      calls.push(`start ${name}`);
      if (fail.start) throw new Error(`${name} cannot start`);
    },
    stop: async () => {
      calls.push(`stop ${name}`);
      if (fail.stop) throw new Error(`${name} cannot stop`);
    },
    ...(drains ? { beginStop: () => void calls.push(`begin stop ${name}`) } : {}),
  });
  const log = { error: (message: string) => void errors.push(message) };
  return { calls, errors, service, log };
}

describe("startServices", () => {
  it("starts in order and stops in reverse", async () => {
    const { calls, service, log } = recorder();
    const lifecycle = await startServices([service("runtime"), service("lag sampler"), service("alerting")], log);
    expect(lifecycle.running()).toEqual(["runtime", "lag sampler", "alerting"]);
    await lifecycle.stop();
    expect(calls).toEqual(["start runtime", "start lag sampler", "start alerting", "stop alerting", "stop lag sampler", "stop runtime"]);
    expect(lifecycle.running()).toEqual([]);
  });

  it("rolls back what started when a later start fails, and rethrows the start error", async () => {
    const { calls, service, log } = recorder();
    const services = [service("runtime"), service("lag sampler", { start: true }), service("alerting")];
    await expect(startServices(services, log)).rejects.toThrow("lag sampler cannot start");
    expect(calls).toEqual(["start runtime", "start lag sampler", "stop runtime"]);
  });

  it("keeps stopping the rest when one stop throws", async () => {
    const { calls, errors, service, log } = recorder();
    const lifecycle = await startServices([service("runtime"), service("lag sampler", { stop: true }), service("alerting")], log);
    await lifecycle.stop();
    expect(calls.slice(3)).toEqual(["stop alerting", "stop lag sampler", "stop runtime"]);
    expect(errors).toEqual(["[tidemark] error while stopping lag sampler"]);
  });

  it("stops once however often stop is called", async () => {
    const { calls, service, log } = recorder();
    const lifecycle = await startServices([service("runtime"), service("alerting")], log);
    await Promise.all([lifecycle.stop(), lifecycle.stop()]);
    await lifecycle.stop();
    expect(calls.filter((c) => c.startsWith("stop"))).toEqual(["stop alerting", "stop runtime"]);
  });

  it("lets a slow service begin draining before the others stop", async () => {
    const { calls, service, log } = recorder();
    const lifecycle = await startServices([service("runtime", {}, true), service("alerting")], log);
    await lifecycle.stop();
    expect(calls.slice(2)).toEqual(["begin stop runtime", "stop alerting", "stop runtime"]);
  });
});

describe("stopOnSignals", () => {
  function fakeProcess() {
    const events = new EventEmitter();
    const exits: number[] = [];
    const target = {
      on: (signal: string, listener: (signal: NodeJS.Signals) => void) => events.on(signal, listener),
      exit: (code?: number) => void exits.push(code ?? 0),
    } as unknown as Pick<NodeJS.Process, "on" | "exit">;
    return { events, exits, target };
  }

  it("stops once on a second signal and exits with the first signal's code", async () => {
    const { events, exits, target } = fakeProcess();
    let stops = 0;
    let finish!: () => void;
    const stopped = new Promise<void>((resolve) => (finish = resolve));
    stopOnSignals(() => (stops++, stopped), { exit: true, deadlineMs: 60_000 }, target);
    events.emit("SIGTERM", "SIGTERM");
    events.emit("SIGINT", "SIGINT");
    expect(stops).toBe(1);
    expect(exits).toEqual([]); // not before stopping has finished
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([143]);
  });

  it("does not exit without NEXT_MANUAL_SIG_HANDLE (Next.js exits by itself)", async () => {
    const { events, exits, target } = fakeProcess();
    let stops = 0;
    stopOnSignals(async () => void stops++, { exit: false, deadlineMs: 60_000 }, target);
    events.emit("SIGINT", "SIGINT");
    await new Promise((resolve) => setImmediate(resolve));
    expect(stops).toBe(1);
    expect(exits).toEqual([]);
  });

  it('with exitCode "outcome" exits 0 after a clean stop and 1 when stopping fails', async () => {
    const clean = fakeProcess();
    stopOnSignals(async () => {}, { exit: true, deadlineMs: 60_000, exitCode: "outcome" }, clean.target);
    clean.events.emit("SIGTERM", "SIGTERM");
    const failing = fakeProcess();
    stopOnSignals(async () => Promise.reject(new Error("db gone")), { exit: true, deadlineMs: 60_000, exitCode: "outcome" }, failing.target);
    failing.events.emit("SIGINT", "SIGINT");
    await new Promise((resolve) => setImmediate(resolve));
    expect(clean.exits).toEqual([0]);
    expect(failing.exits).toEqual([1]);
  });
});
