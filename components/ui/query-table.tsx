import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { QueryView } from "./states";
import { Table } from "./table";

/** A query's rows as a table: loading, error and `empty` as in QueryView, else the header cells (`head`) and the rows. */
export function QueryTable<T, E>(props: {
  query: UseQueryResult<T, E>;
  errorTitle: string;
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  label: string;
  head: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { label, head, children, ...view } = props;
  return (
    <QueryView {...view}>
      {(data) => (
        <Table aria-label={label}>
          <thead>
            <tr>{head}</tr>
          </thead>
          <tbody>{children(data)}</tbody>
        </Table>
      )}
    </QueryView>
  );
}
