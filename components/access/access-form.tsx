import { useId, type FormEvent, type ReactNode } from "react";
import type { Role } from "@/lib/domain/roles";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-parts";
import { RoleSelect } from "./role-select";

export const accessInputClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";

/** A field named by its label's words alone: the label sits beside it, since a label around a select also holds its options' text. */
export function AccessField({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="text-xs text-slate-600">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

/** The row below a users' or tokens' list that creates one: a name, the caller's fields (`children`), a role. */
export function AccessForm(props: {
  name: string;
  onNameChange: (name: string) => void;
  namePlaceholder?: string;
  role: Role;
  onRoleChange: (role: Role) => void;
  submitLabel: string;
  pending: boolean;
  error: string | undefined;
  onCreate: () => void;
  children?: ReactNode;
}) {
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    props.onCreate();
  }
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-2 border-t border-slate-100 p-4">
      <AccessField label="Name">
        {(id) => (
          <input
            id={id}
            className={`${accessInputClass} block`}
            value={props.name}
            onChange={(e) => props.onNameChange(e.target.value)}
            placeholder={props.namePlaceholder}
            autoComplete="off"
          />
        )}
      </AccessField>
      {props.children}
      <AccessField label="Role">
        {(id) => <RoleSelect id={id} className="block" value={props.role} onChange={props.onRoleChange} />}
      </AccessField>
      <Button type="submit" variant="primary" disabled={props.pending}>
        {props.submitLabel}
      </Button>
      <FormError className="w-full" message={props.error} />
    </form>
  );
}
