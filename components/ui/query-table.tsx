import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { QueryView } from "./states";
import { Table, TableHead, type Column } from "./table";

/** A query's rows as a table: loading, error and `empty` as in QueryView, else the header row (`columns`) and the rows. */
export function QueryTable<T, E>(props: {
  query: UseQueryResult<T, E>;
  errorTitle: string;
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  label: string;
  columns: Column[];
  children: (data: T) => ReactNode;
}) {
  const { label, columns, children, ...view } = props;
  return (
    <QueryView {...view}>
      {(data) => (
        <Table aria-label={label}>
          <TableHead columns={columns} />
          <tbody>{children(data)}</tbody>
        </Table>
      )}
    </QueryView>
  );
}
