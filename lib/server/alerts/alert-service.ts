/** Use cases behind /api/alerts: rules, channels (with "send test"), silences, open alerts and history. */
import { randomUUID } from "node:crypto";
import type {
  ActiveAlertDto,
  AlertChannelDto,
  AlertEventDto,
  AlertRuleDto,
  AlertSilenceDto,
  ChannelTestResultDto,
  ChannelType,
  CreateAlertChannelCommand,
  CreateAlertRuleCommand,
  CreateAlertSilenceCommand,
  UpdateAlertChannelCommand,
  UpdateAlertRuleCommand,
  alertEventsQuerySchema,
} from "@/lib/contracts/alerts";
import { describeCondition, formatValue, type AlertSeverity } from "@/lib/domain/alert-conditions";
import { matchingSilence } from "@/lib/domain/alert-state";
import { page } from "@/lib/domain/page";
import type { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { AppError } from "../http/app-error";
import { findJob } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { closeRuleAlerts, noticeFromEvent, parseDetails, targetLink, type EventDetails } from "./alert-events";
import { ruleFromRow, type RuleRecord } from "./alert-rules";
import { channelFromRow, defaultTransport, maskUrl, sendToChannel, toChannelDto, type AlertTransport, type EmailConfig } from "./channels";

export interface AlertServiceDeps {
  db: Db;
  actor?: string;
  publicUrl: string;
  transport?: AlertTransport;
  /** Timeout of a "send test" attempt */
  timeoutMs?: number;
}

const actorOf = (deps: AlertServiceDeps) => deps.actor ?? "system";

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

function isUniqueViolation(error: unknown): boolean {
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
    await closeRuleAlerts(tx, rule, "rule deleted", deps.publicUrl, Date.now());
    await tx.alertRule.delete({ where: { id: rule.id } });
    await recordAudit(tx, { actor: actorOf(deps), action: "alert-rule.delete", targetType: "alert-rule", targetId: rule.id, details: { before: { name: rule.name, condition: rule.condition } } });
  });
}

// ------------------------------------------------------------------------------------------ channels

async function lastDeliveries(db: Db): Promise<Map<string, AlertChannelDto["lastDelivery"]>> {
  const rows = await db.alertDelivery.findMany({ orderBy: { id: "desc" }, take: 500, select: { channelId: true, status: true, lastError: true, createdAt: true } });
  const out = new Map<string, AlertChannelDto["lastDelivery"]>();
  for (const r of rows) if (!out.has(r.channelId)) out.set(r.channelId, { status: r.status, at: r.createdAt.toISOString(), error: r.lastError });
  return out;
}

export async function listChannels(deps: AlertServiceDeps): Promise<AlertChannelDto[]> {
  const [rows, last] = await Promise.all([deps.db.alertChannel.findMany({ orderBy: { createdAt: "asc" } }), lastDeliveries(deps.db)]);
  return rows.map((r) => toChannelDto(channelFromRow(r), last.get(r.id) ?? null));
}

async function requireChannel(db: Db, idOrName: string) {
  const row = await db.alertChannel.findFirst({ where: { OR: [{ id: idOrName }, { name: idOrName }] } });
  if (!row) throw new AppError("ALERT_CHANNEL_NOT_FOUND", `no alert channel with id or name '${idOrName}'`);
  return row;
}

