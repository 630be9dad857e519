/** Use cases behind /api/alerts/channels: list, add, change, delete, and "send test". */
import { randomUUID } from "node:crypto";
import type {
  AlertChannelDto,
  ChannelTestResultDto,
  ChannelType,
  CreateAlertChannelCommand,
  UpdateAlertChannelCommand,
} from "@/lib/contracts/alert-channels";
import { recordAudit } from "../audit/audit-log";
import { AppError } from "../http/app-error";
import type { Db } from "../stores/tx";
import { noticeFromEvent, type EventDetails } from "./alert-events";
import { channelFromRow, defaultTransport, sendToChannel, toChannelDto, type EmailConfig } from "./channels";
import { storedTemplate, updatedTemplate } from "./http-template-channel";
import { actorOf, isUniqueViolation, type AlertServiceDeps } from "./alert-service";

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
  const stored =
    command.type === "email"
      ? { config: JSON.stringify(email), secret: command.password ?? "" }
      : command.type === "http-template"
        ? storedTemplate(command)
        : { config: JSON.stringify(command.type === "alertmanager" ? { resendSeconds: command.resendSeconds } : {}), secret: command.url };
  // The audit row never holds a secret: the settings as the API shows them (URLs by origin, secret values masked).
  const shown = toChannelDto(channelFromRow({ id, name: command.name, type: command.type, enabled: command.enabled, ...stored, createdAt: new Date() }));
  try {
    await db.$transaction(async (tx) => {
      await tx.alertChannel.create({ data: { id, name: command.name, type: command.type, enabled: command.enabled, ...stored } });
      await recordAudit(tx, {
        actor: actorOf(deps),
        action: "alert-channel.create",
        targetType: "alert-channel",
        targetId: id,
        details: { after: { name: command.name, type: command.type, ...(shown.email ?? { url: shown.url }), ...shown.alertmanager, ...(shown.template ? { template: shown.template } : {}) } },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("ALERT_CHANNEL_NAME_TAKEN", `an alert channel named '${command.name}' already exists`);
    throw error;
  }
  return toChannelDto(channelFromRow(await requireChannel(db, id)));
}

/** What a PATCH may change besides name and enabled, per type. */
const SETTINGS: Record<ChannelType, readonly string[]> = {
  webhook: ["url"],
  slack: ["url"],
  teams: ["url"],
  wecom: ["url"],
  email: ["password", "to"],
  alertmanager: ["url", "resendSeconds"],
  "http-template": ["url", "method", "contentType", "headers", "secrets", "body", "sendResolved", "resolvedUrl", "resolvedBody"],
};

export async function updateChannel(deps: AlertServiceDeps, idOrName: string, update: UpdateAlertChannelCommand): Promise<AlertChannelDto> {
  const { db } = deps;
  const row = await requireChannel(db, idOrName);
  const channel = channelFromRow(row);
  const misplaced = Object.keys(update).find((k) => !["name", "enabled", ...SETTINGS[channel.type]].includes(k));
  if (misplaced) throw new AppError("VALIDATION_FAILED", `${misplaced}: not a setting of ${channel.type} channels`, [{ path: misplaced, message: `not for ${channel.type}` }]);
  if (update.name !== undefined && update.name !== row.name && (await db.alertChannel.findUnique({ where: { name: update.name } }))) {
    throw new AppError("ALERT_CHANNEL_NAME_TAKEN", `an alert channel named '${update.name}' already exists`);
  }
  const settingsChanged = Object.keys(update).filter((k) => k !== "name" && k !== "enabled");
  const secret = update.url ?? update.password;
  const stored =
    channel.template && settingsChanged.length > 0
      ? updatedTemplate(channel.template, update)
      : {
          ...(secret !== undefined ? { secret } : {}),
          ...(update.to !== undefined && channel.email ? { config: JSON.stringify({ ...channel.email, to: update.to }) } : {}),
          ...(update.resendSeconds !== undefined ? { config: JSON.stringify({ resendSeconds: update.resendSeconds }) } : {}),
        };
  await db.$transaction(async (tx) => {
    await tx.alertChannel.update({
      where: { id: row.id },
      data: {
        ...(update.name !== undefined ? { name: update.name } : {}),
        ...(update.enabled !== undefined ? { enabled: update.enabled } : {}),
        ...stored,
      },
    });
    await recordAudit(tx, {
      actor: actorOf(deps),
      action: "alert-channel.update",
      targetType: "alert-channel",
      targetId: row.id,
      details: {
        before: { name: row.name, enabled: row.enabled },
        after: { name: update.name, enabled: update.enabled, to: update.to, resendSeconds: update.resendSeconds, settingsChanged, secretChanged: secret !== undefined || update.headers !== undefined || update.secrets !== undefined },
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

