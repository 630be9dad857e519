import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const readmeFile = path.join(import.meta.dirname, "../../../../README.md");
const exampleFile = path.join(import.meta.dirname, "sum-field.ts");

describe("README 'Write your own processor'", () => {
  it("shows sum-field.ts, the tested example, character for character (the text between its README example lines)", () => {
    const readme = fs.readFileSync(readmeFile, "utf8");
    const start = readme.indexOf("\n## Write your own processor\n");
    expect(start, "the section's heading").toBeGreaterThan(-1);
    const end = readme.indexOf("\n## ", start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    const block = /\n```ts\n([\s\S]*?)```\n/.exec(section)?.[1];
    expect(block, "the section's first ts code block").toBeDefined();

    const source = fs.readFileSync(exampleFile, "utf8");
    const region = /\n\/\/ README example: start\n([\s\S]*?)\/\/ README example: end\n/.exec(source)?.[1];
    expect(region, "the marked region of sum-field.ts").toBeDefined();
    expect(block).toBe(region);
    // The region is the whole module below the header comment: nothing the README leaves out.
    expect(source.slice(source.indexOf("// README example: start"))).toMatch(/^\/\/ README example: start\nimport /);
    expect(source.endsWith("// README example: end\n")).toBe(true);
  });
});
