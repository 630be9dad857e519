/**
 * A Tidemark instance's sign-ins in a process of its own, for tests of limits shared through the
 * database: `node --import tsx lib/testing/sign-in-process.ts <database URL>`. It prints `ready` once
 * connected; then each line it reads, `{ name, password, client, now, count }` as JSON, starts `count`
 * sign-ins at once and answers with one line: the JSON list of their error codes ("none": signed in).
 * (Two instances on one SQLite file need two processes: better-sqlite3 waits for a lock synchronously,
 * so a second connection in one process would block the holder's commit.)
 */
import readline from "node:readline";
import { createPrismaClient } from "@/lib/server/db/client";
import { login } from "@/lib/server/services/auth";

type Attempts = { name: string; password: string; client: string | null; now: number; count: number };

async function main(): Promise<void> {
  const db = createPrismaClient(process.argv[2]);
  await db.user.count();
  console.log("ready");
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const { name, password, client, now, count } = JSON.parse(line) as Attempts;
    const codes = await Promise.all(
      Array.from({ length: count }, () =>
        login(db, name, password, client, () => now).then(
          () => "none",
          (error: { code?: string; message?: string }) => error.code ?? String(error.message),
        ),
      ),
    );
    console.log(JSON.stringify(codes));
  }
  await db.$disconnect();
}

void main();
