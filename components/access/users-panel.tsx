"use client";
import { useState } from "react";
import type { Role } from "@/lib/domain/roles";
import { useCreateUserMutation, useUpdateUserMutation, useUsersQuery } from "@/lib/client/api/auth";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { EmptyState } from "@/components/ui/states";
import { QueryTable } from "@/components/ui/query-table";
import { Td } from "@/components/ui/table";
import { RoleSelect } from "./role-select";
import { FormError } from "@/components/ui/form-parts";
import { AccessField, AccessForm, accessInputClass } from "./access-form";

export function UsersPanel() {
  const users = useUsersQuery();
  const create = useCreateUserMutation();
  const update = useUpdateUserMutation();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");

  return (
    <Panel title="Users">
      <QueryTable
        query={users}
        errorTitle="Could not load users"
        empty={<EmptyState title="No users" />}
        label="Users"
        columns={["Name", "Role", "Status", ""]}
      >
        {(data) =>
          data.map((u) => (
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
          ))
        }
      </QueryTable>
      <FormError className="px-4 py-2" message={update.error?.message} />
      <AccessForm
        name={name}
        onNameChange={setName}
        role={role}
        onRoleChange={setRole}
        submitLabel="Add user"
        pending={create.isPending}
        error={create.error?.message}
        onCreate={() => create.mutate({ name, password, role }, { onSuccess: () => (setName(""), setPassword("")) })}
      >
        <AccessField label="Password">
          {(id) => <input id={id} type="password" className={`${accessInputClass} block`} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />}
        </AccessField>
      </AccessForm>
    </Panel>
  );
}
