import { describe, expect, it } from "vitest";
import { z } from "zod";
import { configFields, configFromInputs, initialInputs } from "./config-fields";

// The schema as GET /api/processors gives it: zod's toJSONSchema of the processor's config schema.
const schema = z.toJSONSchema(
  z.strictObject({
    field: z.string().min(1).describe("the JSON field to add up"),
    windowMs: z.number().int().min(1000).default(60_000),
    scale: z.number().optional(),
    mode: z.enum(["sum", "max"]).optional(),
    strict: z.boolean().default(false),
    filter: z.object({ field: z.string() }).optional(),
  }),
  { io: "input" },
) as Parameters<typeof configFields>[0];

describe("the config form read from a processor's JSON Schema", () => {
  const fields = configFields(schema);

  it("has one field per property, with its kind, choices, description, default and whether it is required", () => {
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["field", "text", true],
      ["windowMs", "integer", false],
      ["scale", "number", false],
      ["mode", "choice", false],
      ["strict", "boolean", false],
      ["filter", "json", false],
    ]);
    expect(fields[0].description).toBe("the JSON field to add up");
    expect(fields[3].choices).toEqual(["sum", "max"]);
    expect(initialInputs(fields)).toEqual({ field: "", windowMs: "60000", scale: "", mode: "", strict: false, filter: "" });
  });

  it("makes the config object: typed values, empty optional fields left out; unparsable inputs are errors by field", () => {
    expect(configFromInputs(fields, { field: "amount", windowMs: "5000", scale: "", mode: "max", strict: true, filter: '{"field":"x"}' })).toEqual({
      config: { field: "amount", windowMs: 5000, mode: "max", strict: true, filter: { field: "x" } },
      errors: {},
    });
    expect(configFromInputs(fields, { field: " ", windowMs: "1.5", scale: "abc", mode: "", strict: false, filter: "{" }).errors).toEqual({
      field: "field is required",
      windowMs: "windowMs must be a whole number",
      scale: "scale must be a number",
      filter: "filter must be JSON",
    });
  });
});
