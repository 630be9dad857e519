/** Use cases behind /api/alerts/rules, and the deps every alert use case takes (channels: alert-channel-service.ts; silences, open alerts, history: alert-history-service.ts). */
import { randomUUID } from "node:crypto";
import type { ChannelType } from "@/lib/contracts/alert-channels";
import type {
  AlertRuleDto,
  CreateAlertRuleCommand,
  UpdateAlertRuleCommand,
} from "@/lib/contracts/alerts";
import { describeCondition } from "@/lib/domain/alert-conditions";
import { recordAudit } from "../audit/audit-log";
import { AppError } from "../http/app-error";
import { findJob } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { closeRuleAlerts } from "./alert-events";
import { ruleFromRow, type RuleRecord } from "./alert-rules";
import { type AlertTransport } from "./channels";

export interface AlertServiceDeps {
  db: Db;
  actor?: string;
  publicUrl: string;
  transport?: AlertTransport;
  /** Timeout of a "send test" attempt */
  timeoutMs?: number;
}

export const actorOf = (deps: AlertServiceDeps) => deps.actor ?? "system";

// ------------------------------------------------------------------------------------------ rules

async function resolveTarget(db: Db, target: CreateAlertRuleCommand["target"]): Promise<{ targetType: string; targetValue: string | null }> {
  if (target.type === "job") {
    const job = await findJob(db, target.job);
    if (!job) throw new AppError("UNKNOWN_TARGET", `target.job: no job with id or name '${target.job}'`, { missing: target.job });
    return { targetType: "job", targetValue: job.id };
  }
  if (target.type === "groups") return { targetType: "groups", targetValue: target.pattern };
  return { targetType: "all-jobs", targetValue: null };
}

