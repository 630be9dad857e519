/** Alert rules, silences and history (channels: alert-channels.ts): zod schemas for the API and the DTOs it returns. */
import { z } from "zod";
import { alertSeverities, jobOnlyConditions, type AlertCondition, type AlertSeverity } from "@/lib/domain/alert-conditions";
import type { ChannelType } from "./alert-channels";
import { DAY, displayName, int, seconds } from "./alert-fields";

export const alertConditionSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("lag"), threshold: int("condition.threshold", 0, 1e15) }),
    z.strictObject({ type: z.literal("time-lag"), thresholdSeconds: seconds("condition.thresholdSeconds", 0, 365 * DAY) }),
    z.strictObject({ type: z.literal("eta"), thresholdSeconds: seconds("condition.thresholdSeconds", 0, 365 * DAY) }),
    z.strictObject({ type: z.literal("status"), atLeast: z.enum(["WARN", "ERR"], { error: "condition.atLeast must be 'WARN' or 'ERR'" }) }),
    z.strictObject({ type: z.literal("job-failed") }),
    z.strictObject({ type: z.literal("job-not-running") }),
    z.strictObject({ type: z.literal("falling-behind"), batches: int("condition.batches", 1, 1000) }),
    z.strictObject({
      type: z.literal("dead-letters"),
      threshold: int("condition.threshold", 0, 1e12).default(0),
      windowSeconds: int("condition.windowSeconds", 10, 7 * DAY).default(300),
    }),
  ],
  { error: "condition.type must be one of: lag, time-lag, eta, status, job-failed, job-not-running, falling-behind, dead-letters" },
);
// The schema's output is the domain's condition type.
const _conditionCheck: AlertCondition = {} as z.output<typeof alertConditionSchema>;
void _conditionCheck;

export const GROUP_PATTERN = /^[\x21-\x7e]{1,255}$/;

export const alertTargetSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("job"), job: z.string({ error: "target.job is required" }).min(1, "target.job is required").max(64, "target.job is too long") }),
    z.strictObject({ type: z.literal("all-jobs") }),
    z.strictObject({
      type: z.literal("groups"),
      pattern: z.string({ error: "target.pattern is required" }).regex(GROUP_PATTERN, "target.pattern: 1-255 printable characters; * and ? are wildcards"),
    }),
  ],
  { error: "target.type must be 'job', 'all-jobs' or 'groups'" },
);

const ruleFields = {
  name: displayName("name"),
  enabled: z.boolean({ error: "enabled must be true or false" }).default(true),
  target: alertTargetSchema,
  condition: alertConditionSchema,
  /** "For at least": how long the condition must hold before the alert fires */
  forSeconds: int("forSeconds", 0, 7 * DAY).default(60),
  severity: z.enum(alertSeverities, { error: "severity must be 'info', 'warning' or 'critical'" }).default("warning"),
  /** Resend while firing; null: once only */
  repeatSeconds: int("repeatSeconds", 1, 7 * DAY).nullable().default(3600),
  /** Channel ids or names */
  channels: z
    .array(z.string().min(1).max(100), { error: "channels must be a list of channel ids or names" })
    .max(20, "a rule sends to at most 20 channels")
    .refine((c) => new Set(c).size === c.length, "channels must not repeat")
    .default([]),
};

function checkTargetFitsCondition(r: { target?: { type: string }; condition?: { type: string } }, ctx: z.RefinementCtx) {
  if (r.target?.type === "groups" && r.condition && jobOnlyConditions.has(r.condition.type as AlertCondition["type"])) {
    ctx.addIssue({ code: "custom", path: ["condition", "type"], message: `condition.type '${r.condition.type}' applies to jobs only, not to consumer groups` });
  }
}

export const createAlertRuleSchema = z.strictObject(ruleFields).superRefine(checkTargetFitsCondition);
export type CreateAlertRuleInput = z.input<typeof createAlertRuleSchema>;
export type CreateAlertRuleCommand = z.output<typeof createAlertRuleSchema>;

