"use client";
import { useState } from "react";
import type { Role } from "@/lib/domain/roles";
import { useCreateTokenMutation, useRevokeTokenMutation, useTokensQuery } from "@/lib/client/api/auth";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { EmptyState } from "@/components/ui/states";
import { QueryTable } from "@/components/ui/query-table";
import { Td } from "@/components/ui/table";
import { AccessForm } from "./access-form";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-GB", { hour12: false }) : "—");

export function TokensPanel() {
  const tokens = useTokensQuery();
  const create = useCreateTokenMutation();
  const revoke = useRevokeTokenMutation();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");

  return (
    <Panel title="API tokens">
      {create.data && (
        <div role="status" className="m-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          <p className="font-medium">Token “{create.data.name}” created. Copy it now: it is not shown again.</p>
          <code className="mt-1 block font-mono text-xs break-all select-all" data-testid="new-token">
            {create.data.token}
          </code>
        </div>
      )}
      <QueryTable
        query={tokens}
        errorTitle="Could not load tokens"
        empty={<EmptyState title="No API tokens">Scripts authenticate with “Authorization: Bearer &lt;token&gt;”.</EmptyState>}
        label="API tokens"
        columns={["Name", "Role", "Token", "Created by", "Last used", ""]}
      >
        {(data) =>
          data.map((t) => (
            <tr key={t.id} className={t.revokedAt ? "text-slate-400" : ""}>
              <Td className="font-medium">{t.name}</Td>
              <Td>{t.role}</Td>
              <Td className="font-mono text-xs">{t.prefix}…</Td>
              <Td className="font-mono text-xs">{t.createdBy}</Td>
              <Td className="num whitespace-nowrap">{when(t.lastUsedAt)}</Td>
              <Td className="text-right">
                {t.revokedAt ? (
                  <span className="text-xs">revoked {when(t.revokedAt)}</span>
                ) : (
                  <Button variant="danger" onClick={() => revoke.mutate(t.id)}>
                    Revoke
                  </Button>
                )}
              </Td>
            </tr>
          ))
        }
      </QueryTable>
      <AccessForm
        name={name}
        onNameChange={setName}
        namePlaceholder="ci-deploy"
        role={role}
        onRoleChange={setRole}
        submitLabel="Create token"
        pending={create.isPending}
        error={create.error?.message}
        onCreate={() => create.mutate({ name, role }, { onSuccess: () => setName("") })}
      />
    </Panel>
  );
}
