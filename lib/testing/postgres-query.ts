import pg from "pg";

/** Runs one statement on its own connection and gives back its rows: for tests that look at a PostgreSQL database from outside. */
export async function queryPostgres<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}
