// The examples, run through the processor harness (README "Write your own processor") on a real SQLite
// file, and loaded the way the server loads a processors folder.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProcessorsFolder } from "@/lib/server/processors/processors-folder";
import { record, runProcessor } from "@/lib/testing/processor-harness";
import httpPost from "./http-post";
import sumField from "./sum-field";
import windowedTotals from "./windowed-totals";

const root = path.resolve(import.meta.dirname, "../..");

describe("processors/examples", () => {
  it("load as a processors folder would (each bundles, checks and has its config schema)", async () => {
    const loaded = await loadProcessorsFolder({ dir: import.meta.dirname, cwd: root, reservedNames: new Set() });
    expect(loaded.map((l) => [l.processor.name, l.source])).toEqual([
      ["http-post", "http-post.ts"],
      ["sum-field", "sum-field.ts"],
      ["windowed-totals", "windowed-totals.ts"],
    ]);
  });

  it("sum-field: README shows it character for character", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Write your own processor\n"));
    const block = /\n```ts\n([\s\S]*?)```\n/.exec(section)?.[1];
    const source = fs.readFileSync(path.join(import.meta.dirname, "sum-field.ts"), "utf8");
    expect(block).toBe(/\/\/ README example: start\n([\s\S]*?)\/\/ README example: end\n/.exec(source)?.[1]);
  });

  it("sum-field: sums per key batch by batch in its own table; a poison record is skipped under onError skip; clear empties it", async () => {
    const run = await runProcessor(sumField, {
      config: { field: "amount" },
      onError: "skip",
      batches: [
        [record({ key: "a", value: { amount: 2 } }), record({ key: "b", value: { amount: 5 } }), record({ key: "a", value: "not json" })],
        [record({ key: "a", value: { amount: 3 } }), record({ key: null, value: { amount: 1 } })],
      ],
    });
    try {
      expect(await run.results()).toEqual([
        { key: "a", total: 5 },
        { key: "b", total: 5 },
        { key: "(null)", total: 1 },
      ]);
      expect(await run.results({ limit: 1, offset: 1 })).toEqual([{ key: "b", total: 5 }]);
      expect(run.skipped.map((e) => e.message)).toEqual([expect.stringContaining("value is not JSON")]);
      await run.clear();
      expect(await run.table("sum_field_totals")).toEqual([]);
    } finally {
      await run.close();
    }
  });

  it("windowed-totals: per key and window; a rollback of later batches leaves exactly the earlier ones' totals", async () => {
    const at = (s: number) => Date.UTC(2026, 11, 4, 10, 0, s);
    const batches = [
      [record({ key: "a", value: { n: 1 }, timestamp: at(1) }), record({ key: "a", value: { n: 2 }, timestamp: at(61) })],
      [record({ key: "a", value: { n: 4 }, timestamp: at(2) }), record({ key: "b", value: { n: 8 }, timestamp: at(3) })],
      [record({ key: "b", value: { n: 16 }, timestamp: at(62) })],
    ];
    const run = await runProcessor(windowedTotals, { config: { field: "n" }, batches: batches.slice(0, 1) });
    try {
      const afterFirst = await run.results();
      expect(afterFirst).toEqual([
        { window: "2026-12-04T10:01:00.000Z", key: "a", records: 1, total: 2 },
        { window: "2026-12-04T10:00:00.000Z", key: "a", records: 1, total: 1 },
      ]);
      await run.run(batches.slice(1));
      expect(await run.results()).toEqual([
        { window: "2026-12-04T10:01:00.000Z", key: "a", records: 1, total: 2 },
        { window: "2026-12-04T10:01:00.000Z", key: "b", records: 1, total: 16 },
        { window: "2026-12-04T10:00:00.000Z", key: "a", records: 2, total: 5 },
        { window: "2026-12-04T10:00:00.000Z", key: "b", records: 1, total: 8 },
      ]);
      const full = await run.results();
      await run.rollback(run.batchIds[1]);
      expect(await run.results()).toEqual(afterFirst);
      await run.run(batches.slice(1));
      expect(await run.results()).toEqual(full);
    } finally {
      await run.close();
    }
  });

  describe("http-post", () => {
    const received: { batch: string | undefined; body: { key: string; offset: number }[] }[] = [];
    let status = 200;
    const server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (d) => (text += d));
      req.on("end", () => {
        if (status === 200) received.push({ batch: req.headers["x-tidemark-batch"] as string | undefined, body: JSON.parse(text) });
        res.writeHead(status).end();
      });
    });
    let url = "";
    beforeAll(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve())).then(() => void (url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`)));
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("POSTs each batch before its transaction and records it; a refused POST fails the batch and records nothing", async () => {
      const run = await runProcessor(httpPost, { config: { url }, batches: [[record({ key: "a", value: "1", offset: 7 }), record({ key: "b", value: "2", offset: 8 })], []] });
      try {
        expect(received).toEqual([{ batch: String(run.batchIds[0]), body: [expect.objectContaining({ key: "a", offset: 7 }), expect.objectContaining({ key: "b", offset: 8 })] }]);
        expect(await run.results()).toEqual([{ batchId: run.batchIds[0], records: 2, postedAt: expect.any(String) }]);
        status = 503;
        await expect(run.run([[record({ key: "c", value: "3" })]])).rejects.toThrow(`POST ${url} answered 503`);
        expect(await run.table("http_post_batches")).toHaveLength(1);
      } finally {
        await run.close();
      }
    });
  });
});
