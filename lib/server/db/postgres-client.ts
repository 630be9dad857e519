// A PrismaClient on PostgreSQL through Prisma's pg driver adapter.
//
// Prisma generates one client per provider (its query compiler is built per database), so PostgreSQL has
// its own, generated from prisma/postgresql/schema.prisma into ./generated-postgresql. The models are the
// same as SQLite's (the schema is generated from prisma/schema.prisma), so it is typed as the SQLite
// client that every store is written against.
//
// No `server-only` import here: plain tsx scripts and Vitest import this too.
import { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaClient } from "./generated/client";
import { PrismaClient as PostgresPrismaClient } from "./generated-postgresql/client";

export function createPostgresPrismaClient(connectionString: string, opts: { poolSize: number }): PrismaClient {
  const adapter = new PrismaPg({ connectionString, max: opts.poolSize });
  const client = new PostgresPrismaClient({ adapter });
  return client as unknown as PrismaClient;
}

