import "server-only";
import type { z } from "zod";
import type { AuditEventDto, auditQuerySchema } from "@/lib/contracts/auth";
import type { ListDto } from "@/lib/contracts/jobs";
import { page } from "@/lib/domain/page";
import { listAudit } from "../audit/audit-log";
import type { Db } from "../stores/tx";

/** The audit log, newest first, a page at a time (`next` is the cursor for `before`). */
export async function listAuditPage(db: Db, { limit, ...filters }: z.output<typeof auditQuerySchema>): Promise<ListDto<AuditEventDto>> {
  const { rows, next } = await page(limit, (take) => listAudit(db, { limit: take, ...filters }), (last) => String(last.id));
  return { items: rows, next };
}