async function resolveChannels(db: Db, refs: string[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const rows = await db.alertChannel.findMany({ where: { OR: [{ id: { in: refs } }, { name: { in: refs } }] }, select: { id: true, name: true } });
  const missing = refs.filter((r) => !rows.some((c) => c.id === r || c.name === r));
  if (missing.length > 0) throw new AppError("UNKNOWN_CHANNEL", `channels: no channel ${missing.map((m) => `'${m}'`).join(", ")}`, { missing });
  return refs.map((r) => rows.find((c) => c.id === r || c.name === r)!.id);
}

async function ruleDtos(db: Db, rules: RuleRecord[]): Promise<AlertRuleDto[]> {
  const [channels, states, jobs] = await Promise.all([
    db.alertChannel.findMany({ select: { id: true, name: true, type: true } }),
    db.alertState.groupBy({ by: ["ruleId", "state"], _count: { _all: true } }),
    db.job.findMany({ select: { id: true, name: true } }),
  ]);
  return rules.map((r) => ({
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    target:
      r.targetType === "job"
        ? { type: "job", job: { id: r.targetValue!, name: jobs.find((j) => j.id === r.targetValue)?.name ?? null } }
        : r.targetType === "groups"
          ? { type: "groups", pattern: r.targetValue ?? "*" }
          : { type: "all-jobs" },
    condition: r.condition,
    conditionText: describeCondition(r.condition),
    forSeconds: Math.round(r.forMs / 1000),
    severity: r.severity,
    repeatSeconds: r.repeatMs === null ? null : Math.round(r.repeatMs / 1000),
    channels: r.channelIds.flatMap((id) => {
      const c = channels.find((x) => x.id === id);
      return c ? [{ id: c.id, name: c.name, type: c.type as ChannelType }] : [];
    }),
    pending: states.find((s) => s.ruleId === r.id && s.state === "pending")?._count._all ?? 0,
    firing: states.find((s) => s.ruleId === r.id && s.state === "firing")?._count._all ?? 0,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function listRules(deps: AlertServiceDeps): Promise<AlertRuleDto[]> {
  const rows = await deps.db.alertRule.findMany({ orderBy: { createdAt: "asc" } });
  return ruleDtos(deps.db, rows.map(ruleFromRow));
}

export async function requireRule(db: Db, idOrName: string): Promise<RuleRecord> {
  const row = await db.alertRule.findFirst({ where: { OR: [{ id: idOrName }, { name: idOrName }] } });
  if (!row) throw new AppError("ALERT_RULE_NOT_FOUND", `no alert rule with id or name '${idOrName}'`);
  return ruleFromRow(row);
}

export async function getRule(deps: AlertServiceDeps, idOrName: string): Promise<AlertRuleDto> {
  return (await ruleDtos(deps.db, [await requireRule(deps.db, idOrName)]))[0];
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "P2002";
}

export async function createRule(deps: AlertServiceDeps, command: CreateAlertRuleCommand): Promise<AlertRuleDto> {
  const { db } = deps;
  if (await db.alertRule.findUnique({ where: { name: command.name } })) throw new AppError("ALERT_RULE_NAME_TAKEN", `an alert rule named '${command.name}' already exists`);
  const target = await resolveTarget(db, command.target);
  const channelIds = await resolveChannels(db, command.channels);
  const id = randomUUID();
  try {
    await db.$transaction(async (tx) => {
      await tx.alertRule.create({
        data: {
          id,
          name: command.name,
          enabled: command.enabled,
          ...target,
          condition: JSON.stringify(command.condition),
          forMs: command.forSeconds * 1000,
          severity: command.severity,
          repeatMs: command.repeatSeconds === null ? null : command.repeatSeconds * 1000,
          channelIds: JSON.stringify(channelIds),
        },
      });
      await recordAudit(tx, { actor: actorOf(deps), action: "alert-rule.create", targetType: "alert-rule", targetId: id, details: { after: { ...command, channels: channelIds } } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("ALERT_RULE_NAME_TAKEN", `an alert rule named '${command.name}' already exists`);
    throw error;
  }
  return getRule(deps, id);
}

export async function updateRule(deps: AlertServiceDeps, idOrName: string, update: UpdateAlertRuleCommand): Promise<AlertRuleDto> {
  const { db } = deps;
  const rule = await requireRule(db, idOrName);
  if (update.name !== undefined && update.name !== rule.name && (await db.alertRule.findUnique({ where: { name: update.name } }))) {
    throw new AppError("ALERT_RULE_NAME_TAKEN", `an alert rule named '${update.name}' already exists`);
  }
  const target = update.target ? await resolveTarget(db, update.target) : null;
  const condition = update.condition ?? rule.condition;
  const targetType = target?.targetType ?? rule.targetType;
  if (targetType === "groups" && ["job-failed", "job-not-running", "falling-behind", "dead-letters"].includes(condition.type)) {
    throw new AppError("VALIDATION_FAILED", `condition.type: '${condition.type}' applies to jobs only, not to consumer groups`, [
      { path: "condition.type", message: "applies to jobs only" },
    ]);
  }
  const channelIds = update.channels ? await resolveChannels(db, update.channels) : null;
  // A changed target or condition, or disabling, starts the rule's alerts over (firing ones get a resolved message).
  const reset = target !== null || update.condition !== undefined || update.enabled === false;
  try {
    await db.$transaction(async (tx) => {
      await tx.alertRule.update({
        where: { id: rule.id },
        data: {
          ...(update.name !== undefined ? { name: update.name } : {}),
          ...(update.enabled !== undefined ? { enabled: update.enabled } : {}),
          ...(target ?? {}),
          ...(update.condition !== undefined ? { condition: JSON.stringify(update.condition) } : {}),
          ...(update.forSeconds !== undefined ? { forMs: update.forSeconds * 1000 } : {}),
          ...(update.severity !== undefined ? { severity: update.severity } : {}),
          ...(update.repeatSeconds !== undefined ? { repeatMs: update.repeatSeconds === null ? null : update.repeatSeconds * 1000 } : {}),
          ...(channelIds ? { channelIds: JSON.stringify(channelIds) } : {}),
        },
      });
      // Whoever was told an alert fired is told it ended, and why.
      if (reset) await closeRuleAlerts(tx, rule, update.enabled === false ? "rule disabled" : "rule changed", deps.publicUrl, Date.now());
      const before = Object.fromEntries(Object.keys(update).map((k) => [k, k === "forSeconds" ? rule.forMs / 1000 : k === "repeatSeconds" ? (rule.repeatMs === null ? null : rule.repeatMs / 1000) : k === "channels" ? rule.channelIds : k === "target" ? { type: rule.targetType, value: rule.targetValue } : rule[k as keyof RuleRecord]]));
      await recordAudit(tx, { actor: actorOf(deps), action: "alert-rule.update", targetType: "alert-rule", targetId: rule.id, details: { before, after: { ...update, ...(channelIds ? { channels: channelIds } : {}) } } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("ALERT_RULE_NAME_TAKEN", `an alert rule named '${update.name}' already exists`);
    throw error;
  }
  return getRule(deps, rule.id);
}

export async function deleteRule(deps: AlertServiceDeps, idOrName: string): Promise<void> {
  const rule = await requireRule(deps.db, idOrName);
  await deps.db.$transaction(async (tx) => {
    // Write first, so SQLite takes the write lock now: a transaction that reads first cannot take it once
    // the alert evaluator has written meanwhile (SQLITE_BUSY at once, a 500 under load).
    await tx.alertRule.delete({ where: { id: rule.id } });
    await closeRuleAlerts(tx, rule, "rule deleted", deps.publicUrl, Date.now());
    await recordAudit(tx, { actor: actorOf(deps), action: "alert-rule.delete", targetType: "alert-rule", targetId: rule.id, details: { before: { name: rule.name, condition: rule.condition } } });
  });
}