export async function createChannel(deps: AlertServiceDeps, command: CreateAlertChannelCommand): Promise<AlertChannelDto> {
  const { db } = deps;
  if (await db.alertChannel.findUnique({ where: { name: command.name } })) throw new AppError("ALERT_CHANNEL_NAME_TAKEN", `an alert channel named '${command.name}' already exists`);
  const id = randomUUID();
  const email: EmailConfig | null =
    command.type === "email" ? { host: command.host, port: command.port, tls: command.tls, user: command.user ?? null, from: command.from, to: command.to } : null;
  const secret = command.type === "email" ? (command.password ?? "") : command.url;
  try {
    await db.$transaction(async (tx) => {
      await tx.alertChannel.create({ data: { id, name: command.name, type: command.type, enabled: command.enabled, config: JSON.stringify(email ?? {}), secret } });
      await recordAudit(tx, {
        actor: actorOf(deps),
        action: "alert-channel.create",
        targetType: "alert-channel",
        targetId: id,
        // Never the secret: the URL's origin only, and whether a password was given.
        details: { after: { name: command.name, type: command.type, ...(email ? { ...email, passwordSet: secret.length > 0 } : { url: maskUrl(secret) }) } },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("ALERT_CHANNEL_NAME_TAKEN", `an alert channel named '${command.name}' already exists`);
    throw error;
  }
  return toChannelDto(channelFromRow(await requireChannel(db, id)));
}

export async function updateChannel(deps: AlertServiceDeps, idOrName: string, update: UpdateAlertChannelCommand): Promise<AlertChannelDto> {
  const { db } = deps;
  const row = await requireChannel(db, idOrName);
  const channel = channelFromRow(row);
  if (update.url !== undefined && channel.type === "email") throw new AppError("VALIDATION_FAILED", "url: an e-mail channel has no URL", [{ path: "url", message: "not for e-mail" }]);
  if ((update.password !== undefined || update.to !== undefined) && channel.type !== "email") {
    throw new AppError("VALIDATION_FAILED", "password/to: only e-mail channels have them", [{ path: update.password !== undefined ? "password" : "to", message: "only for e-mail" }]);
  }
  if (update.name !== undefined && update.name !== row.name && (await db.alertChannel.findUnique({ where: { name: update.name } }))) {
    throw new AppError("ALERT_CHANNEL_NAME_TAKEN", `an alert channel named '${update.name}' already exists`);
  }
  const secret = update.url ?? update.password;
  await db.$transaction(async (tx) => {
    await tx.alertChannel.update({
      where: { id: row.id },
      data: {
        ...(update.name !== undefined ? { name: update.name } : {}),
        ...(update.enabled !== undefined ? { enabled: update.enabled } : {}),
        ...(secret !== undefined ? { secret } : {}),
        ...(update.to !== undefined && channel.email ? { config: JSON.stringify({ ...channel.email, to: update.to }) } : {}),
      },
    });
    await recordAudit(tx, {
      actor: actorOf(deps),
      action: "alert-channel.update",
      targetType: "alert-channel",
      targetId: row.id,
      details: {
        before: { name: row.name, enabled: row.enabled },
        after: { name: update.name, enabled: update.enabled, to: update.to, secretChanged: secret !== undefined },
      },
    });
  });
  return toChannelDto(channelFromRow(await requireChannel(db, row.id)));
}

export async function deleteChannel(deps: AlertServiceDeps, idOrName: string): Promise<void> {
  const row = await requireChannel(deps.db, idOrName);
  await deps.db.$transaction(async (tx) => {
    await tx.alertChannel.delete({ where: { id: row.id } });
    // Rules stop sending to it; pending deliveries to it fail as "channel deleted".
    for (const rule of await tx.alertRule.findMany({ where: { channelIds: { contains: row.id } } })) {
      const ids = (JSON.parse(rule.channelIds) as string[]).filter((id) => id !== row.id);
      await tx.alertRule.update({ where: { id: rule.id }, data: { channelIds: JSON.stringify(ids) } });
    }
    await recordAudit(tx, { actor: actorOf(deps), action: "alert-channel.delete", targetType: "alert-channel", targetId: row.id, details: { before: { name: row.name, type: row.type } } });
  });
}

/** Sends one test message now (one attempt, the delivery timeout), recorded in the history like any other. */
export async function testChannel(deps: AlertServiceDeps, idOrName: string): Promise<ChannelTestResultDto> {
  const { db } = deps;
  const row = await requireChannel(db, idOrName);
  const channel = channelFromRow(row);
  const details: EventDetails = {
    conditionText: "test message",
    threshold: null,
    unit: "",
    valueText: "—",
    since: null,
    targetKind: "job",
    targetId: "test",
    link: `${deps.publicUrl.replace(/\/+$/, "")}/alerts`,
    silencedBy: null,
  };
  const { event, delivery } = await db.$transaction(async (tx) => {
    const event = await tx.alertEvent.create({
      data: { kind: "test", ruleId: null, ruleName: `Test of channel ${row.name}`, severity: "info", targetKey: "test", targetName: "Tidemark", details: JSON.stringify(details) },
    });
    const delivery = await tx.alertDelivery.create({
      data: { eventId: event.id, channelId: row.id, channelName: row.name, channelType: row.type, status: "sending", nextAttemptAt: BigInt(Date.now()) },
    });
    await recordAudit(tx, { actor: actorOf(deps), action: "alert-channel.test", targetType: "alert-channel", targetId: row.id, details: { eventId: event.id } });
    return { event, delivery };
  });
  const outcome = await sendToChannel(channel, noticeFromEvent(event), deps.transport ?? defaultTransport, deps.timeoutMs ?? 5000);
  await db.$transaction([
    db.alertDeliveryAttempt.create({ data: { deliveryId: delivery.id, ok: outcome.ok, statusCode: outcome.statusCode, error: outcome.error, durationMs: outcome.durationMs } }),
    db.alertDelivery.update({ where: { id: delivery.id }, data: { attempts: 1, status: outcome.ok ? "delivered" : "failed", lastError: outcome.error } }),
  ]);
  return { ...outcome, eventId: event.id };
}

// ------------------------------------------------------------------------------------------ silences

function targetKeyName(key: string | null, jobs: { id: string; name: string }[]): string | null {
  if (key === null) return null;
  if (key.startsWith("job:")) return jobs.find((j) => `job:${j.id}` === key)?.name ?? key.slice(4);
  return key.replace(/^group:/, "");
}

export async function listSilences(deps: AlertServiceDeps, nowMs = Date.now()): Promise<AlertSilenceDto[]> {
  const [rows, rules, jobs] = await Promise.all([
    deps.db.alertSilence.findMany({ orderBy: { createdAt: "desc" }, take: 200 }),
    deps.db.alertRule.findMany({ select: { id: true, name: true } }),
    deps.db.job.findMany({ select: { id: true, name: true } }),
  ]);
  return rows.map((s) => ({
    id: s.id,
    rule: s.ruleId ? { id: s.ruleId, name: rules.find((r) => r.id === s.ruleId)?.name ?? "(deleted rule)" } : null,
    targetKey: s.targetKey,
    targetName: targetKeyName(s.targetKey, jobs),
    reason: s.reason,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    active: s.endsAt.getTime() > nowMs,
  }));
}

export async function createSilence(deps: AlertServiceDeps, command: CreateAlertSilenceCommand, nowMs = Date.now()): Promise<AlertSilenceDto> {
  const { db } = deps;
  const rule = command.rule ? await requireRule(db, command.rule) : null;
  let targetKey: string | null = null;
  if (command.target?.type === "job") {
    const job = await findJob(db, command.target.job);
    if (!job) throw new AppError("UNKNOWN_TARGET", `target.job: no job with id or name '${command.target.job}'`, { missing: command.target.job });
    targetKey = `job:${job.id}`;
  } else if (command.target?.type === "group") {
    targetKey = `group:${command.target.group}`;
  }
  const endsAt = command.endsAt !== undefined ? Date.parse(command.endsAt) : nowMs + command.durationSeconds! * 1000;
  if (endsAt <= nowMs) throw new AppError("VALIDATION_FAILED", "endsAt: must be in the future", [{ path: "endsAt", message: "must be in the future" }]);
  if (endsAt - nowMs > 90 * 86_400_000) throw new AppError("VALIDATION_FAILED", "endsAt: at most 90 days ahead", [{ path: "endsAt", message: "at most 90 days ahead" }]);
  const id = randomUUID();
  await db.$transaction(async (tx) => {
    await tx.alertSilence.create({ data: { id, ruleId: rule?.id ?? null, targetKey, reason: command.reason, createdBy: actorOf(deps), endsAt: new Date(endsAt) } });
    await recordAudit(tx, { actor: actorOf(deps), action: "alert-silence.create", targetType: "alert-silence", targetId: id, details: { after: { rule: rule?.name ?? null, targetKey, reason: command.reason, endsAt: new Date(endsAt).toISOString() } } });
  });
  return (await listSilences(deps, nowMs)).find((s) => s.id === id)!;
}

/** Ends a silence now; it stays in the list as expired. */
export async function expireSilence(deps: AlertServiceDeps, id: string, nowMs = Date.now()): Promise<AlertSilenceDto> {
  const row = await deps.db.alertSilence.findUnique({ where: { id } });
  if (!row) throw new AppError("ALERT_SILENCE_NOT_FOUND", `no silence with id '${id}'`);
  if (row.endsAt.getTime() > nowMs) {
    await deps.db.$transaction(async (tx) => {
      await tx.alertSilence.update({ where: { id }, data: { endsAt: new Date(nowMs) } });
      await recordAudit(tx, { actor: actorOf(deps), action: "alert-silence.expire", targetType: "alert-silence", targetId: id, details: { before: { endsAt: row.endsAt.toISOString() }, after: { endsAt: new Date(nowMs).toISOString() } } });
    });
  }
  return (await listSilences(deps, nowMs + 1)).find((s) => s.id === id)!;
}

// ------------------------------------------------------------------------------------------ open alerts and history

export async function listActiveAlerts(deps: AlertServiceDeps, nowMs = Date.now()): Promise<ActiveAlertDto[]> {
  const [states, rules, silences] = await Promise.all([
    deps.db.alertState.findMany(),
    deps.db.alertRule.findMany(),
    deps.db.alertSilence.findMany({ where: { endsAt: { gt: new Date(nowMs) } } }),
  ]);
  const list = silences.map((s) => ({ ...s, endsAt: s.endsAt.getTime() }));
  const out: ActiveAlertDto[] = [];
  for (const s of states) {
    const row = rules.find((r) => r.id === s.ruleId);
    if (!row || !row.enabled) continue;
    const rule = ruleFromRow(row);
    const kind = s.targetKey.startsWith("group:") ? "group" : "job";
    const silence = matchingSilence(list, rule.id, s.targetKey, nowMs);
    out.push({
      ruleId: rule.id,
      ruleName: rule.name,
      severity: rule.severity,
      conditionText: describeCondition(rule.condition),
      targetKey: s.targetKey,
      targetName: s.targetName,
      targetKind: kind,
      state: s.state === "firing" ? "firing" : "pending",
      since: new Date(Number(s.since)).toISOString(),
      firingSince: s.firingSince === null ? null : new Date(Number(s.firingSince)).toISOString(),
      lastNotifiedAt: s.lastNotifiedAt === null ? null : new Date(Number(s.lastNotifiedAt)).toISOString(),
      value: s.value,
      valueText: formatValue(rule.condition, s.value ?? (rule.condition.type === "eta" ? Number.POSITIVE_INFINITY : null)),
      silenced: silence ? { id: silence.id, reason: silence.reason, endsAt: new Date(silence.endsAt).toISOString() } : null,
      link: targetLink("", kind, s.targetName),
    });
  }
  const rank = { critical: 0, warning: 1, info: 2 } as Record<AlertSeverity, number>;
  return out.sort((a, b) => (a.state === b.state ? 0 : a.state === "firing" ? -1 : 1) || rank[a.severity] - rank[b.severity] || a.since.localeCompare(b.since));
}

export async function listEvents(deps: AlertServiceDeps, q: z.output<typeof alertEventsQuerySchema>): Promise<{ items: AlertEventDto[]; next: number | null }> {
  const rule = q.rule ? await requireRule(deps.db, q.rule) : null;
  const { rows, next } = await page(
    q.limit,
    (take) =>
      deps.db.alertEvent.findMany({
        where: { ...(q.before ? { id: { lt: q.before } } : {}), ...(rule ? { ruleId: rule.id } : {}), ...(q.kind ? { kind: q.kind } : {}) },
        orderBy: { id: "desc" },
        take,
        include: { deliveries: { orderBy: { id: "asc" }, include: { tries: { orderBy: { id: "asc" } } } } },
      }),
    (last) => last.id,
  );
  return {
    items: rows.map((e) => {
      const d = parseDetails(e);
      return {
        id: e.id,
        at: e.at.toISOString(),
        kind: e.kind as AlertEventDto["kind"],
        ruleId: e.ruleId,
        ruleName: e.ruleName,
        severity: e.severity as AlertSeverity,
        targetKey: e.targetKey,
        targetName: e.targetName,
        value: e.value,
        valueText: d.valueText,
        conditionText: d.conditionText,
        since: d.since,
        silencedBy: d.silencedBy,
        deliveries: e.deliveries.map((x) => ({
          id: x.id,
          channelId: x.channelId,
          channelName: x.channelName,
          channelType: x.channelType as ChannelType,
          status: x.status === "sending" ? "pending" : (x.status as AlertDeliveryStatus),
          attempts: x.attempts,
          lastError: x.lastError,
          tries: x.tries.map((t) => ({ at: t.at.toISOString(), ok: t.ok, statusCode: t.statusCode, error: t.error, durationMs: t.durationMs })),
        })),
      };
    }),
    next,
  };
}

type AlertDeliveryStatus = "pending" | "delivered" | "failed";
