/**
 * `npm run users:reset-local -- --yes`: turns sign-in off on purpose. Once users exist, the server runs in
 * authenticated mode whatever the environment says; this deletes every user, session and API token of the
 * database (DATABASE_URL, default ./data/tidemark.db) in one transaction, with an `auth.reset-local` entry
 * in the audit log. Without --yes it only says what it would delete. Restart the server afterwards,
 * without TIDEMARK_ADMIN_PASSWORD(_HASH) (with it, the admin is created again at start).
 */
import os from "node:os";
import { createPrismaClient } from "../lib/server/db/client";
import { migrateDatabase } from "../lib/server/db/migrate-database";
import { resetToLocalMode } from "../lib/server/services/auth";

async function main() {
  const args = process.argv.slice(2);
  if (args.some((a) => a !== "--yes")) {
    console.error("usage: npm run users:reset-local -- --yes");
    process.exit(2);
  }
  const url = process.env.DATABASE_URL ?? "file:./data/tidemark.db";
  await migrateDatabase(url);
  const db = createPrismaClient(url);
  // A PostgreSQL URL may hold a password: never print it.
  const shown = url.replace(/\/\/[^@/]*@/, "//…@");
  try {
    const [users, tokens, sessions] = [await db.user.findMany({ select: { name: true }, orderBy: { name: "asc" } }), await db.apiToken.count(), await db.session.count()];
    if (users.length === 0 && tokens === 0) {
      console.log(`${shown}: no users and no API tokens; this database is in local mode already.`);
      return;
    }
    const what = `${users.length} user(s) (${users.map((u) => u.name).join(", ")}), ${tokens} API token(s) and ${sessions} session(s)`;
    if (!args.includes("--yes")) {
      console.log(`${shown}: would delete ${what} and turn sign-in off. Run again with --yes to do it.`);
      process.exit(1);
    }
    await resetToLocalMode(db, `cli:${os.userInfo().username}`);
    console.log(`${shown}: deleted ${what}; recorded as auth.reset-local in the audit log.`);
    console.log("Restart the server (a running one stays in authenticated mode until then).");
    if (process.env.TIDEMARK_ADMIN_PASSWORD || process.env.TIDEMARK_ADMIN_PASSWORD_HASH) {
      console.log("TIDEMARK_ADMIN_PASSWORD(_HASH) is set here: unset it for the server too, or it creates the admin again and stays authenticated.");
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
