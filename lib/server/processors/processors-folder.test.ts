import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RecordError } from "./processor";
import { loadProcessorsFolder, ProcessorsFolderError } from "./processors-folder";

const root = path.resolve(import.meta.dirname, "../../..");
const folders: string[] = [];
afterAll(() => folders.forEach((f) => fs.rmSync(f, { recursive: true, force: true })));

const valid = (name: string) => `import { z } from "zod";
import { defineProcessor } from "tidemark/processor";
export default defineProcessor({
  name: ${JSON.stringify(name)},
  description: "counts nothing",
  configSchema: z.strictObject({ factor: z.number().int().describe("multiplies") }),
  async process() {},
});
`;

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-processors-"));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function problems(dir: string): Promise<string> {
  const error = await loadProcessorsFolder({ dir, cwd: root, reservedNames: new Set(["count-by-key"]) }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProcessorsFolderError);
  expect((error as ProcessorsFolderError).code).toBe("PROCESSORS_INVALID");
  return (error as Error).message;
}

describe("the processors folder", () => {
  it("loads each top-level module's processors with their config as JSON Schema; tests, _files and subfolders are not loaded", async () => {
    const dir = folder({
      "totals.ts": valid("totals"),
      "more.mjs": `import { defineProcessor } from "tidemark/processor";\nimport { z } from "zod";\nexport const a = defineProcessor({ name: "more.a", description: "a", configSchema: z.object({}), process: async () => {} });\n`,
      "totals.test.ts": "this is not even TypeScript",
      "_helper.ts": "export const x = 1;",
      "examples/broken.ts": "export default {",
    });
    const loaded = await loadProcessorsFolder({ dir, cwd: root, reservedNames: new Set() });
    expect(loaded.map((l) => [l.processor.name, l.source])).toEqual([
      ["more.a", "more.mjs"],
      ["totals", "totals.ts"],
    ]);
    const schema = loaded[1].configJsonSchema as { properties: Record<string, unknown>; required: string[] };
    expect(schema.properties.factor).toMatchObject({ type: "integer", description: "multiplies" });
    expect(schema.required).toEqual(["factor"]);
    expect(loaded[1].processor.configSchema.safeParse({ factor: 2 }).success).toBe(true);
  });

  it("a RecordError from a folder processor (its own bundled copy of the class) is a RecordError to the runtime", async () => {
    const dir = folder({
      "throws.ts": `import { z } from "zod";\nimport { defineProcessor, eachRecord } from "tidemark/processor";\nexport default defineProcessor({ name: "rejects", description: "d", configSchema: z.object({}), async process({ records }) { eachRecord(records, () => { throw new Error("bad"); }); } });\n`,
    });
    const [{ processor }] = await loadProcessorsFolder({ dir, cwd: root, reservedNames: new Set() });
    const record = { topic: "t", partition: 0, offset: 3, timestamp: 0, key: null, value: null, headers: {} };
    const thrown = await processor.process({ jobId: "j", batchId: 1, records: [record], config: {}, sink: { send: async () => {} } }, {} as never).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(RecordError);
    expect((thrown as RecordError).record.offset).toBe(3);
  });

  it("a module with a syntax error stops the load, naming the file, line and problem", async () => {
    const message = await problems(folder({ "ok.ts": valid("ok"), "broken.ts": `${valid("broken")}\nexport const oops = {;\n` }));
    expect(message).toMatch(/broken\.ts: does not compile: Expected identifier but found ";" \(at broken\.ts:10:21\)/);
    expect(message).not.toContain("ok.ts:");
  });

  it("two processors of one name stop the load, naming both files; so does a built-in's name", async () => {
    expect(await problems(folder({ "a.ts": valid("same"), "b.ts": valid("same") }))).toContain("b.ts: processor name 'same' is also used in a.ts");
    expect(await problems(folder({ "c.ts": valid("count-by-key") }))).toContain("c.ts: processor name 'count-by-key' is taken by a built-in processor");
  });

  it("a module that throws, exports no processor, or lacks what a processor needs is named with its problem", async () => {
    const message = await problems(
      folder({
        "throws.ts": `throw new Error("no config here");`,
        "nothing.ts": "export const x = 1;",
        "shape.ts": `import { defineProcessor } from "tidemark/processor";\nexport default defineProcessor({ name: "Bad Name", tables: ["Job"] } as never);`,
        "ahead.ts": `import { z } from "zod";\nimport { defineProcessor } from "tidemark/processor";\nexport const a = defineProcessor({ name: "ahead-a", description: "d", configSchema: z.object({}), process: async () => {}, readAhead: "yes" } as never);\nexport const b = defineProcessor({ name: "ahead-b", description: "d", configSchema: z.object({}), process: async () => {}, readAhead: true });`,
      }),
    );
    expect(message).toContain("throws.ts: failed while loading: no config here");
    expect(message).toContain("nothing.ts: exports no processor");
    expect(message).toContain('ahead.ts: processor "ahead-a": readAhead must be true or false');
    expect(message).toContain('ahead.ts: processor "ahead-b": readAhead needs a fold');
    expect(message).toMatch(/shape\.ts: processor "Bad Name": name must be .*description is required; configSchema must be a zod schema; process\(batch, tx\) is required; table name "Job" must be lower-case/);
  });
});
