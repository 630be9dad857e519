import { AuditTable } from "@/components/audit/audit-table";
import { Panel } from "@/components/ui/panel";

export default function AuditPage() {
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Audit log</h1>
      <Panel>
        <AuditTable />
      </Panel>
    </div>
  );
}