export const updateAlertRuleSchema = z
  .strictObject({
    name: ruleFields.name.optional(),
    enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
    target: alertTargetSchema.optional(),
    condition: alertConditionSchema.optional(),
    forSeconds: int("forSeconds", 0, 7 * DAY).optional(),
    severity: z.enum(alertSeverities, { error: "severity must be 'info', 'warning' or 'critical'" }).optional(),
    repeatSeconds: int("repeatSeconds", 1, 7 * DAY).nullable().optional(),
    channels: z
      .array(z.string().min(1).max(100), { error: "channels must be a list of channel ids or names" })
      .max(20, "a rule sends to at most 20 channels")
      .refine((c) => new Set(c).size === c.length, "channels must not repeat")
      .optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "give at least one field to change")
  .superRefine(checkTargetFitsCondition);
export type UpdateAlertRuleInput = z.input<typeof updateAlertRuleSchema>;
export type UpdateAlertRuleCommand = z.output<typeof updateAlertRuleSchema>;

export const createAlertSilenceSchema = z
  .strictObject({
    /** Rule id or name */
    rule: z.string().min(1).max(100).optional(),
    target: z
      .discriminatedUnion(
        "type",
        [
          z.strictObject({ type: z.literal("job"), job: z.string().min(1).max(64) }),
          z.strictObject({ type: z.literal("group"), group: z.string().regex(GROUP_PATTERN, "target.group must be a consumer group id") }),
        ],
        { error: "target.type must be 'job' or 'group'" },
      )
      .optional(),
    /** Until when (ISO time), or for how long */
    endsAt: z.iso.datetime({ offset: true, error: "endsAt must be an ISO time" }).optional(),
    durationSeconds: int("durationSeconds", 60, 90 * DAY).optional(),
    reason: z.string({ error: "reason is required" }).trim().min(1, "give a reason").max(500, "reason must be at most 500 characters"),
  })
  .superRefine((s, ctx) => {
    if (!s.rule && !s.target) ctx.addIssue({ code: "custom", path: ["rule"], message: "a silence mutes a rule, a target, or both: give rule and/or target" });
    if ((s.endsAt === undefined) === (s.durationSeconds === undefined)) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "give either endsAt or durationSeconds" });
  });
export type CreateAlertSilenceInput = z.input<typeof createAlertSilenceSchema>;
export type CreateAlertSilenceCommand = z.output<typeof createAlertSilenceSchema>;

export const alertEventsQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: "limit must be a number" }).int().min(1, "limit must be at least 1").max(200, "limit must be at most 200").default(50),
  before: z.coerce.number({ error: "before must be an event id" }).int().positive().optional(),
  rule: z.string().max(100).optional(),
  kind: z.enum(["firing", "repeat", "resolved", "test"]).optional(),
});

// ------------------------------------------------------------------------------------------ DTOs

export type AlertTargetDto =
  | { type: "job"; job: { id: string; name: string | null } }
  | { type: "all-jobs" }
  | { type: "groups"; pattern: string };

export interface AlertRuleDto {
  id: string;
  name: string;
  enabled: boolean;
  target: AlertTargetDto;
  condition: AlertCondition;
  /** The condition in words: "lag > 1,000 records" */
  conditionText: string;
  forSeconds: number;
  severity: AlertSeverity;
  repeatSeconds: number | null;
  channels: { id: string; name: string; type: ChannelType }[];
  pending: number;
  firing: number;
  createdAt: string;
  updatedAt: string;
}

export interface AlertSilenceDto {
  id: string;
  rule: { id: string; name: string } | null;
  targetKey: string | null;
  targetName: string | null;
  reason: string;
  createdBy: string;
  createdAt: string;
  endsAt: string;
  active: boolean;
}

export interface ActiveAlertDto {
  ruleId: string;
  ruleName: string;
  severity: AlertSeverity;
  conditionText: string;
  targetKey: string;
  targetName: string;
  targetKind: "job" | "group";
  state: "pending" | "firing";
  since: string;
  firingSince: string | null;
  lastNotifiedAt: string | null;
  value: number | null;
  valueText: string;
  silenced: { id: string; reason: string; endsAt: string } | null;
  link: string;
}

export interface AlertDeliveryAttemptDto {
  at: string;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface AlertDeliveryDto {
  id: number;
  channelId: string;
  channelName: string;
  channelType: ChannelType;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastError: string | null;
  tries: AlertDeliveryAttemptDto[];
}

export interface AlertEventDto {
  id: number;
  at: string;
  kind: "firing" | "repeat" | "resolved" | "test";
  ruleId: string | null;
  ruleName: string;
  severity: AlertSeverity;
  targetKey: string;
  targetName: string;
  value: number | null;
  valueText: string;
  conditionText: string;
  since: string | null;
  silencedBy: string | null;
  deliveries: AlertDeliveryDto[];
}
