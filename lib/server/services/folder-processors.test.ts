// A processor of the processors folder, loaded as the server loads it, in the job services: listed,
// validating a job's config, listing results, replay options and job deletion as a built-in does; and
// what a job answers once its processor's file is gone.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobSchema } from "@/lib/contracts/jobs";
import { systemClock, type KafkaLog } from "@/lib/domain/ports";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { AppError } from "../http/app-error";
import { loadProcessors } from "../processors/load-processors";
import { installFolderProcessors } from "../processors/registry";
import { JobCoordinator } from "../runtime/job-coordinator";
import { createJob, removeJob } from "./jobs";
import { listProcessorDtos } from "./processors";
import { resetOffsets, resetOptions } from "./resets";
import { listResults } from "./results";

const root = path.resolve(import.meta.dirname, "../../..");
const log = { topicNames: async () => ["t"], logOffsets: async () => [] } as unknown as KafkaLog;
const temp = createTempDatabase();
const db = temp.client();
const deps = { db, log, actor: "local" };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-folder-services-"));

beforeAll(async () => {
  fs.copyFileSync(path.join(root, "processors/examples/sum-field.ts"), path.join(dir, "sum-field.ts"));
  const { migrations } = await loadProcessors({ dir, cwd: root, databaseUrl: temp.url });
  expect(migrations).toEqual(["sum-field/001-create-totals"]);
});

afterAll(async () => {
  installFolderProcessors([]);
  await db.$disconnect();
  temp.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const totals = (jobId: string) => db.$queryRawUnsafe<{ key: string }[]>(`SELECT "key" FROM sum_field_totals WHERE "jobId" = ? ORDER BY "key"`, jobId);

async function jobWithTotals(name: string, keys: string[]): Promise<string> {
  const job = await createJob(deps, createJobSchema.parse({ name, topics: ["t"], processor: "sum-field", processorConfig: { field: "amount" } }));
  for (const [i, key] of keys.entries()) await db.$executeRawUnsafe(`INSERT INTO sum_field_totals ("jobId", "key", "total") VALUES (?, ?, ?)`, job.id, key, 10 - i);
  return job.id;
}

describe("a processors-folder processor in the job services", () => {
  it("is listed like a built-in: its file, description, config as JSON Schema, result columns and what a replay can do", () => {
    expect(listProcessorDtos().find((p) => p.name === "sum-field")).toMatchObject({
      source: "sum-field.ts",
      description: "Sums a whole-number JSON field per message key",
      configSchema: { type: "object", properties: { field: { type: "string", minLength: 1 } }, required: ["field"] },
      results: { columns: [{ key: "key", label: "Key" }, { key: "total", label: "Total", numeric: true }] },
      reprocessing: "added-again",
      supports: { clear: true, rollback: false },
    });
  });

  it("checks a new job's config with its own zod schema on the server, naming the field", async () => {
    const error = await refusal(createJob(deps, createJobSchema.parse({ name: "no-field", topics: ["t"], processor: "sum-field", processorConfig: {} })));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.details).toEqual([expect.objectContaining({ path: "processorConfig.field" })]);
  });

  it("lists results through its query a page at a time, offers clear but not rollback, and deleting the job runs its clear", async () => {
    const jobId = await jobWithTotals("summed", ["a", "b", "c"]);
    const kept = await jobWithTotals("kept", ["x"]);
    const first = await listResults(db, { id: jobId, processor: "sum-field" }, { limit: 2 });
    expect(first).toEqual({ items: [{ key: "a", total: 10 }, { key: "b", total: 9 }], next: "2" });
    expect(await listResults(db, { id: jobId, processor: "sum-field" }, { limit: 2, after: first.next! })).toEqual({ items: [{ key: "c", total: 8 }], next: null });
    expect(await resetOptions(deps, "summed")).toMatchObject({ processor: "sum-field", reprocessing: "added-again", clear: { supported: true }, rollback: { supported: false } });
    expect((await refusal(resetOffsets(deps, "summed", { mode: "earliest", results: "rollback", dryRun: true } as never))).code).toBe("ROLLBACK_UNSUPPORTED");
    await removeJob(deps, "summed");
    expect(await totals(jobId)).toEqual([]);
    expect(await totals(kept)).toEqual([{ key: "x" }]);
  });

  it("once its file is gone: the running job fails CANNOT_START; results and replay answer PROCESSOR_NOT_LOADED; it can still be deleted, its rows stay", async () => {
    const jobId = await jobWithTotals("orphan", ["a"]);
    await db.job.update({ where: { id: jobId }, data: { desiredState: "running", status: "running" } });
    installFolderProcessors([]); // the server restarted without the file
    try {
      // The runtime fails the job before it reads anything: no Kafka is asked.
      const coordinator = new JobCoordinator({ db, log, clock: systemClock, reconcileIntervalMs: 60_000, ownershipFor: () => ({ owned: async () => [], close: async () => {} }) });
      await coordinator.reconcile();
      await waitFor(async () => (await db.job.findUniqueOrThrow({ where: { id: jobId } })).status === "failed", "the job to fail", 10_000);
      expect(await db.job.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ failureCode: "CANNOT_START", statusMessage: "cannot start: unknown processor 'sum-field'" });
      await coordinator.stop();
      await db.job.update({ where: { id: jobId }, data: { desiredState: "stopped", status: "stopped" } });
      expect((await refusal(listResults(db, { id: jobId, processor: "sum-field" }, { limit: 10 }))).code).toBe("PROCESSOR_NOT_LOADED");
      expect((await refusal(resetOptions(deps, "orphan"))).code).toBe("PROCESSOR_NOT_LOADED");
      expect((await refusal(resetOffsets(deps, "orphan", { mode: "earliest", results: "keep", dryRun: true } as never))).code).toBe("PROCESSOR_NOT_LOADED");
      await removeJob(deps, "orphan");
      expect(await db.job.count({ where: { id: jobId } })).toBe(0);
      expect(await totals(jobId)).toEqual([{ key: "a" }]);
    } finally {
      await loadProcessors({ dir, cwd: root, databaseUrl: temp.url });
    }
  });
});
