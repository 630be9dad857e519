import type { HTMLAttributes, ReactNode } from "react";

/**
 * A table row with a detail row under it while `open`: one cell across all `columns`, rendered only when open.
 * The toggle is the caller's own button in the row, with `aria-expanded={open}` and `aria-controls={detailId}`
 * (the detail row's id), so it stays a keyboard-reachable button wherever the row puts it.
 */
export function ExpandableRow({
  open,
  detailId,
  columns,
  detail,
  detailClassName,
  detailTestId,
  children,
  ...row
}: HTMLAttributes<HTMLTableRowElement> & {
  open: boolean;
  detailId: string;
  columns: number;
  /** Called only while open */
  detail: () => ReactNode;
  detailClassName?: string;
  detailTestId?: string;
}) {
  return (
    <>
      <tr {...row}>{children}</tr>
      {open && (
        <tr id={detailId} data-testid={detailTestId}>
          <td colSpan={columns} className={detailClassName}>
            {detail()}
          </td>
        </tr>
      )}
    </>
  );
}
