"use client";
import { useState, type FormEvent } from "react";
import type { Role } from "@/lib/domain/roles";
import { useCreateTokenMutation, useRevokeTokenMutation, useTokensQuery } from "@/lib/client/api/auth";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { RoleSelect } from "./role-select";
import { FormError } from "@/components/ui/form-parts";

const inputClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-GB", { hour12: false }) : "—");

export function TokensPanel() {
  const tokens = useTokensQuery();
  const create = useCreateTokenMutation();
  const revoke = useRevokeTokenMutation();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name, role }, { onSuccess: () => setName("") });
  }

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
      {tokens.isPending ? (
        <Loading />
      ) : tokens.isError ? (
        <ErrorState error={tokens.error} title="Could not load tokens" />
      ) : tokens.data.length === 0 ? (
        <EmptyState title="No API tokens">Scripts authenticate with “Authorization: Bearer &lt;token&gt;”.</EmptyState>
      ) : (
        <Table aria-label="API tokens">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Role</Th>
              <Th>Token</Th>
              <Th>Created by</Th>
              <Th>Last used</Th>
              <Th />
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => (
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
            ))}
          </tbody>
        </Table>
      )}
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-2 border-t border-slate-100 p-4">
        <label className="text-xs text-slate-600">
          Name
          <input className={`${inputClass} block`} value={name} onChange={(e) => setName(e.target.value)} placeholder="ci-deploy" autoComplete="off" />
        </label>
        <label className="text-xs text-slate-600">
          Role
          <RoleSelect className="block" value={role} onChange={setRole} />
        </label>
        <Button type="submit" variant="primary" disabled={create.isPending}>
          Create token
        </Button>
        <FormError className="w-full" message={create.error?.message} />
      </form>
    </Panel>
  );
}
