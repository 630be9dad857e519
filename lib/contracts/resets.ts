import { z } from "zod";
import { resetModes, parseIsoDuration } from "@/lib/domain/reset-plan";
import { isZonedDateTime } from "@/lib/domain/zoned-date-time";
import { topicNameSchema } from "./jobs";

const offset = z
  .number({ error: "offsets must be numbers" })
  .int("offsets must be whole numbers")
  .min(0, "offsets must not be negative")
  .max(Number.MAX_SAFE_INTEGER, "offset is too large");
const partitionRef = z.strictObject({
  topic: topicNameSchema,
  partition: z.number({ error: "partition must be a number" }).int("partition must be a whole number").min(0, "partition must not be negative"),
});

export const resultsPolicies = ["keep", "rollback", "clear"] as const;

/**
 * What reading records again does to a processor's results, so the reset dialog can say it plainly:
 * `added-again` (counted or summed again: count-by-key), `replaced` (stored again in place of the
 * same rows: store-records), `sent-again` (written to Kafka again: forward), `unknown` (not declared).
 */
export const reprocessingEffects = ["added-again", "replaced", "sent-again", "unknown"] as const;
export type ReprocessingEffect = (typeof reprocessingEffects)[number];

/** GET /api/jobs/:id/offsets/reset: what a reset of this job can do with its results. */
export interface ResetOptionsDto {
  processor: string;
  reprocessing: ReprocessingEffect;
  rollback: {
    supported: boolean;
    /** TIDEMARK_ROLLBACK_RETENTION_DAYS: older batches' contributions are pruned. */
    retentionDays: number;
    /** The oldest batch that can still be rolled back; null when none can. */
    oldestBatchId: number | null;
  };
  clear: { supported: boolean; reason: string | null };
}

const wholeNumber = (message: string, accept: (v: number) => boolean) =>
  z.number({ error: message }).refine((v) => Number.isSafeInteger(v) && accept(v), message);
const noValue = (mode: string) => z.undefined({ error: `${mode} takes no value` }).optional();
const noTargets = z.undefined({ error: "targets go with mode per-partition only" }).optional();

const toDateTime = z.string({ error: "to-datetime needs value: an ISO-8601 date-time such as 2026-11-27T10:00:00Z" }).superRefine((v, ctx) => {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v))) {
    ctx.addIssue({ code: "custom", message: "to-datetime needs value: an ISO-8601 date-time such as 2026-11-27T10:00:00Z" });
  } else if (!isZonedDateTime(v)) {
    ctx.addIssue({
      code: "custom",
      message: `to-datetime needs a time zone: '${v}' names none, and the server will not guess one; add Z for UTC or an offset, e.g. ${v.trim()}Z or ${v.trim()}+01:00`,
    });
  }
  // Kafka reads the timestamps -1 and -2 as "latest" and "earliest": nothing before 1970 gets near it.
  else if (Date.parse(v) < 0) ctx.addIssue({ code: "custom", message: "to-datetime needs a date-time at or after 1970-01-01T00:00:00Z" });
});

/** What every mode shares: scope, what happens to results, preview or apply. */
const resetBase = {
  partitions: z.array(partitionRef, { error: "partitions must be a list of {topic, partition}" }).min(1, "choose at least one partition").max(10_000).optional(),
  results: z.enum(resultsPolicies, { error: "results must be keep, rollback or clear" }).default("keep"),
  reason: z.string().max(500, "reason must be at most 500 characters").optional(),
  dryRun: z.boolean({ error: "dryRun must be true or false" }).default(true),
  /**
   * The previewed plan being confirmed (its `partitions`, sent back as they came). Required to apply:
   * the targets applied are these, and applying is refused (PLAN_STALE) when they no longer hold.
   */
  expect: z
    .array(z.object({ topic: topicNameSchema, partition: z.number().int().min(0), currentOffset: offset.nullable(), targetOffset: offset }), {
      error: "expect must be the preview's partitions",
    })
    .max(10_000)
    .optional(),
};
const mode = <M extends (typeof resetModes)[number], S extends z.ZodRawShape>(name: M, shape: S) =>
  z.strictObject({ mode: z.literal(name), targets: noTargets, ...resetBase }).extend(shape);

/**
 * POST /api/jobs/:id/offsets/reset, one shape per mode: an offset (to-offset), an ISO-8601 date-time
 * (to-datetime), an ISO-8601 duration back from now (by-duration), ±N (shift-by), a batch id (to-batch);
 * per-partition takes `targets` instead of a value.
 */
export const resetRequestSchema = z
  .discriminatedUnion(
    "mode",
    [
      mode("to-earliest", { value: noValue("to-earliest") }),
      mode("to-latest", { value: noValue("to-latest") }),
      mode("to-offset", { value: wholeNumber("to-offset needs value: a whole, non-negative offset", (v) => v >= 0) }),
      mode("shift-by", { value: wholeNumber("shift-by needs value: a whole number of records, negative to rewind", (v) => v !== 0) }),
      mode("to-batch", { value: wholeNumber("to-batch needs value: a batch id", (v) => v > 0) }),
      mode("to-datetime", { value: toDateTime }),
      mode("by-duration", {
        value: z
          .string({ error: "by-duration needs value: an ISO-8601 duration such as PT15M or P1DT2H" })
          .max(100)
          .refine((v) => parseIsoDuration(v) !== null, "by-duration needs value: an ISO-8601 duration such as PT15M or P1DT2H"),
      }),
      mode("per-partition", {
        // Not used, only echoed in the plan: refusing it now would break clients that send one.
        value: z.union([z.number(), z.string().max(100)]).optional(),
        targets: z
          .array(partitionRef.extend({ offset }), { error: "per-partition needs targets: [{topic, partition, offset}]" })
          .min(1, "per-partition needs targets: [{topic, partition, offset}]")
          .max(10_000),
      }),
    ],
    { error: `mode must be one of: ${resetModes.join(", ")}` },
  )
  .superRefine((r, ctx) => {
    const issue = (message: string, path: string) => ctx.addIssue({ code: "custom", message, path: [path] });
    if (r.results === "rollback" && r.mode !== "to-batch") issue("results can be rolled back only with mode to-batch", "results");
    if (!r.dryRun && !r.expect) issue("applying (dryRun false) needs expect: preview first (dryRun true) and send the preview's partitions back as expect", "expect");
  });
/** The request as the browser builds it (defaults left out), and as the service receives it (defaults filled in). */
export type ResetRequestInput = z.input<typeof resetRequestSchema>;
export type ResetRequest = z.output<typeof resetRequestSchema>;

export interface ResetPartitionDto {
  topic: string;
  partition: number;
  currentOffset: number | null;
  targetOffset: number;
  /** target − where the job would read next: negative = records read again, positive = records skipped. */
  delta: number;
  clamped: boolean;
  note: string | null;
}

export interface ResetPlanDto {
  dryRun: boolean;
  mode: (typeof resetModes)[number];
  value: number | string | null;
  results: (typeof resultsPolicies)[number];
  partitions: ResetPartitionDto[];
  summary: { reprocessed: number; skipped: number; rolledBackBatches: number; rolledBackRecords: number };
}

export interface AppliedResetDto extends ResetPlanDto {
  id: number;
  at: string;
  actor: string;
  reason: string | null;
}

type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What the reset form chooses: the request without `dryRun` and `expect`, which preview and apply add. */
export type ResetChoice = OmitEach<ResetRequestInput, "dryRun" | "expect">;
