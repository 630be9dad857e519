// Which database a DATABASE_URL names: PostgreSQL for `postgresql://` / `postgres://`, else a SQLite
// file (`file:./data/tidemark.db`, the default; a bare path works too).
//
// No `server-only` import here: plain tsx scripts and Vitest import this too.

export type DatabaseKind = "sqlite" | "postgresql";

export function databaseKind(databaseUrl: string): DatabaseKind {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return "postgresql";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(databaseUrl)) {
    const shown = databaseUrl.replace(/\/\/[^@/]*@/, "//…@"); // no password in the message
    throw Object.assign(new Error(`DATABASE_URL ${shown}: only file: (SQLite) and postgresql:// (PostgreSQL) are supported`), {
      code: "DATABASE_URL_INVALID",
    });
  }
  return "sqlite";
}
