// Prisma 7 CLI configuration.
//
// Offline machines: Prisma's native schema-engine binary cannot be downloaded here, yet the CLI insists on
// finding one even for `prisma generate` (which never uses it). When no real engine is installed, point
// PRISMA_SCHEMA_ENGINE_BINARY at a stub so `generate` / `validate` / `format` work. Migrations are authored
// with `npm run db:migration -- <name>` (wasm schema engine) and applied by lib/server/db/migrate.ts.
// A connected machine that downloaded the real engine keeps using it (and `prisma migrate deploy` agrees).
import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";

const root = __dirname;

function hasRealSchemaEngine(): boolean {
  if (process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.env.PRISMA_MIGRATION_ENGINE_BINARY) return true;
  const enginesDir = path.join(root, "node_modules", "@prisma", "engines");
  try {
    return fs.readdirSync(enginesDir).some((f) => f.startsWith("schema-engine"));
  } catch {
    return false;
  }
}

if (!hasRealSchemaEngine()) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(root, "scripts", "db", "schema-engine-stub");
}

export default defineConfig({
  schema: path.join(root, "prisma", "schema.prisma"),
  migrations: {
    path: path.join(root, "prisma", "migrations"),
  },
  datasource: {
    url: process.env.DATABASE_URL ?? "file:./data/tidemark.db",
  },
});
