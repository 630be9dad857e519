import type { SelectHTMLAttributes } from "react";
import { roles, type Role } from "@/lib/domain/roles";
import { cn } from "@/components/ui/cn";

/** A choice of role (viewer, operator, admin), for a new user or token and for a user's row. */
export function RoleSelect({ value, onChange, className, ...props }: Omit<SelectHTMLAttributes<HTMLSelectElement>, "value" | "onChange"> & { value: Role; onChange: (role: Role) => void }) {
  return (
    <select className={cn("rounded-md border border-slate-300 bg-white px-2 py-1 text-sm", className)} value={value} onChange={(e) => onChange(e.target.value as Role)} {...props}>
      {roles.map((r) => (
        <option key={r}>{r}</option>
      ))}
    </select>
  );
}
