-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_StoredRecord" (
    "streamId" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "timestamp" BIGINT NOT NULL,
    "key" BLOB,
    "value" BLOB,
    "headers" TEXT,
    "batchId" INTEGER NOT NULL,

    PRIMARY KEY ("streamId", "offset")
);
INSERT INTO "new_StoredRecord" ("batchId", "headers", "key", "offset", "streamId", "timestamp", "value") SELECT "batchId", "headers", "key", "offset", "streamId", "timestamp", "value" FROM "StoredRecord";
DROP TABLE "StoredRecord";
ALTER TABLE "new_StoredRecord" RENAME TO "StoredRecord";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
