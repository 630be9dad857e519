import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createTempDatabase, tempDatabaseForTests } from "@/lib/testing/temp-db";
import { sqliteConnection } from "./client";

describe("a PrismaClient's one SQLite connection", () => {
  const db = tempDatabaseForTests();

  it("runs a query from outside an open transaction after it, so the transaction's rollback cannot take that write with it", async () => {
    await db.$executeRawUnsafe(`CREATE TABLE "Probe" ("v" TEXT)`);
    let seenInside: unknown = null;
    const failing = db
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO "Probe" VALUES ('inside')`);
        await new Promise((r) => setTimeout(r, 200));
        seenInside = await tx.$queryRawUnsafe(`SELECT "v" FROM "Probe" ORDER BY "v"`);
        throw new Error("roll back");
      })
      .catch((e: Error) => e.message);
    await new Promise((r) => setTimeout(r, 50));
    // Issued while the transaction is open: must neither see nor join it.
    await db.$executeRawUnsafe(`INSERT INTO "Probe" VALUES ('outside')`);
    const seenOutside = await db.$queryRawUnsafe(`SELECT "v" FROM "Probe" ORDER BY "v"`);
    expect(await failing).toBe("roll back");
    expect(seenInside).toEqual([{ v: "inside" }]);
    expect(seenOutside).toEqual([{ v: "outside" }]);
    expect(await db.$queryRawUnsafe(`SELECT "v" FROM "Probe"`)).toEqual([{ v: "outside" }]);
  });

  it("hands out the raw connection, whose statements inside $transaction commit or roll back with it", async () => {
    const raw = sqliteConnection(db);
    expect(raw).not.toBeNull();
    await db.$transaction(async (tx) => {
      raw!.prepare(`INSERT INTO "Probe" VALUES (?)`).run("raw-committed");
      await tx.$executeRawUnsafe(`INSERT INTO "Probe" VALUES ('prisma-committed')`);
    });
    await db
      .$transaction(async () => {
        raw!.prepare(`INSERT INTO "Probe" VALUES (?)`).run("raw-rolled-back");
        throw new Error("no");
      })
      .catch(() => {});
    expect(await db.$queryRawUnsafe(`SELECT "v" FROM "Probe" ORDER BY "v"`)).toEqual([{ v: "outside" }, { v: "prisma-committed" }, { v: "raw-committed" }]);
  });

  it("takes the write lock at BEGIN, so a transaction that reads first still commits when another connection writes meanwhile", async () => {
    const database = createTempDatabase();
    const client = database.client();
    const other = new Database(database.file, { timeout: 0 });
    try {
      await client.$executeRawUnsafe(`CREATE TABLE "Counter" ("n" INTEGER)`);
      await client.$executeRawUnsafe(`INSERT INTO "Counter" VALUES (0)`);
      let otherWrite = "not tried";
      await client.$transaction(async (tx) => {
        const [{ n }] = await tx.$queryRawUnsafe<{ n: bigint | number }[]>(`SELECT "n" FROM "Counter"`);
        // Another connection writing after this read: under a deferred BEGIN it commits and this
        // transaction's write below fails with SQLITE_BUSY; under IMMEDIATE it must wait its turn.
        try {
          other.prepare(`UPDATE "Counter" SET "n" = 100`).run();
          otherWrite = "committed";
        } catch (error) {
          otherWrite = (error as { code?: string }).code ?? String(error);
        }
        await tx.$executeRawUnsafe(`UPDATE "Counter" SET "n" = ?`, Number(n) + 1);
      });
      expect(otherWrite).toBe("SQLITE_BUSY");
      expect(other.prepare(`SELECT "n" FROM "Counter"`).get()).toEqual({ n: 1 });
    } finally {
      other.close();
      await client.$disconnect();
      database.remove();
    }
  });
});
