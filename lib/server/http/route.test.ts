import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "./app-error";
import { errorResponse, readBodyText, readJson } from "./route";

/** A body sent in chunks with no Content-Length, as a chunked upload arrives. */
function streamedRequest(chunk: Uint8Array, chunks: number): { req: Request; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) return controller.close();
      pulled++;
      controller.enqueue(chunk);
    },
  });
  const req = new Request("http://127.0.0.1/api/jobs", { method: "POST", body, duplex: "half" } as RequestInit);
  expect(req.headers.get("content-length")).toBeNull();
  return { req, pulled: () => pulled };
}

describe("readBodyText", () => {
  it("stops reading a body without Content-Length as soon as it passes the limit (413)", async () => {
    const { req, pulled } = streamedRequest(new Uint8Array(1024).fill(120), 1000); // 1,000 KiB
    const error = await readBodyText(req, 64 * 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("PAYLOAD_TOO_LARGE");
    expect((error as AppError).status).toBe(413);
    expect(pulled()).toBeLessThanOrEqual(66);
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
