"use client";
import { useAuditQuery } from "@/lib/client/api/auth";
import { AuditDetails } from "./audit-details";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { Table, TableHead, Td } from "@/components/ui/table";

/** The audit log, newest first; optionally only one target's events (e.g. a job's page). */
export function AuditTable({ targetType, targetId, limit = 100 }: { targetType?: string; targetId?: string; limit?: number }) {
  const audit = useAuditQuery({ ...(targetType ? { targetType } : {}), ...(targetId ? { targetId } : {}) }, limit);
  if (audit.isPending) return <Loading />;
  if (audit.isError) return <ErrorState error={audit.error} title="Could not load the audit log" />;
  if (audit.data.length === 0) return <EmptyState title="No changes recorded yet" />;
  return (
    <Table aria-label="Audit log">
      <TableHead columns={["When", "Who", "What", "Target", "Details"]} />
      <tbody>
        {audit.data.map((e) => (
          <tr key={e.id} data-testid="audit-row">
            <Td className="num whitespace-nowrap text-slate-600">{new Date(e.at).toLocaleString("en-GB", { hour12: false })}</Td>
            <Td className="font-mono text-xs">{e.actor}</Td>
            <Td className="font-medium">{e.action}</Td>
            <Td className="font-mono text-xs text-slate-600">
              {e.targetType}
              {e.targetId ? `/${e.targetId.slice(0, 36)}` : ""}
            </Td>
            <Td className="max-w-md">
              {/* Rendered as text, never as HTML: details may echo what a client sent. */}
              <AuditDetails action={e.action} details={e.details} />
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
