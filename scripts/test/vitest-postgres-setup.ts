/**
 * Vitest globalSetup for the `postgres` project: one throwaway PostgreSQL cluster for the whole run
 * (scripts/db/postgres-cluster.ts), with a migrated template database that each test file's database is
 * copied from (lib/testing/temp-db.ts: CREATE DATABASE … TEMPLATE, a few ms instead of migrating).
 *
 * - TEST_POSTGRES_URL set (a superuser's URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres): use that
 *   server; the test databases are made and dropped there.
 * - Otherwise: start a cluster on a free port, removed after the run.
 *
 * Provides `postgresUrl` (the admin URL) and `postgresTemplate` (the template database's name).
 */
import crypto from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../db/postgres-cluster';
import { migrateDatabase } from '../../lib/server/db/migrate-database';
export type { PostgresProvidedContext } from '../../lib/testing/temp-db';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = process.env.TEST_POSTGRES_URL ? null : await startPostgres({ unsafeFast: true, maxConnections: 300 });
  const url = process.env.TEST_POSTGRES_URL ?? cluster!.url();
  const template = `tidemark_template_${crypto.randomBytes(4).toString('hex')}`;
  try {
    await admin(url, `CREATE DATABASE "${template}"`);
    await migrateDatabase(withDatabase(url, template));
  } catch (error) {
    cluster?.stop();
    throw error;
  }
  project.provide('postgresUrl', url);
  project.provide('postgresTemplate', template);
  return async () => {
    if (cluster) cluster.stop();
    else await admin(url, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  };
}
