import { beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { AppError } from "./app-error";
import { errorResponse, readBodyText, readJson, route } from "./route";

/** A body sent in 1 KiB chunks with no Content-Length, as a chunked upload arrives, made as it is read. */
function streamedRequest(chunk: Uint8Array, chunks: number): { req: Request; pulled: () => number; cancelled: () => boolean } {
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) return controller.close();
      pulled++;
      controller.enqueue(chunk);
    },
    cancel() {
      cancelled = true;
    },
  });
  const req = new Request("http://127.0.0.1/api/jobs", { method: "POST", body, duplex: "half" } as RequestInit);
  expect(req.headers.get("content-length")).toBeNull();
  return { req, pulled: () => pulled, cancelled: () => cancelled };
}

describe("readBodyText", () => {
  it("refuses a body without Content-Length as soon as it passes the limit (413), and cuts off the rest", async () => {
    const { req, pulled, cancelled } = streamedRequest(new Uint8Array(1024).fill(120), 16 * 1024); // 16 MiB
    const error = await readBodyText(req, 64 * 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("PAYLOAD_TOO_LARGE");
    expect((error as AppError).status).toBe(413);
    // A little more is read and thrown away (so a client still sending reads its 413), then the stream is cancelled.
    await vi.waitFor(() => expect(cancelled()).toBe(true));
    expect(pulled()).toBeLessThan(64 + 1024 + 8);
  });
  it("reads a streamed body under the limit whole", async () => {
    const { req } = streamedRequest(new TextEncoder().encode("ab"), 3);
    expect(await readBodyText(req, 100)).toBe("ababab");
  });
  it("refuses a declared Content-Length over the limit without reading", async () => {
    const req = new Request("http://127.0.0.1/api/jobs", { method: "POST", headers: { "content-length": "999999" }, body: "{}" });
    await expect(readBodyText(req, 1000)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });
  it("parses JSON through readJson", async () => {
    const req = new Request("http://127.0.0.1/api/jobs", { method: "POST", body: '{"a":1}' });
    expect(await readJson(req, z.strictObject({ a: z.number() }))).toEqual({ a: 1 });
  });
});

describe("errorResponse", () => {
  it("always carries details: null unless the error has some", async () => {
    expect(await errorResponse(new AppError("JOB_NOT_FOUND", "no job")).json()).toEqual({ error: { code: "JOB_NOT_FOUND", message: "no job", details: null } });
    expect(await errorResponse(new AppError("UNKNOWN_TOPIC", "x", { missing: ["t"] })).json()).toEqual({ error: { code: "UNKNOWN_TOPIC", message: "x", details: { missing: ["t"] } } });
    const zod = await errorResponse(z.strictObject({ a: z.number() }).safeParse({ a: "1" }).error).json();
    expect(zod.error.code).toBe("VALIDATION_FAILED");
    expect(zod.error.details).toEqual([{ path: "a", message: expect.any(String) }]);
  });
});

describe("route() in local mode", () => {
  // Local mode: no password and no users in the route's database (the mode is read from it).
  const db = tempDatabaseForTests();
  beforeAll(() => {
    (globalThis as unknown as { tidemarkWeb?: unknown }).tidemarkWeb = { db, kafkaLog: null };
  });
  it("refuses a request addressed to another host name before anything else runs (DNS rebinding)", async () => {
    let ran = false;
    const handler = route(async () => {
      ran = true;
      return { ok: true };
    });
    const response = await handler(new Request("http://evil.example/api/jobs", { method: "POST", headers: { host: "evil.example:3000" } }), { params: Promise.resolve({}) });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "HOST_NOT_ALLOWED", message: expect.stringMatching(/local mode/), details: { host: "evil.example:3000" } } });
    expect(ran).toBe(false);
  });
});
