import type { ReactNode } from "react";
import { Button } from "./button";
import { cn } from "./cn";

/** A form's or action's error, announced to screen readers; nothing when there is none. */
export function FormError({ message, className }: { message: string | null | undefined; className?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className={cn("text-sm text-red-700", className)}>
      {message}
    </p>
  );
}

/** Submit, Cancel and the form's error, in one row. */
export function FormActions(props: { submitLabel: string; disabled: boolean; onCancel: () => void; error: string | null | undefined; className?: string }) {
  return (
    <div className={cn("flex items-center gap-2", props.className)}>
      <Button type="submit" variant="primary" disabled={props.disabled}>
        {props.submitLabel}
      </Button>
      <Button onClick={props.onCancel}>Cancel</Button>
      <FormError message={props.error} />
    </div>
  );
}

/** Deletes after the browser's confirmation, which says what deleting does (`consequence`). */
export function DeleteButton(props: { what: string; name: string; consequence: string; disabled: boolean; onDelete: () => void }) {
  return (
    <Button
      variant="danger"
      disabled={props.disabled}
      onClick={() => {
        if (window.confirm(`Delete ${props.what} “${props.name}”? ${props.consequence}`)) props.onDelete();
      }}
      aria-label={`Delete ${props.what} ${props.name}`}
    >
      Delete
    </Button>
  );
}

/** The label above a form's field. */
export function FieldLabel({ htmlFor, children }: { htmlFor: string; children: ReactNode }) {
  return (
    <label htmlFor={htmlFor} className="block text-sm font-medium text-slate-800">
      {children}
    </label>
  );
}
