import type { AuditEventDto } from "@/lib/contracts/auth";
import type { Db, Tx } from "../stores/tx";

export interface AuditEntry {
  actor: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** Records a change; pass the transaction that makes the change so both commit together. */
export async function recordAudit(db: Db | Tx, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      details: JSON.stringify(entry.details ?? {}),
    },
  });
}

export async function listAudit(
  db: Db,
  opts: { limit: number; before?: number; targetType?: string; targetId?: string },
): Promise<AuditEventDto[]> {
  const rows = await db.auditEvent.findMany({
    where: {
      ...(opts.before ? { id: { lt: opts.before } } : {}),
      ...(opts.targetType ? { targetType: opts.targetType } : {}),
      ...(opts.targetId ? { targetId: opts.targetId } : {}),
    },
    orderBy: { id: "desc" },
    take: opts.limit,
  });
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}
