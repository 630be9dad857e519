"use client";
import { useState, type FormEvent } from "react";
import type { Role } from "@/lib/domain/roles";
import { useCreateUserMutation, useUpdateUserMutation, useUsersQuery } from "@/lib/client/api/auth";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { RoleSelect } from "./role-select";
import { FormError } from "@/components/ui/form-parts";

const inputClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";

export function UsersPanel() {
  const users = useUsersQuery();
  const create = useCreateUserMutation();
  const update = useUpdateUserMutation();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name, password, role }, { onSuccess: () => (setName(""), setPassword("")) });
  }

  return (
    <Panel title="Users">
      {users.isPending ? (
        <Loading />
      ) : users.isError ? (
        <ErrorState error={users.error} title="Could not load users" />
      ) : users.data.length === 0 ? (
        <EmptyState title="No users" />
      ) : (
        <Table aria-label="Users">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Role</Th>
              <Th>Status</Th>
              <Th />
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.id}>
                <Td className="font-medium">{u.name}</Td>
                <Td>
                  <RoleSelect aria-label={`Role of ${u.name}`} value={u.role} onChange={(role) => update.mutate({ id: u.id, role })} />
                </Td>
                <Td className={u.disabled ? "text-red-700" : "text-emerald-700"}>{u.disabled ? "disabled" : "active"}</Td>
                <Td className="text-right">
                  <Button onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })}>{u.disabled ? "Enable" : "Disable"}</Button>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {update.error && (
        <p role="alert" className="px-4 py-2 text-sm text-red-700">
          {update.error.message}
        </p>
      )}
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-2 border-t border-slate-100 p-4">
        <label className="text-xs text-slate-600">
          Name
          <input className={`${inputClass} block`} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </label>
        <label className="text-xs text-slate-600">
          Password
          <input type="password" className={`${inputClass} block`} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
        </label>
        <label className="text-xs text-slate-600">
          Role
          <RoleSelect className="block" value={role} onChange={setRole} />
        </label>
        <Button type="submit" variant="primary" disabled={create.isPending}>
          Add user
        </Button>
        <FormError className="w-full" message={create.error?.message} />
      </form>
    </Panel>
  );
}
